from django.urls import path
from django.views.generic import RedirectView

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("settings/", RedirectView.as_view(pattern_name="accounts:profile"), name="settings"),
    path("settings/profile/", views.profile, name="profile"),
    path("settings/security/", views.security, name="security"),
    path("settings/company/", views.company, name="company"),
    path("settings/company/new/", views.company_create, name="company_create"),
    path("settings/company/rename/", views.company_rename, name="company_rename"),
    path("settings/company/delete/", views.company_delete, name="company_delete"),
    path("settings/company/switch/", views.switch, name="switch"),
    path("settings/members/", views.members, name="members"),
    path("settings/members/leave/", views.leave, name="leave"),
    path("settings/members/<uuid:member_id>/role/", views.member_role, name="member_role"),
    path("settings/members/<uuid:member_id>/remove/", views.member_remove, name="member_remove"),
    path("settings/invitations/new/", views.invite, name="invite"),
    path(
        "settings/invitations/<uuid:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "settings/invitations/<uuid:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/new/", views.token_create, name="token_create"),
    path("settings/tokens/<uuid:token_id>/revoke/", views.token_revoke, name="token_revoke"),
    path("settings/activity/", views.activity, name="activity"),
]
