from django.urls import path

from boards.views import browse, invitations, media, spaces

app_name = "boards"
urlpatterns = [
    path("invite/<str:code>/", invitations.invitation_redeem_view, name="invitation_redeem"),
    path("media/<path:path>", media.media, name="media"),
    path("s/<slug:space>/", browse.space_home, name="space_home"),
    path("s/<slug:space>/members/", spaces.members, name="members"),
    path("s/<slug:space>/join/", spaces.join, name="join"),
    path("s/<slug:space>/leave/", spaces.leave, name="leave"),
    path("s/<slug:space>/settings/", spaces.settings_view, name="settings"),
    path("s/<slug:space>/settings/members/", spaces.settings_members, name="settings_members"),
    path(
        "s/<slug:space>/settings/members/<int:membership_id>/role/",
        spaces.membership_role,
        name="membership_role",
    ),
    path(
        "s/<slug:space>/settings/members/<int:membership_id>/remove/",
        spaces.membership_remove,
        name="membership_remove",
    ),
    path(
        "s/<slug:space>/settings/invitations/",
        spaces.settings_invitations,
        name="settings_invitations",
    ),
    path(
        "s/<slug:space>/settings/invitations/<int:invitation_id>/revoke/",
        spaces.invitation_revoke,
        name="invitation_revoke",
    ),
]
