from django.urls import path

from projects import views

app_name = "projects"

bid = "bids/<uuid:project_id>/"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("bids/", views.project_list, name="list"),
    path("bids/new/", views.project_create, name="create"),
    path("bids/trash/", views.trash, name="trash"),
    path(bid, views.project_detail, name="detail"),
    path(f"{bid}edit/", views.project_edit, name="edit"),
    path(f"{bid}status/", views.project_status, name="status"),
    path(f"{bid}trash/", views.project_trash, name="trash_one"),
    path(f"{bid}restore/", views.project_restore, name="restore"),
    path(f"{bid}delete/", views.project_purge, name="purge"),
    path(f"{bid}transfer/", views.project_transfer, name="transfer"),
    path(f"{bid}members/", views.member_add, name="member_add"),
    path(f"{bid}members/<uuid:project_member_id>/role/", views.member_role, name="member_role"),
    path(
        f"{bid}members/<uuid:project_member_id>/remove/", views.member_remove, name="member_remove"
    ),
    path(f"{bid}themes/", views.theme_add, name="theme_add"),
    path(f"{bid}themes/<uuid:theme_id>/", views.theme_edit, name="theme_edit"),
    path(f"{bid}themes/<uuid:theme_id>/move/", views.theme_move, name="theme_move"),
    path(f"{bid}themes/<uuid:theme_id>/delete/", views.theme_delete, name="theme_delete"),
]
