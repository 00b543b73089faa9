"""Reminders are planned into the outbox as people answer, and follow the action when it
moves or is called off. (Sending them is tests/outbox/test_outbox_send.py's story.)"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from campaigns.actions.services.reminders import (
    reminder_times,
    reminders_cancel,
    reminders_replan,
)
from campaigns.actions.services.rsvps import rsvp_set
from campaigns.models import Action, OutboxMessage, Rsvp
from tests import factories

NOW = datetime(2026, 2, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def an_action(committee, campaign, *, local: datetime, **fields) -> Action:
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="General meeting",
        starts_at=local,
        ends_at=local + timedelta(hours=2),
        time_zone=str(local.tzinfo),
        **fields,
    )


def reminders(action, status=OutboxMessage.Status.PENDING) -> list[tuple[str, datetime]]:
    rows = OutboxMessage.objects.filter(
        action=action, kind=OutboxMessage.Kind.ACTION_REMINDER, status=status
    )
    return sorted((row.person.given_name, row.due_at) for row in rows)


def kinds(action, kind) -> list[str]:
    rows = OutboxMessage.objects.filter(action=action, kind=kind)
    return sorted(row.person.given_name for row in rows)


@pytest.mark.parametrize(
    ("zone", "local", "day_before_utc"),
    [
        # New York springs forward on 8 March and falls back on 1 November 2026;
        # London on 29 March and 25 October.
        ("America/New_York", (2026, 3, 8, 18), datetime(2026, 3, 7, 23, 0, tzinfo=UTC)),
        ("America/New_York", (2026, 3, 9, 18), datetime(2026, 3, 8, 22, 0, tzinfo=UTC)),
        ("America/New_York", (2026, 11, 1, 18), datetime(2026, 10, 31, 22, 0, tzinfo=UTC)),
        ("Europe/London", (2026, 3, 29, 18), datetime(2026, 3, 28, 18, 0, tzinfo=UTC)),
        ("Europe/London", (2026, 10, 25, 18), datetime(2026, 10, 24, 17, 0, tzinfo=UTC)),
    ],
)
def test_the_day_before_reminder_keeps_the_local_clock_across_daylight_saving(
    committee, campaign, zone, local, day_before_utc
):
    start = datetime(*local, tzinfo=ZoneInfo(zone))
    action = an_action(committee, campaign, local=start)

    day_before, two_hours_before = reminder_times(action)

    assert day_before == day_before_utc
    assert day_before.astimezone(ZoneInfo(zone)).hour == 18  # same time on the local clock
    assert two_hours_before == start.astimezone(UTC) - timedelta(hours=2)


def test_yes_and_maybe_get_reminders_no_does_not(committee, campaign):
    action = an_action(committee, campaign, local=datetime(2026, 3, 2, 18, tzinfo=UTC))
    ana, bo, cy = (factories.person(committee=committee, given_name=n) for n in ["Ana", "Bo", "Cy"])

    rsvp_set(action=action, person=ana, response="yes", source="app")
    rsvp_set(action=action, person=ana, response="yes", source="email")  # twice: still once
    rsvp_set(action=action, person=bo, response="maybe", source="app")
    rsvp_set(action=action, person=cy, response="no", source="app")

    day_before = datetime(2026, 3, 1, 18, tzinfo=UTC)
    two_before = datetime(2026, 3, 2, 16, tzinfo=UTC)
    assert reminders(action) == [
        ("Ana", day_before),
        ("Ana", two_before),
        ("Bo", day_before),
        ("Bo", two_before),
    ]


def test_changing_to_no_voids_that_persons_reminders_and_yes_again_brings_them_back(
    committee, campaign
):
    action = an_action(committee, campaign, local=datetime(2026, 3, 2, 18, tzinfo=UTC))
    ana = factories.person(committee=committee, given_name="Ana")

    rsvp_set(action=action, person=ana, response="yes", source="app")
    rsvp_set(action=action, person=ana, response="no", source="app")
    assert reminders(action) == []
    assert len(reminders(action, OutboxMessage.Status.VOID)) == 2

    rsvp_set(action=action, person=ana, response="yes", source="app")
    assert len(reminders(action)) == 2


def test_a_waitlisted_yes_gets_reminders_only_once_it_has_a_place(committee, campaign):
    action = an_action(committee, campaign, local=datetime(2026, 3, 2, 18, tzinfo=UTC), capacity=1)
    ana, bo = (factories.person(committee=committee, given_name=n) for n in ["Ana", "Bo"])
    rsvp_set(action=action, person=ana, response="yes", source="app")
    outcome = rsvp_set(action=action, person=bo, response="yes", source="app")
    assert outcome.waitlisted
    assert {name for name, _ in reminders(action)} == {"Ana"}

    rsvp_set(action=action, person=ana, response="no", source="app")

    assert {name for name, _ in reminders(action)} == {"Bo"}
    assert kinds(action, OutboxMessage.Kind.WAITLIST_PROMOTED) == ["Bo"]


def test_rescheduling_moves_the_reminders_and_tells_who_is_coming(committee, campaign):
    action = an_action(committee, campaign, local=datetime(2026, 3, 2, 18, tzinfo=UTC))
    ana, bo = (factories.person(committee=committee, given_name=n) for n in ["Ana", "Bo"])
    rsvp_set(action=action, person=ana, response="yes", source="app")
    rsvp_set(action=action, person=bo, response="no", source="app")

    action.starts_at += timedelta(days=2)
    action.ends_at += timedelta(days=2)
    action.save()
    reminders_replan(action=action, moved=True)

    assert reminders(action) == [
        ("Ana", datetime(2026, 3, 3, 18, tzinfo=UTC)),
        ("Ana", datetime(2026, 3, 4, 16, tzinfo=UTC)),
    ]
    assert len(reminders(action, OutboxMessage.Status.VOID)) == 2
    assert kinds(action, OutboxMessage.Kind.ACTION_RESCHEDULED) == ["Ana"]


def test_cancelling_voids_reminders_and_tells_yes_and_maybe(committee, campaign):
    action = an_action(committee, campaign, local=datetime(2026, 3, 2, 18, tzinfo=UTC))
    for name, answer in [("Ana", "yes"), ("Bo", "maybe"), ("Cy", "no")]:
        person = factories.person(committee=committee, given_name=name)
        rsvp_set(action=action, person=person, response=answer, source="app")

    reminders_cancel(action=action)

    assert reminders(action) == []
    assert kinds(action, OutboxMessage.Kind.ACTION_CANCELLED) == ["Ana", "Bo"]


def test_reminders_already_past_are_not_planned(committee, campaign):
    action = an_action(committee, campaign, local=datetime(2026, 2, 21, 9, tzinfo=UTC))
    ana = factories.person(committee=committee, given_name="Ana")

    rsvp_set(action=action, person=ana, response="yes", source="app")

    assert reminders(action) == [("Ana", datetime(2026, 2, 21, 7, tzinfo=UTC))]
    assert Rsvp.objects.get(person=ana).response == "yes"


def test_the_organizers_edit_and_cancel_carry_the_reminders_along(committee, campaign, lead):
    from campaigns.actions.services.actions import ActionData, action_cancel, action_update

    action = an_action(committee, campaign, local=datetime(2026, 3, 2, 18, tzinfo=UTC))
    ana = factories.person(committee=committee, given_name="Ana")
    rsvp_set(action=action, person=ana, response="yes", source="app")
    later = action.starts_at + timedelta(hours=1)
    data = ActionData(
        title=action.title,
        kind=action.kind,
        starts_at=later,
        ends_at=later + timedelta(hours=2),
        time_zone=action.time_zone,
    )

    action_update(action=action, data=data)
    assert reminders(action) == [
        ("Ana", datetime(2026, 3, 1, 19, tzinfo=UTC)),
        ("Ana", datetime(2026, 3, 2, 17, tzinfo=UTC)),
    ]
    assert kinds(action, OutboxMessage.Kind.ACTION_RESCHEDULED) == ["Ana"]

    action_cancel(action=action, by=lead)
    assert reminders(action) == []
    assert kinds(action, OutboxMessage.Kind.ACTION_CANCELLED) == ["Ana"]


def test_an_answer_from_the_link_gets_its_reminders_on_the_next_tick(committee, campaign, lead):
    """The one-statement answer saves only the answer; the outbox tick plans its reminders
    just as rsvp_set would have: yes plans, no voids, maybe brings them back."""
    from campaigns.actions.services.reminders import reminders_catch_up
    from campaigns.actions.services.rsvps import action_invite, rsvp_answer_simple

    # The statement runs on the database's clock, not the test's: an action well ahead.
    action = an_action(committee, campaign, local=datetime(2030, 3, 2, 18, tzinfo=UTC))
    ana = factories.person(committee=committee, given_name="Ana")
    action_invite(action=action, people=[ana], by=lead)

    def answer(response):
        return rsvp_answer_simple(
            action_id=action.pk, person_id=ana.pk, response=response, source="email",
            guests=0, note="",
        )  # fmt: skip

    assert answer("yes")
    assert reminders(action) == []  # not in the member's request
    assert reminders_catch_up() == 1
    assert reminders(action) == [
        ("Ana", datetime(2030, 3, 1, 18, tzinfo=UTC)),
        ("Ana", datetime(2030, 3, 2, 16, tzinfo=UTC)),
    ]
    assert reminders_catch_up() == 0  # each answer once
    assert answer("no")
    reminders_catch_up()
    assert reminders(action) == []
    assert len(reminders(action, OutboxMessage.Status.VOID)) == 2
    assert answer("maybe")
    reminders_catch_up()
    assert len(reminders(action)) == 2
    assert Rsvp.objects.get(person=ana).response == "maybe"


def test_the_outbox_tick_catches_answers_up(committee, campaign, lead):
    """The beat's minute task plans the reminders of link answers before it dispatches."""
    from campaigns.actions.services.rsvps import action_invite, rsvp_answer_simple
    from campaigns.outbox.tasks import outbox_dispatch_due_task

    action = an_action(committee, campaign, local=datetime(2030, 3, 2, 18, tzinfo=UTC))
    ana = factories.person(committee=committee, given_name="Ana")
    action_invite(action=action, people=[ana], by=lead)
    assert rsvp_answer_simple(
        action_id=action.pk, person_id=ana.pk, response="yes", source="email", guests=0, note=""
    )

    outbox_dispatch_due_task()

    assert [name for name, _ in reminders(action)] == ["Ana", "Ana"]
    assert not Rsvp.objects.get(person=ana).reminders_stale


def test_a_reminder_due_before_the_tick_goes_out_late_rather_than_never(committee, campaign):
    """Said yes a minute before the day-before reminder was due, planned after it: it is
    planned as due (the sender sends it at once), not skipped as past."""
    from campaigns.actions.services.reminders import reminders_catch_up

    action = an_action(committee, campaign, local=NOW + timedelta(days=1, minutes=1))
    ana, bo = (factories.person(committee=committee, given_name=n) for n in ["Ana", "Bo"])
    for person, answered in [(ana, NOW), (bo, NOW + timedelta(minutes=2))]:
        Rsvp.objects.create(
            action=action, person=person, response="yes", responded_at=answered,
            reminders_stale=True,
        )  # fmt: skip

    with time_machine.travel(NOW + timedelta(minutes=3), tick=False):
        assert reminders_catch_up() == 2

    # Bo answered after the day-before reminder was due: only the two-hour one for him.
    assert reminders(action) == [
        ("Ana", NOW + timedelta(minutes=1)),
        ("Ana", NOW + timedelta(hours=22, minutes=1)),
        ("Bo", NOW + timedelta(hours=22, minutes=1)),
    ]


def test_the_one_statement_answer_leaves_the_hard_cases_to_rsvp_set(committee, campaign, lead):
    from campaigns.actions.services.rsvps import action_invite, rsvp_answer_simple

    full = an_action(committee, campaign, local=datetime(2030, 3, 2, 18, tzinfo=UTC), capacity=3)
    gone = an_action(committee, campaign, local=datetime(2030, 3, 3, 18, tzinfo=UTC))
    gone.cancelled_at = NOW
    gone.save()
    ana, bo = (factories.person(committee=committee, given_name=n) for n in ["Ana", "Bo"])
    action_invite(action=full, people=[ana], by=lead)
    action_invite(action=gone, people=[ana], by=lead)

    def answer(action, person):
        return rsvp_answer_simple(
            action_id=action.pk, person_id=person.pk, response="yes", source="email",
            guests=0, note="",
        )  # fmt: skip

    assert not answer(full, ana)  # a capacity: the waitlist needs rsvp_set
    assert not answer(gone, ana)  # cancelled
    assert not answer(
        an_action(committee, campaign, local=datetime(2026, 3, 4, 18, tzinfo=UTC)), bo
    )  # not invited
    assert not Rsvp.objects.filter(response="yes").exists()
    assert not reminders(full) and not reminders(gone)
