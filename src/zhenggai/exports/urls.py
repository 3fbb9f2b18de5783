"""Ledger download (directly or through a background job) and re-import pages."""

from django.urls import path

from zhenggai.exports import views

app_name = "exports"
urlpatterns = [
    path("plans/<int:pk>/ledger.xlsx", views.ledger_download, name="ledger_download"),
    path("plans/<int:pk>/import/", views.LedgerUploadView.as_view(), name="ledger_upload"),
    path("jobs/<int:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:pk>/download/", views.job_download, name="job_download"),
]
