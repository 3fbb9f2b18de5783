"""Pages of the accountability app."""

from django.urls import path

from zhenggai.accountability import views

app_name = "accountability"
urlpatterns = [
    path("", views.index, name="index"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/new/", views.problem_create, name="problem_create"),
    path("inspections/<int:pk>/publish/", views.publish, name="publish"),
    path("problems/<int:pk>/", views.problem_detail, name="problem_detail"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/persons/new/", views.person_create, name="person_create"),
    path("persons/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("persons/<int:pk>/document/", views.document_download, name="document"),
]
