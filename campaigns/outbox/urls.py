"""The outbox page for committee leads, and the unsubscribe links in members' emails (the
signed token is the key there, no login needed)."""

from django.urls import path

from campaigns.outbox.views import consent
from campaigns.outbox.views import messages as outbox

urlpatterns = [
    path("committees/<int:committee_id>/outbox/", outbox.outbox, name="outbox"),
    path(
        "committees/<int:committee_id>/outbox/<int:message_id>/retry/",
        outbox.outbox_retry,
        name="outbox_retry",
    ),
    path(
        "committees/<int:committee_id>/outbox/retry-failed/",
        outbox.outbox_retry_failed,
        name="outbox_retry_failed",
    ),
    path("u/<str:unsubscribe_token>/", consent.unsubscribe, name="unsubscribe"),
    path(
        "u/<str:unsubscribe_token>/one-click/",
        consent.unsubscribe_one_click,
        name="unsubscribe_one_click",
    ),
]
