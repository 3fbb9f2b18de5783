"""Ledger download and re-import pages."""

from django.urls import path

from zhenggai.exports import views

app_name = "exports"
urlpatterns = [
    path("plans/<int:pk>/ledger.xlsx", views.ledger_download, name="ledger_download"),
    path("plans/<int:pk>/import/", views.LedgerUploadView.as_view(), name="ledger_upload"),
]
