"""What the messages of a sign-up drive say and when they no longer apply, registered with the
outbox: a person's signing link, and the confirmation of a signature made online.

Their subjects, previews and texts name the campaign by its code name only, never the
employer or the landlord (the drive's title and text may: they are on the page the link opens,
and in the confirmation below its first lines). They name no one but their reader.
"""

from datetime import datetime
from typing import Any

from campaigns.models import OutboxMessage, Signature, SignatureRevocation
from campaigns.outbox.registry import message_kind_register
from campaigns.signups.links import may_be_asked, revoke_link_url, signing_link_url
from campaigns.signups.services import drive_open_problem, signature_standing
from members.clock import today_for

Kind = OutboxMessage.Kind


def _link_void_reason(message: OutboxMessage, now: datetime) -> str:
    """Void when the link would not work: the drive closed (or closed by a lead today, see
    campaigns.signups.links), they signed meanwhile, or may no longer be asked."""
    if message.drive is None or message.person is None:
        return "the drive is gone"
    drive = message.drive
    today = today_for(drive.campaign.committee, at=now)
    if drive.closed_at is not None or drive_open_problem(drive, today):
        return "the drive is closed"
    if signature_standing(drive=drive, person=message.person, on=today) is not None:
        return "signed already"
    if not may_be_asked(message.drive, message.person):
        return "no longer to be asked"
    return ""


def _link_context(message: OutboxMessage) -> dict[str, Any]:
    drive = message.drive
    if drive is None or message.person is None:
        return {}
    return {
        "drive": drive,
        "code_name": drive.campaign.code_name,
        "sign_url": signing_link_url(drive=drive, person=message.person),
    }


def _signature(message: OutboxMessage) -> Signature | None:
    """The signature confirmed: planned due at the moment it was signed."""
    if message.drive_id is None or message.person_id is None:
        return None
    return (
        Signature.objects.select_related("text")
        .filter(drive_id=message.drive_id, person_id=message.person_id, signed_at=message.due_at)
        .first()
    )


def _confirm_void_reason(message: OutboxMessage, now: datetime) -> str:
    signature = _signature(message)
    if signature is None:
        return "the signature is gone"
    if SignatureRevocation.objects.filter(signature=signature).exists():
        return "the signature was revoked"
    return ""


def _confirm_context(message: OutboxMessage) -> dict[str, Any]:
    signature = _signature(message)
    drive = message.drive
    if signature is None or drive is None:
        return {}
    return {
        "drive": drive,
        "code_name": drive.campaign.code_name,
        "signature": signature,
        "signed_text": signature.text.text if signature.text else "",
        "zone": drive.campaign.committee.time_zone,
        "revoke_url": revoke_link_url(signature=signature),
    }


message_kind_register(Kind.SIGNING_LINK, void_reason=_link_void_reason, context=_link_context)
message_kind_register(
    Kind.SIGNATURE_CONFIRM, void_reason=_confirm_void_reason, context=_confirm_context
)
