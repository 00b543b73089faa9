"""Quiet hours: a text due at night waits for the morning on the recipient's clock, one that the
morning would bring after its action began is skipped (and the lead's Messages page says so),
and emails are never held. Through the real dispatcher and sender, on a clock moved by
time_machine (the outbox's beat runs every minute)."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from campaigns.actions.services.rsvps import rsvp_set
from campaigns.models import Action, OutboxMessage
from campaigns.outbox.services.quiet_hours import quiet_until
from campaigns.outbox.services.send import outbox_dispatch_due
from members.models import PersonEmail, PersonPhone
from organizing import sms
from tests import factories
from tests.conftest import body_text

Status = OutboxMessage.Status
CHICAGO = ZoneInfo("America/Chicago")
NUMBER = "+13125550143"


def chicago(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)  # type: ignore[misc]


@pytest.fixture
def clock():
    """Weeks before the actions, when people answer."""
    with time_machine.travel(chicago(2026, 10, 15, 12, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def texts(settings):
    settings.SMS = {"backend": "locmem"}
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    """One tick of the outbox's beat, its queued sends run as if its transaction committed."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return outbox_dispatch_due()

    return run


@pytest.fixture
def committee(committee):
    committee.time_zone = "America/Chicago"
    committee.save()
    return committee


def meeting(committee, campaign, starts_at: datetime, *offsets: int, zone="America/Chicago"):
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Night shift meeting",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        time_zone=zone,
        location="Union hall",
        reminder_offsets=list(offsets),
    )


def coming(action, *, by_text: bool = True):
    """Someone who said yes: by text (primary number) or by email."""
    person = factories.person(
        committee=action.committee,
        given_name="Ana",
        family_name="Reyes",
        preferred_channel="sms" if by_text else "email",
        sms_ok=by_text,
    )
    PersonPhone.objects.create(person=person, number=NUMBER, is_primary=True)
    PersonEmail.objects.create(person=person, email="ana@example.org", is_primary=True)
    rsvp_set(action=action, person=person, response="yes", source="app")
    return OutboxMessage.objects.get(action=action, person=person, kind="action_reminder")


def test_a_text_due_at_23_goes_at_08_the_next_morning(
    committee, campaign, lead, clock, texts, dispatch, mailbox, client
):
    action = meeting(committee, campaign, chicago(2026, 11, 3, 10, 0), 11 * 60)
    reminder = coming(action)
    assert reminder.due_at == chicago(2026, 11, 2, 23, 0)

    clock.move_to(chicago(2026, 11, 2, 23, 0))
    assert dispatch() == 1
    assert texts == []
    reminder.refresh_from_db()
    assert reminder.status == Status.PENDING and reminder.attempts == 0
    assert reminder.next_attempt_at == chicago(2026, 11, 3, 8, 0)
    assert reminder.reason == "quiet hours: held until 08:00 (America/Chicago)"
    client.force_login(lead)
    page = client.get(reverse("outbox", args=[committee.pk]), {"status": "pending"})
    row = page.content.decode().split(f'id="outbox-message-{reminder.pk}"')[1].split("</li>")[0]
    assert "waits until" in row and "Tue, Nov 3, 8 a.m." in row

    clock.move_to(chicago(2026, 11, 3, 7, 59))
    assert dispatch() == 0
    assert texts == []

    clock.move_to(chicago(2026, 11, 3, 8, 0))
    assert dispatch() == 1
    [text] = texts
    assert text.to == NUMBER
    assert text.body.startswith("Harbor: Reminder: General meeting today at 10 a.m.")
    reminder.refresh_from_db()
    assert reminder.status == Status.SENT
    assert reminder.sent_at == chicago(2026, 11, 3, 8, 0) and reminder.attempts == 1
    assert mailbox.messages == []


def test_the_morning_is_read_on_the_local_clock_across_the_time_change(
    committee, campaign, clock, texts, dispatch
):
    """Due Saturday 31 October at 23:00 (CDT); the clocks go back that night, so 08:00 on
    Sunday is ten hours later (14:00 UTC), not nine."""
    action = meeting(committee, campaign, chicago(2026, 11, 1, 18, 0), 20 * 60)  # 20 real hours
    reminder = coming(action)
    assert reminder.due_at == datetime(2026, 11, 1, 4, 0, tzinfo=UTC)  # 23:00 CDT

    clock.move_to(reminder.due_at)
    dispatch()

    reminder.refresh_from_db()
    assert reminder.next_attempt_at == datetime(2026, 11, 1, 14, 0, tzinfo=UTC)  # 08:00 CST
    clock.move_to(datetime(2026, 11, 1, 13, 59, tzinfo=UTC))
    assert dispatch() == 0
    clock.move_to(datetime(2026, 11, 1, 14, 0, tzinfo=UTC))
    assert dispatch() == 1
    assert len(texts) == 1


def test_a_text_the_morning_would_bring_after_the_start_is_skipped_and_shown(
    committee, campaign, lead, clock, texts, dispatch, client
):
    """A 07:30 picket: its two-hour reminder falls at 05:30, in the quiet; 08:00 is too late."""
    action = meeting(committee, campaign, chicago(2026, 11, 3, 7, 30), 2 * 60)
    reminder = coming(action)

    clock.move_to(chicago(2026, 11, 3, 5, 30))
    assert dispatch() == 1
    clock.move_to(chicago(2026, 11, 3, 8, 0))
    assert dispatch() == 0

    assert texts == []
    reminder.refresh_from_db()
    assert reminder.status == Status.SKIPPED and reminder.sent_at is None
    assert (
        reminder.reason == "quiet hours until 08:00 (America/Chicago): the action would have begun"
    )
    client.force_login(lead)
    page = client.get(reverse("outbox", args=[committee.pk]), {"status": "skipped"})
    row = page.content.decode().split(f'id="outbox-message-{reminder.pk}"')[1].split("</li>")[0]
    assert "Skipped" in row and "the action would have begun" in row


def test_emails_are_never_held(committee, campaign, clock, mailbox, dispatch):
    action = meeting(committee, campaign, chicago(2026, 11, 3, 10, 0), 11 * 60)
    reminder = coming(action, by_text=False)

    clock.move_to(chicago(2026, 11, 2, 23, 0))
    assert dispatch() == 1

    [email] = mailbox.wait_for(1)
    assert "tomorrow, Tuesday, November 3, at 10 a.m." in body_text(email)
    reminder.refresh_from_db()
    assert reminder.status == Status.SENT and reminder.sent_at == chicago(2026, 11, 2, 23, 0)


def test_the_clock_is_the_actions_own(committee, campaign, clock, texts, dispatch):
    """An action in Los Angeles: 22:30 in Chicago is 20:30 there, before its quiet hours."""
    los_angeles = ZoneInfo("America/Los_Angeles")
    starts = datetime(2026, 11, 3, 8, 30, tzinfo=los_angeles)
    action = meeting(committee, campaign, starts, 12 * 60, zone="America/Los_Angeles")
    reminder = coming(action)
    assert reminder.due_at == chicago(2026, 11, 2, 22, 30)

    clock.move_to(reminder.due_at)
    assert dispatch() == 1

    assert len(texts) == 1


def test_the_committee_sets_its_own_quiet_hours(committee, campaign, clock, texts, dispatch):
    committee.quiet_hours_start, committee.quiet_hours_end = time(22, 0), time(7, 0)
    committee.save()
    early = meeting(committee, campaign, chicago(2026, 11, 3, 12, 0), 6 * 60)  # 06:00
    late = meeting(committee, campaign, chicago(2026, 11, 3, 10, 0), 12 * 60 + 30)  # 21:30
    held, sent = coming(early), coming(late)

    clock.move_to(chicago(2026, 11, 2, 21, 30))
    dispatch()
    clock.move_to(chicago(2026, 11, 3, 6, 0))
    dispatch()

    sent.refresh_from_db()
    held.refresh_from_db()
    assert sent.status == Status.SENT
    assert (held.status, held.next_attempt_at) == (Status.PENDING, chicago(2026, 11, 3, 7, 0))
    assert len(texts) == 1


@pytest.mark.parametrize(
    ("local", "until"),
    [
        (time(20, 59), None),
        (time(21, 0), chicago(2026, 11, 4, 8, 0)),
        (time(23, 0), chicago(2026, 11, 4, 8, 0)),
        (time(0, 0), chicago(2026, 11, 3, 8, 0)),
        (time(7, 59), chicago(2026, 11, 3, 8, 0)),
        (time(8, 0), None),
    ],
)
def test_the_night_runs_past_midnight(local, until):
    at = datetime.combine(date(2026, 11, 3), local, tzinfo=CHICAGO)
    assert quiet_until(at=at, start=time(21, 0), end=time(8, 0), zone=CHICAGO) == until


def test_quiet_hours_may_also_sit_inside_one_day():
    start, end = time(13, 0), time(15, 0)
    assert quiet_until(at=chicago(2026, 11, 3, 12, 59), start=start, end=end, zone=CHICAGO) is None
    assert quiet_until(
        at=chicago(2026, 11, 3, 14, 0), start=start, end=end, zone=CHICAGO
    ) == chicago(2026, 11, 3, 15, 0)
    assert quiet_until(at=chicago(2026, 11, 3, 15, 0), start=start, end=end, zone=CHICAGO) is None
