from django.urls import path

from zhenggai.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.ImportListView.as_view(), name="list"),
    path("new/", views.UploadView.as_view(), name="new"),
    path("<int:pk>/", views.ReviewView.as_view(), name="review"),
    path("<int:pk>/items/<str:path>/", views.ItemEditView.as_view(), name="edit_item"),
    path("<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("<int:pk>/discard/", views.DiscardView.as_view(), name="discard"),
]
