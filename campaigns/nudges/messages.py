"""What the nudges on a clock say when they go out, and when they no longer apply: registered
with the outbox (campaigns.outbox.registry). `nudge_context` is what every nudge's email gets."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from campaigns.access import campaigns_visible_to
from campaigns.models import FollowUp, OutboxMessage, ScheduledOneOnOne
from campaigns.nudges.services.digests import (
    QuietUnit,
    committee_lead_ids,
    lead_digest_items,
    local_day,
    open_overdue,
    quiet_units,
    scheduled_today,
)
from campaigns.nudges.services.snooze import (
    SNOOZE_DAYS,
    snooze_link_url,
    snooze_reason,
    snoozed_follow_ups,
)
from campaigns.nudges.weekly import WeeklyRows, weekly_rows
from campaigns.outbox.registry import message_kind_register
from members.heartbeats import backup_failed_error

Kind = OutboxMessage.Kind
T = TypeVar("T")
KEPT = "_nudge_digest"  # the attribute a message keeps its digest's list in, during one send


def _digest_day_reason(message: OutboxMessage, now: datetime) -> str:
    """A digest left from an earlier day (the beat or the mail was down): today's has it."""
    zone = message.committee.time_zone
    if local_day(zone, now) > local_day(zone, message.due_at):
        return "a newer digest is due"
    return ""


@dataclass
class OrganizerDigest:
    overdue: list[FollowUp]
    today: list[ScheduledOneOnOne]


def _kept(message: OutboxMessage, compute: Callable[[], T]) -> T:
    """What a digest lists, computed once per send: the void check and the email that follows
    it read the same list."""
    cached = getattr(message, KEPT, None)
    if cached is None:
        cached = compute()
        setattr(message, KEPT, cached)
    return cached


def _organizer_digest(message: OutboxMessage) -> OrganizerDigest:
    return _kept(message, lambda: _organizer_digest_now(message))


def _organizer_digest_now(message: OutboxMessage) -> OrganizerDigest:
    """The user's open overdue follow-ups (not snoozed) and their one-on-ones of the day, in
    the campaigns of the message's committee they may still see."""
    committee, user = message.committee, message.user
    if user is None:
        return OrganizerDigest(overdue=[], today=[])
    day = local_day(committee.time_zone, message.due_at)
    visible = campaigns_visible_to(user)
    overdue = (
        open_overdue(committee, day)
        .filter(organizer=user, campaign__in=visible)
        .exclude(pk__in=snoozed_follow_ups(user.pk, timezone.now()))
        .select_related("person", "campaign")
        .order_by("due_on", "pk")
    )
    meetings = (
        scheduled_today(committee, day)
        .filter(organizer=user, campaign__in=visible)
        .select_related("person", "campaign")
        .order_by("starts_at", "pk")
    )
    digest = OrganizerDigest(overdue=list(overdue), today=list(meetings))
    for follow_up in digest.overdue:
        follow_up.days_late = (day - follow_up.due_on).days
    return digest


def _organizer_digest_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None:
        return "no recipient"
    reason = _digest_day_reason(message, now) or snooze_reason(message, now)
    if reason:
        return reason
    digest = _organizer_digest(message)
    return "" if digest.overdue or digest.today else "nothing due"


@dataclass
class LeadDigest:
    """`backup_error`: why last night's backup failed (None when it did not, or the recipient
    is no committee lead): reason enough to send the digest with no follow-up in it."""

    items: list[FollowUp]
    backup_error: str | None


def _lead_digest(message: OutboxMessage) -> LeadDigest:
    return _kept(message, lambda: _lead_digest_now(message))


def _lead_digest_now(message: OutboxMessage) -> LeadDigest:
    if message.user_id is None:
        return LeadDigest(items=[], backup_error=None)
    return LeadDigest(
        items=_lead_follow_ups(message, message.user_id),
        backup_error=_backup_error_for(message, message.user_id),
    )


def _backup_error_for(message: OutboxMessage, user_id: int) -> str | None:
    """Only the committee's leads hear of it: the System page is theirs."""
    if user_id not in committee_lead_ids(message.committee):
        return None
    return backup_failed_error()


def _lead_follow_ups(message: OutboxMessage, user_id: int) -> list[FollowUp]:
    day = local_day(message.committee.time_zone, message.due_at)
    snoozed = snoozed_follow_ups(user_id, timezone.now())
    items = [
        follow_up
        for follow_up in lead_digest_items(message.committee, day).get(user_id, [])
        if follow_up.pk not in snoozed
    ]
    for follow_up in items:
        follow_up.days_late = (day - follow_up.due_on).days
    return items


def _lead_digest_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None:
        return "no recipient"
    reason = _digest_day_reason(message, now) or snooze_reason(message, now)
    if reason:
        return reason
    digest = _lead_digest(message)
    return "" if digest.items or digest.backup_error is not None else "nothing due"


@dataclass
class Weekly:
    """The Monday email: the quiet units, and the lists other areas add (nudges.weekly)."""

    units: list[QuietUnit]
    lists: list[WeeklyRows]


def _weekly(message: OutboxMessage) -> Weekly:
    return _kept(message, lambda: _weekly_now(message))


def _weekly_now(message: OutboxMessage) -> Weekly:
    now, user_id = timezone.now(), message.user_id or 0
    return Weekly(
        units=quiet_units(message.committee, now).get(user_id, []),
        lists=weekly_rows(message.committee, now, user_id),
    )


def _quiet_units_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None:
        return "no recipient"
    if now - message.due_at > timedelta(days=6):
        return "a newer weekly email is due"
    reason = snooze_reason(message, now)
    if reason:
        return reason
    weekly = _weekly(message)
    return "" if weekly.units or weekly.lists else "nothing due"


def nudge_context(message: OutboxMessage) -> dict:
    return {
        "zone": message.committee.time_zone,
        "my_list_url": settings.SITE_URL + reverse("my_list"),
        "recipient": message.user,
    }


def person_url(person_id: int) -> str:
    return settings.SITE_URL + reverse("person_detail", args=[person_id])


def _organizer_digest_context(message: OutboxMessage) -> dict:
    digest = _organizer_digest(message)
    for follow_up in digest.overdue:
        follow_up.snooze_url = snooze_link_url(message=message, follow_up=follow_up)
        follow_up.person_url = person_url(follow_up.person_id)
    for meeting in digest.today:
        meeting.person_url = person_url(meeting.person_id)
    return nudge_context(message) | {"overdue": digest.overdue, "today": digest.today}


def _lead_digest_context(message: OutboxMessage) -> dict:
    digest = _lead_digest(message)
    for follow_up in digest.items:
        follow_up.snooze_url = snooze_link_url(message=message, follow_up=follow_up)
        follow_up.person_url = person_url(follow_up.person_id)
    system_url = settings.SITE_URL + reverse("system", args=[message.committee_id])
    return nudge_context(message) | {
        "items": digest.items,
        "backup_error": digest.backup_error,
        "system_url": system_url,
    }


def _quiet_units_context(message: OutboxMessage) -> dict:
    weekly = _weekly(message)
    return nudge_context(message) | {
        "units": weekly.units,
        "lists": weekly.lists,
        "snooze_url": snooze_link_url(message=message),
        "weeks": SNOOZE_DAYS[Kind.QUIET_UNITS] // 7,
    }


message_kind_register(
    Kind.ORGANIZER_DIGEST,
    void_reason=_organizer_digest_void_reason,
    context=_organizer_digest_context,
)
message_kind_register(
    Kind.LEAD_DIGEST, void_reason=_lead_digest_void_reason, context=_lead_digest_context
)
message_kind_register(
    Kind.QUIET_UNITS, void_reason=_quiet_units_void_reason, context=_quiet_units_context
)
