"""Generated report pages: a plan's versions (and the forms), its templates, and the downloads."""

from django.urls import path

from zhenggai.reports import views

app_name = "reports"
urlpatterns = [
    path("plans/<int:pk>/", views.PlanReportsView.as_view(), name="plan_reports"),
    path("plans/<int:pk>/templates/", views.TemplateUploadView.as_view(), name="template_upload"),
    path("plans/<int:pk>/templates/<int:template_pk>/retire/", views.template_retire, name="template_retire"),
    path("plans/<int:pk>/templates/<int:template_pk>/download/", views.template_download, name="template_download"),
    path("<int:pk>/download/", views.report_download, name="download"),
]
