"""The public notice page (公示) and its objection form, under ``/notices/``: no login."""

from django.urls import path

from zhenggai.acceptance.views import public

app_name = "notices"
urlpatterns = [
    path("<uuid:code>/", public.PublicNoticeView.as_view(), name="notice"),
]
