"""Generated report pages: a plan's versions (and the form for a new one), and the download."""

from django.urls import path

from zhenggai.reports import views

app_name = "reports"
urlpatterns = [
    path("plans/<int:pk>/", views.PlanReportsView.as_view(), name="plan_reports"),
    path("<int:pk>/download/", views.report_download, name="download"),
]
