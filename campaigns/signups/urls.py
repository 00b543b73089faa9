"""Sign-up drives' URLs: the lead's drive pages, recording signatures, and the links and the
public page people sign on."""

from django.urls import path

from campaigns.signups.views import drives, filing, public, record, send
from campaigns.signups.views import links as signing_links

DRIVES = "campaigns/<int:campaign_id>/drives/"
DRIVE = DRIVES + "<int:drive_id>/"

urlpatterns: list = [
    path(DRIVES, drives.drive_list, name="drive_list"),
    path(DRIVES + "new/", drives.drive_create, name="drive_create"),
    path(DRIVE, drives.drive_detail, name="drive_detail"),
    path(DRIVE + "edit/", drives.drive_edit, name="drive_edit"),
    path(DRIVE + "new-version/", drives.drive_new_version, name="drive_new_version"),
    path(DRIVE + "close/", drives.drive_close, name="drive_close"),
    path(DRIVE + "public/", drives.drive_public_set, name="drive_public_set"),
    path(DRIVE + "signatures.csv", filing.drive_signatures_csv, name="drive_signatures_csv"),
    path(DRIVE + "signatures/print/", filing.drive_signatures_print, name="drive_signatures_print"),
    # Recording what happened on paper (campaigns.signups.views.record).
    path(DRIVE + "people/<int:person_id>/sign/", record.signature_add, name="signature_add"),
    path(
        DRIVE + "signatures/<int:signature_id>/revoke/",
        record.signature_revoke_record,
        name="signature_revoke_record",
    ),
    # Sending signing links (campaigns.signups.views.send).
    path(DRIVE + "send/", send.drive_links_send, name="drive_links_send"),
    path(DRIVE + "send/<int:person_id>/", send.drive_link_send_one, name="drive_link_send_one"),
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
