"""Pages of the cases app."""

from django.urls import path  # noqa: F401 - the app's pages are added here

app_name = "cases"
urlpatterns: list = []
