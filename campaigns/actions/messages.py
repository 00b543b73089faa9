"""What the messages about actions say and when they no longer apply, registered with the
outbox: invitations, waitlist promotions, reminders, reschedules, cancellations, the no-show
nudge and the link that confirms an answer given for someone on a public page. Also the
reminders the outbox's tick plans before it sends (reminders_catch_up), and the ending of those
confirmation links in a lockdown (members.links)."""

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from campaigns.actions.selectors.actions import action_local_context
from campaigns.actions.services.links import rsvp_link_token
from campaigns.actions.services.reminders import CATCH_UP_BATCH, reminders_catch_up
from campaigns.models import OutboxMessage, PendingRsvp, Rsvp
from campaigns.nudges.messages import nudge_context, person_url
from campaigns.nudges.services.snooze import snooze_link_url, snooze_reason
from campaigns.outbox.registry import catch_up_register, message_kind_register

Kind = OutboxMessage.Kind


def _action_context(message: OutboxMessage) -> dict[str, Any]:
    """The action in its own time zone, the campaign's code name (never its target), and the
    person's emailed RSVP link."""
    action = message.action
    if action is None:
        return {}
    context = action_local_context(action)
    if message.person is not None:
        token = rsvp_link_token(action=action, person=message.person)
        context["rsvp_url"] = settings.SITE_URL + reverse("rsvp_link", args=[token])
    return context


def _rsvps(message: OutboxMessage) -> QuerySet[Rsvp]:
    """The person's answer to the message's action (none when either is gone)."""
    if message.action_id is None or message.person_id is None:
        return Rsvp.objects.none()
    return Rsvp.objects.filter(action_id=message.action_id, person_id=message.person_id)


def _action_void_reason(message: OutboxMessage, now: datetime) -> str:
    action = message.action
    if action is None:
        return "the action is gone"
    if action.cancelled_at is not None:
        return "the action was cancelled"
    if action.ends_at <= now:
        return "the action is over"
    return ""


def _invitation_void_reason(message: OutboxMessage, now: datetime) -> str:
    reason = _action_void_reason(message, now)
    if reason:
        return reason
    if not _rsvps(message).filter(invited_at__isnull=False).exists():
        return "no longer invited"
    return ""


def _promotion_void_reason(message: OutboxMessage, now: datetime) -> str:
    reason = _action_void_reason(message, now)
    if reason:
        return reason
    if not _rsvps(message).filter(response=Rsvp.Response.YES, waitlisted_at__isnull=True).exists():
        return "no longer coming"
    return ""


def _coming(message: OutboxMessage, *, with_place: bool = True) -> bool:
    """Whether the person still says yes or maybe (and, `with_place`, is off the waitlist)."""
    rsvps = _rsvps(message).filter(response__in=[Rsvp.Response.YES, Rsvp.Response.MAYBE])
    if with_place:
        rsvps = rsvps.filter(waitlisted_at__isnull=True)
    return rsvps.exists()


def _reminder_void_reason(message: OutboxMessage, now: datetime) -> str:
    action = message.action
    reason = _action_void_reason(message, now)
    if reason or action is None:
        return reason
    if message.due_at < action.starts_at <= now:  # late: a reminder to come after it began
        return "the action has started"
    if message.due_at not in {action.reminder_time(m) for m in action.reminder_offsets}:
        return "the action moved"
    if not _coming(message):
        return "no longer coming"
    return ""


def _rescheduled_void_reason(message: OutboxMessage, now: datetime) -> str:
    reason = _action_void_reason(message, now)
    if reason:
        return reason
    if not _coming(message, with_place=False):
        return "no longer coming"
    return ""


def _cancelled_void_reason(message: OutboxMessage, now: datetime) -> str:
    """The cancellation is the news: void only if there is none, or they had said no."""
    if message.action is None:
        return "the action is gone"
    if message.action.cancelled_at is None:
        return "the action is no longer cancelled"
    if not _coming(message, with_place=False):
        return "said no before"
    return ""


def _reminder_context(message: OutboxMessage) -> dict[str, Any]:
    """Whether the action is "today" or "tomorrow" on its local calendar (else "")."""
    action = message.action
    if action is None:
        return {}
    zone = ZoneInfo(action.time_zone)
    days = (
        timezone.localtime(action.starts_at, zone).date()
        - timezone.localtime(timezone.now(), zone).date()
    ).days
    relative_day = {0: "today", 1: "tomorrow"}.get(days, "")
    return _action_context(message) | {"relative_day": relative_day}


def _no_show_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None or message.person is None or message.action is None:
        return "no recipient, person or action"
    rsvps = Rsvp.objects.filter(person=message.person)
    if rsvps.filter(attended=True, action__starts_at__gt=message.action.starts_at).exists():
        return "came since"
    if not rsvps.filter(action=message.action, attended=False).exists():
        return "attendance corrected"
    return snooze_reason(message, now)


def _no_show_context(message: OutboxMessage) -> dict[str, Any]:
    if message.action is None or message.person_id is None:
        return nudge_context(message)
    return (
        _action_context(message)
        | nudge_context(message)
        | {
            "zone": message.action.time_zone,
            "person_url": person_url(message.person_id),
            "snooze_url": snooze_link_url(message=message),
        }
    )


def _open_pending(message: OutboxMessage, now: datetime) -> PendingRsvp | None:
    """The newest answer from a public page still waiting for this person to confirm."""
    if message.action_id is None or message.person_id is None:
        return None
    return (
        PendingRsvp.objects.filter(
            action_id=message.action_id,
            person_id=message.person_id,
            used_at__isnull=True,
            expires_at__gt=now,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def _pending_void_reason(message: OutboxMessage, now: datetime) -> str:
    reason = _action_void_reason(message, now)
    if reason:
        return reason
    pending = _open_pending(message, now)
    if pending is None:
        return "confirmed or expired"
    if _rsvps(message).filter(responded_at__gt=pending.created_at).exclude(response="").exists():
        return "answered since"
    return ""


def _pending_context(message: OutboxMessage) -> dict[str, Any]:
    """The action in its own zone and the link that confirms the answer (its random key)."""
    action = message.action
    pending = _open_pending(message, timezone.now())
    if action is None or pending is None:
        return {}
    url = reverse("action_public_confirm", args=[pending.key])
    return action_local_context(action) | {
        "confirm_url": settings.SITE_URL + url,
        "pending": pending,
        "expires": timezone.localtime(pending.expires_at, ZoneInfo(action.time_zone)),
    }


def _reminders_catch_up() -> bool:
    """Plan the reminders of answers from emailed links; True when a full batch says more wait."""
    return reminders_catch_up(limit=CATCH_UP_BATCH) >= CATCH_UP_BATCH


message_kind_register(
    Kind.ACTION_INVITATION, void_reason=_invitation_void_reason, context=_action_context
)
message_kind_register(
    Kind.WAITLIST_PROMOTED, void_reason=_promotion_void_reason, context=_action_context
)
message_kind_register(
    Kind.ACTION_REMINDER, void_reason=_reminder_void_reason, context=_reminder_context
)
message_kind_register(
    Kind.ACTION_RESCHEDULED, void_reason=_rescheduled_void_reason, context=_action_context
)
message_kind_register(
    Kind.ACTION_CANCELLED, void_reason=_cancelled_void_reason, context=_action_context
)
message_kind_register(
    Kind.NO_SHOW_TWICE, void_reason=_no_show_void_reason, context=_no_show_context
)
message_kind_register(
    Kind.PUBLIC_RSVP_CONFIRM, void_reason=_pending_void_reason, context=_pending_context
)
catch_up_register(_reminders_catch_up)
