"""Sign-up drives' URLs: the lead's drive pages, recording signatures, and the links and the
public page people sign on."""

from django.urls import path

from campaigns.signups.views import record

DRIVE = "campaigns/<int:campaign_id>/drives/<int:drive_id>/"

urlpatterns: list = [
    # Recording what happened on paper (campaigns.signups.views.record).
    path(
        f"{DRIVE}people/<int:person_id>/sign/",
        record.signature_add,
        name="signature_add",
    ),
    path(
        f"{DRIVE}signatures/<int:signature_id>/revoke/",
        record.signature_revoke_record,
        name="signature_revoke_record",
    ),
]
# The personal signing links and the public signing page: no login.
links: list = []
