"""Quiet hours: no text message buzzes a phone at night.

A text due in the committee's quiet hours (default 21:00–08:00) waits for their end, read on
the recipient's clock: the action's zone for a message about an action, else the committee's
(the zone the message's times are written in, see send._speaking). When the end comes at or
after the action's start, the text would arrive too late to help: it is skipped, and the
outbox says so. Emails are never held: they wait silently in an inbox.

The check runs when a worker is about to send (not when the message is planned), so a person
who switches to texts, a retry after an outage and a lead's retry are all held the same way.
"""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import F

from campaigns.models import OutboxMessage

HELD = "held"  # what outbox_send_one returns for a text put off until the morning
QUIET_SKIPPED = "quiet_skipped"  # ... and for one that morning would bring too late


def quiet_until(*, at: datetime, start: time, end: time, zone: ZoneInfo) -> datetime | None:
    """The end of the quiet hours `at` falls in (aware, UTC), or None outside them. The hours
    run from `start` up to `end` on the local clock, past midnight when start > end."""
    clock = at.astimezone(zone)
    now = clock.time().replace(tzinfo=None)
    if start == end:
        return None
    inside = start <= now < end if start < end else (now >= start or now < end)
    if not inside:
        return None
    day = clock.date() if now < end else clock.date() + timedelta(days=1)
    return _wall_clock(day, end, zone)


def quiet_hours_hold(message: OutboxMessage, channel: str, now: datetime) -> str:
    """Hold a text due in quiet hours until they end (HELD), or skip it when that is at or
    after its action's start (QUIET_SKIPPED); "" when it may go now. The claim this send made
    is undone for a held text: waiting for the morning is not a failed attempt."""
    if channel != OutboxMessage.Channel.SMS:
        return ""
    committee = message.committee
    zone = message.zone
    until = quiet_until(
        at=now, start=committee.quiet_hours_start, end=committee.quiet_hours_end, zone=zone
    )
    if until is None:
        return ""
    row = OutboxMessage.objects.filter(pk=message.pk)
    if message.action is not None and until >= message.action.starts_at:
        ends = until.astimezone(zone).strftime("%H:%M")
        reason = f"quiet hours until {ends} ({zone.key}): the action would have begun"
        row.update(status=OutboxMessage.Status.SKIPPED, reason=reason)
        return QUIET_SKIPPED
    row.update(
        status=OutboxMessage.Status.PENDING,
        next_attempt_at=until,
        attempts=F("attempts") - 1,
        reason=f"quiet hours: held until {until.astimezone(zone):%H:%M} ({zone.key})",
    )
    return HELD


def _wall_clock(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """When `clock` reads on `day` there; when the clocks skip or repeat it, the later of its
    readings (still in the quiet, never before it ends)."""
    moment = datetime.combine(day, clock, tzinfo=zone)
    return max(moment.replace(fold=fold).astimezone(UTC) for fold in (0, 1))
