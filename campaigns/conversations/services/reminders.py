"""The organizer's reminder before a scheduled one-on-one, as long before as the committee's
leads chose (Committee.one_on_one_reminder_minutes, an hour unless they changed it).

When they change it, the reminders not sent yet move: each open one-on-one still ahead gets
its reminder at the new time, the old row is voided (the outbox shows why), and what was sent
stays as it was.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from campaigns.models import OutboxMessage, ScheduledOneOnOne
from campaigns.outbox.services.plan import outbox_plan
from members.models import Committee

Kind, Status = OutboxMessage.Kind, OutboxMessage.Status


def one_on_one_reminder_before(committee: Committee) -> timedelta:
    return timedelta(minutes=committee.one_on_one_reminder_minutes)


def one_on_one_reminder_plan(*, meeting: ScheduledOneOnOne, committee: Committee) -> None:
    """Plan the organizer's reminder of this one-on-one, unless its time has passed."""
    remind_at = meeting.starts_at - one_on_one_reminder_before(committee)
    if remind_at > timezone.now() and meeting.organizer is not None:
        outbox_plan(
            kind=Kind.ONE_ON_ONE_REMINDER,
            committee=committee,
            person=meeting.person,
            user=meeting.organizer,
            due_at=remind_at,
        )


def one_on_one_reminders_replan(*, committee: Committee) -> None:
    """The committee's lead time changed: unsent reminders move to it, sent ones stay."""
    ahead = ScheduledOneOnOne.objects.filter(
        campaign__committee=committee,
        starts_at__gt=timezone.now(),
        held_in__isnull=True,
        cancelled_at__isnull=True,
    ).select_related("person", "organizer")
    with transaction.atomic():
        wanted = [(m, m.starts_at - one_on_one_reminder_before(committee)) for m in ahead]
        _void_others(committee, {(m.organizer_id, m.person_id, due) for m, due in wanted})
        for meeting, due in wanted:
            one_on_one_reminder_plan(meeting=meeting, committee=committee)
            _bring_back(meeting, due)


def _void_others(committee: Committee, keep: set[tuple[int | None, int, datetime]]) -> None:
    pending = OutboxMessage.objects.filter(
        committee=committee, kind=Kind.ONE_ON_ONE_REMINDER, status=Status.PENDING
    )
    stale = [
        pk
        for pk, user, person, due in pending.values_list("pk", "user_id", "person_id", "due_at")
        if (user, person, due) not in keep
    ]
    OutboxMessage.objects.filter(pk__in=stale).update(
        status=Status.VOID, reason="reminder time changed"
    )


def _bring_back(meeting: ScheduledOneOnOne, due: datetime) -> None:
    """A reminder voided earlier for this very moment (the lead time changed and back) is
    planned again: the unique key would make planning it anew a no-op."""
    if meeting.organizer_id is None:  # nobody to remind
        return
    OutboxMessage.objects.filter(
        kind=Kind.ONE_ON_ONE_REMINDER,
        user_id=meeting.organizer_id,
        person_id=meeting.person_id,
        due_at=due,
        status=Status.VOID,
    ).update(status=Status.PENDING, next_attempt_at=F("due_at"), reason="")
