"""Pages of the cases app, under /cases/."""

from django.urls import path

from zhenggai.cases import import_views, link_views, views

app_name = "cases"
urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("batches/new/", views.batch_create, name="batch_create"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("batches/<int:pk>/import/", import_views.batch_import, name="batch_import"),
    path("batches/<int:pk>/disclosure.xlsx", views.disclosure_download, name="disclosure_download"),
    path("batches/<int:pk>/publish/", views.batch_publish, name="batch_publish"),
    path("jobs/<int:pk>/", import_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", import_views.job_progress, name="job_progress"),
    path("list/", views.case_list, name="case_list"),
    path("statistics/", views.statistics, name="statistics"),
    path("<int:pk>/", views.case_detail, name="case_detail"),
    path("<int:pk>/handle/", views.case_handle, name="case_handle"),
    path("<int:pk>/repeat/", link_views.case_repeat, name="case_repeat"),
    path("<int:pk>/units/", link_views.case_units, name="case_units"),
]
