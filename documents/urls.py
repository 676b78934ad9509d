from django.urls import path

from documents import views

app_name = "documents"

document = "documents/<uuid:document_id>/"

urlpatterns = [
    path("documents/", views.library, name="library"),
    path("documents/upload/", views.upload, name="upload"),
    path("search/", views.search, name="search"),
    path(document, views.detail, name="detail"),
    path(f"{document}download/", views.download, name="download"),
    path(f"{document}edit/", views.edit, name="edit"),
    path(f"{document}trash/", views.trash, name="trash"),
    path(f"{document}restore/", views.restore, name="restore"),
    path(f"{document}reprocess/", views.reprocess, name="reprocess"),
]
