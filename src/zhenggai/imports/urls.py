app_name = "imports"
urlpatterns: list = []  # the review flow's pages (upload → review → confirm) are added in imports/views.py
