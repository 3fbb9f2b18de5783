"""Pages of the portal app, under ``/public/``: the public pages (no login; items by unguessable code,
never by id) and the office's publishing pages under ``office/`` (login)."""

from django.urls import path

from zhenggai.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("office/", views.OfficeListView.as_view(), name="office"),
    path("office/plans/<int:pk>/publish/", views.PublishPlanView.as_view(), name="publish_plan"),
    path("office/notices/<int:pk>/publish/", views.PublishNoticeView.as_view(), name="publish_notice"),
    path("office/items/<slug:code>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("office/items/<slug:code>/publish/", views.PublishTaskView.as_view(), name="publish_task"),
    # Last: a code is 16 characters of [A-Za-z0-9_-], so it never equals the words above.
    path("<slug:code>/", views.item, name="item"),
]
