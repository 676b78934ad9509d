from django.urls import path

from chat import views

app_name = "chat"

conversation = "chat/<uuid:conversation_id>/"

urlpatterns = [
    path("chat/", views.index, name="index"),
    path("chat/new/", views.create, name="create"),
    path(conversation, views.conversation, name="conversation"),
    path(f"{conversation}ask/", views.ask, name="ask"),
    path(f"{conversation}regenerate/", views.regenerate, name="regenerate"),
    path(f"{conversation}rename/", views.rename, name="rename"),
    path(f"{conversation}delete/", views.delete, name="delete"),
]
