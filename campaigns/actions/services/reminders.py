"""Planning the reminders of an action into the outbox, and keeping them true as RSVPs,
times and cancellations change.

Each reminder is an outbox row keyed by (kind, action, person, due time): planning twice adds
nothing, and changing course voids rows rather than deleting them, so the lead's outbox page
shows what was planned and why it did not go.

Offsets count whole days on the local clock and the rest in real time: the 24-hour reminder
of a Monday 18:00 meeting goes out on Sunday at 18:00 local time even when the clocks changed
in between, and the 2-hour one exactly two hours before.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.models import Action, OutboxMessage, Rsvp
from campaigns.outbox.services.plan import outbox_plan_many

COMING = (Rsvp.Response.YES, Rsvp.Response.MAYBE)
MAX_REMINDERS = 5  # per action: more is noise (the form says so too)


CATCH_UP_BATCH = 500


def reminder_times(action: Action, *, after: datetime | None = None) -> list[datetime]:
    """When this action's reminders are due, the ones after `after` (default: now)."""
    after = after or timezone.now()
    times = {action.reminder_time(minutes) for minutes in action.reminder_offsets}
    return sorted(due for due in times if due > after)


def reminders_for_rsvp(*, rsvp: Rsvp, answered_at: datetime | None = None) -> None:
    """Plan a person's reminders when they say yes or maybe (and have a place), void them when
    they say no, drop to the waitlist, or the action is off. Reminders due after the answer
    count: planned later than that (by reminders_catch_up), one already due goes out at once."""
    action = rsvp.action
    coming = rsvp.response in COMING and rsvp.waitlisted_at is None
    wanted = reminder_times(action, after=answered_at) if coming and not action.is_cancelled else []
    _void(action, Q(person_id=rsvp.person_id), keep=wanted, reason="RSVP changed")
    _plan_times(action, [rsvp.person], wanted)


def reminders_catch_up(*, limit: int = CATCH_UP_BATCH) -> int:
    """Plan the reminders of answers saved without them (rsvps.rsvp_answer_simple: the emailed
    link answers in one statement, and leaves this to the minute's outbox tick). Each answer in
    its own short transaction, under its row lock, so a newer answer waits and is caught up on
    the next tick. Returns how many were caught up."""
    pending = Rsvp.objects.filter(reminders_stale=True).order_by("pk")
    caught = 0
    for pk in pending.values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            rsvp = (
                pending.filter(pk=pk)
                .select_related("action", "person")
                .select_for_update(of=("self",), skip_locked=True)
                .first()
            )
            if rsvp is None:  # caught up meanwhile, or being answered again right now
                continue
            reminders_for_rsvp(rsvp=rsvp, answered_at=rsvp.responded_at)
            Rsvp.objects.filter(pk=pk).update(reminders_stale=False)
            caught += 1
    return caught


def reminders_replan(*, action: Action, moved: bool) -> None:
    """After an edit: reminders follow the new time and offsets; if the time moved, everyone
    coming hears of the new time now."""
    coming = list(_coming(action))
    wanted = reminder_times(action)
    _void(action, Q(), keep=wanted, reason="action rescheduled" if moved else "reminders changed")
    _plan_times(action, coming, wanted)
    if moved and coming:
        outbox_plan_many(
            kind=OutboxMessage.Kind.ACTION_RESCHEDULED,
            committee=action.committee,
            action=action,
            people=coming,
        )


def reminders_cancel(*, action: Action) -> None:
    """A cancelled action: no more reminders; everyone who said yes or maybe is told."""
    _void(action, Q(), keep=[], reason="action cancelled")
    coming = list(_coming(action))
    if coming:
        outbox_plan_many(
            kind=OutboxMessage.Kind.ACTION_CANCELLED,
            committee=action.committee,
            action=action,
            people=coming,
        )


def _coming(action: Action):
    from members.models import Person

    return Person.objects.filter(
        rsvps__action=action, rsvps__response__in=COMING, rsvps__waitlisted_at__isnull=True
    )


def _plan_times(action: Action, people: list, times: list[datetime]) -> None:
    """Plan these reminders in one insert, and bring back any voided earlier for the same
    moment (said no, then yes again; rescheduled away and back): the unique key would
    otherwise make planning it again a no-op."""
    if not people or not times:
        return
    OutboxMessage.objects.bulk_create(
        [
            OutboxMessage(
                committee_id=action.committee_id,
                kind=OutboxMessage.Kind.ACTION_REMINDER,
                action=action,
                person=person,
                due_at=due,
                next_attempt_at=due,
            )
            for person in people
            for due in times
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    OutboxMessage.objects.filter(
        kind=OutboxMessage.Kind.ACTION_REMINDER,
        action=action,
        person__in=people,
        due_at__in=times,
        status=OutboxMessage.Status.VOID,
    ).update(status=OutboxMessage.Status.PENDING, next_attempt_at=F("due_at"), reason="")


def _void(action: Action, who: Q, *, keep: list, reason: str) -> None:
    OutboxMessage.objects.filter(
        who,
        kind=OutboxMessage.Kind.ACTION_REMINDER,
        action=action,
        status=OutboxMessage.Status.PENDING,
    ).exclude(due_at__in=keep).update(status=OutboxMessage.Status.VOID, reason=reason)
