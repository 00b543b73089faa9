"""Sign-up drives' URLs: the lead's drive pages, recording signatures, and the links and the
public page people sign on."""

from django.urls import path

from campaigns.signups.views import links as signing_links
from campaigns.signups.views import public, send

DRIVE = "campaigns/<int:campaign_id>/drives/<int:drive_id>/"

urlpatterns: list = [
    path(f"{DRIVE}send/", send.drive_links_send, name="drive_links_send"),
    path(f"{DRIVE}send/<int:person_id>/", send.drive_link_send_one, name="drive_link_send_one"),
]
# The personal signing links and the public signing page: no login.
links: list = [
    path("s/<str:signing_token>/", signing_links.signing_link, name="signing_link"),
    path(
        "s/<str:revoke_token>/revoke/",
        signing_links.signature_revoke_link,
        name="signature_revoke_link",
    ),
    path("sign/<slug:drive_key>/", public.drive_public, name="drive_public"),
]
