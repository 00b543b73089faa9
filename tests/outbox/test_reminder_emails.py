"""What meeting reminders, "new time" notices, cancellations and one-on-one reminders say, and
when they no longer go out. (Sending itself is tests/outbox/test_outbox_send.py's story; faults are
tests/outbox/test_outbox_faults.py's.)"""

from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
import time_machine
from django.utils import timezone

from campaigns.actions.services.actions import action_cancel
from campaigns.actions.services.reminders import reminders_replan
from campaigns.actions.services.rsvps import rsvp_set
from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import Action, OutboxMessage, Rsvp, ScheduledOneOnOne
from campaigns.outbox.services.send import SENT, VOID, outbox_send_one
from members.models import PersonEmail
from tests import factories
from tests.conftest import body_text

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
# Wednesday 4 December 2030, 18:00 in Chicago; the day-before reminder is due Tuesday 18:00.
STARTS = datetime(2030, 12, 5, 0, 0, tzinfo=UTC)
DAY_BEFORE = STARTS - timedelta(hours=24)
TWO_HOURS_BEFORE = STARTS - timedelta(hours=2)
PLANNED = datetime(2030, 11, 20, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _planned_weeks_before():
    with time_machine.travel(PLANNED, tick=False) as traveller:
        yield traveller


@pytest.fixture
def action(committee, campaign):
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Meeting about Acme Logistics' new schedule",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=2),
        time_zone="America/Chicago",
        location="Union hall, 12 Dock Street",
        video_url="https://meet.example.org/harbor",
        description="We talk about Acme's new rota.",
    )


def someone(committee, email="ana@example.org", **fields):
    person = factories.person(committee=committee, given_name="Ana", family_name="Reyes", **fields)
    PersonEmail.objects.create(person=person, email=email, is_primary=True)
    return person


def subject(email) -> str:
    return " ".join(str(make_header(decode_header(email["Subject"]))).split())  # unfolded


def preview(email) -> str:
    """What an inbox shows before the email is opened: the greeting and the first paragraph."""
    return " ".join(body_text(email).replace("\r\n", "\n").split("\n\n")[:2])


def reminder(action, person, due=DAY_BEFORE) -> OutboxMessage:
    return OutboxMessage.objects.get(
        kind=Kind.ACTION_REMINDER, action=action, person=person, due_at=due
    )


def send_at(moment: datetime, message: OutboxMessage, traveller) -> str:
    traveller.move_to(moment)
    return outbox_send_one(message_id=message.pk)


# --- What a reminder says ----------------------------------------------------------------------


def test_the_day_before_reminder_says_tomorrow_and_links_to_the_answer(
    action, mailbox, client, _planned_weeks_before
):
    ana = someone(action.committee)
    rsvp_set(action=action, person=ana, response="yes", source="email")

    assert send_at(DAY_BEFORE, reminder(action, ana), _planned_weeks_before) == SENT

    [email] = mailbox.wait_for(1)
    assert email["To"] == "ana@example.org"
    assert subject(email) == "Reminder: Harbor general meeting tomorrow at 6 p.m. (America/Chicago)"
    body = body_text(email)
    assert "A reminder: the general meeting is tomorrow, Wednesday, December 4, at 6 p.m." in body
    assert "Union hall, 12 Dock Street" in body and "https://meet.example.org/harbor" in body
    link = next(line for line in body.splitlines() if line.startswith("http://127.0.0.1:8000/r/"))
    answer = client.post(
        link.removeprefix("http://127.0.0.1:8000"), {"response": "no"}, follow=True
    )
    assert answer.status_code == 200
    assert Rsvp.objects.get(action=action, person=ana).response == "no"


def test_the_reminder_never_names_the_employer_where_a_glance_would_see_it(
    action, mailbox, _planned_weeks_before
):
    ana = someone(action.committee)
    rsvp_set(action=action, person=ana, response="maybe", source="app")

    send_at(DAY_BEFORE, reminder(action, ana), _planned_weeks_before)

    [email] = mailbox.wait_for(1)
    assert "Acme" not in subject(email) and "Acme" not in preview(email)
    assert "Harbor" in subject(email)
    assert "Acme" not in body_text(email).split("Meeting about Acme")[0]
    assert "Acme" not in "".join(line for line in body_text(email).splitlines() if "http" in line)


def test_the_two_hour_reminder_says_today_in_the_persons_language(
    action, mailbox, _planned_weeks_before
):
    ana = someone(action.committee, preferred_language="es")
    rsvp_set(action=action, person=ana, response="yes", source="app")

    assert (
        send_at(TWO_HOURS_BEFORE, reminder(action, ana, TWO_HOURS_BEFORE), _planned_weeks_before)
        == SENT
    )

    [email] = mailbox.wait_for(1)
    assert "18:00" in subject(email) and "America/Chicago" in subject(email)
    assert "miércoles 4 de diciembre" in body_text(email)


def test_a_committee_wide_reminder_has_no_code_name(committee, mailbox, _planned_weeks_before):
    action = Action.objects.create(
        committee=committee,
        title="Training",
        kind=Action.Kind.TRAINING,
        starts_at=STARTS,
        ends_at=STARTS + timedelta(hours=1),
        time_zone="America/Chicago",
    )
    ana = someone(committee)
    rsvp_set(action=action, person=ana, response="yes", source="app")

    send_at(DAY_BEFORE, reminder(action, ana), _planned_weeks_before)

    assert (
        subject(mailbox.wait_for(1)[0]) == "Reminder: training tomorrow at 6 p.m. (America/Chicago)"
    )


# --- When a reminder no longer goes out --------------------------------------------------------


def test_a_reminder_is_void_when_the_person_is_no_longer_coming(action, _planned_weeks_before):
    ana = someone(action.committee)
    rsvp_set(action=action, person=ana, response="yes", source="app")
    message = reminder(action, ana)
    # Changed to no behind the planner's back (the planner would void the row itself).
    Rsvp.objects.filter(person=ana).update(response="no")

    assert send_at(DAY_BEFORE, message, _planned_weeks_before) == VOID
    message.refresh_from_db()
    assert (message.status, message.reason) == (Status.VOID, "no longer coming")


def test_a_reminder_is_void_for_someone_moved_to_the_waitlist(action, _planned_weeks_before):
    ana = someone(action.committee)
    rsvp_set(action=action, person=ana, response="yes", source="app")
    Rsvp.objects.filter(person=ana).update(waitlisted_at=timezone.now())

    assert send_at(DAY_BEFORE, reminder(action, ana), _planned_weeks_before) == VOID


def test_a_reminder_is_void_when_the_action_moved_or_is_over(action, _planned_weeks_before):
    ana = someone(action.committee)
    rsvp_set(action=action, person=ana, response="yes", source="app")
    message, late = reminder(action, ana), reminder(action, ana, TWO_HOURS_BEFORE)
    Action.objects.filter(pk=action.pk).update(
        starts_at=STARTS + timedelta(days=1), ends_at=STARTS + timedelta(days=1, hours=2)
    )

    assert send_at(DAY_BEFORE, message, _planned_weeks_before) == VOID
    assert OutboxMessage.objects.get(pk=message.pk).reason == "the action moved"
    assert send_at(STARTS + timedelta(days=2), late, _planned_weeks_before) == VOID
    assert OutboxMessage.objects.get(pk=late.pk).reason == "the action is over"


def test_a_reminder_held_up_until_after_the_start_is_not_sent(action, _planned_weeks_before):
    ana = someone(action.committee)
    rsvp_set(action=action, person=ana, response="yes", source="app")

    late = reminder(action, ana, TWO_HOURS_BEFORE)
    assert send_at(STARTS + timedelta(minutes=10), late, _planned_weeks_before) == VOID
    assert OutboxMessage.objects.get(pk=late.pk).reason == "the action has started"


def test_a_reminder_is_void_when_the_action_is_cancelled(action, _planned_weeks_before):
    ana = someone(action.committee)
    rsvp_set(action=action, person=ana, response="yes", source="app")
    message = reminder(action, ana)
    # Cancelled while the dispatcher had handed the row to a worker (so it was not voided).
    Action.objects.filter(pk=action.pk).update(cancelled_at=timezone.now())

    assert send_at(DAY_BEFORE, message, _planned_weeks_before) == VOID
    assert OutboxMessage.objects.get(pk=message.pk).reason == "the action was cancelled"


# --- A new time, and a cancellation ------------------------------------------------------------


def test_who_is_coming_hears_of_the_new_time(action, mailbox, _planned_weeks_before):
    ana = someone(action.committee)
    rsvp_set(action=action, person=ana, response="yes", source="app")
    action.starts_at, action.ends_at = (
        STARTS + timedelta(days=1),
        STARTS + timedelta(days=1, hours=2),
    )
    action.save()
    reminders_replan(action=action, moved=True)

    notice = OutboxMessage.objects.get(kind=Kind.ACTION_RESCHEDULED, person=ana)
    assert outbox_send_one(message_id=notice.pk) == SENT

    [email] = mailbox.wait_for(1)
    assert (
        subject(email)
        == "New time: Harbor general meeting, now Thu, Dec 5 at 6 p.m. (America/Chicago)"
    )
    assert "has a new time: Thursday, December 5 at 6 p.m." in preview(email)
    assert "Acme" not in preview(email)
    assert "/r/" in body_text(email)


def test_a_new_time_notice_is_void_once_the_action_is_cancelled(action, _planned_weeks_before):
    ana = someone(action.committee)
    rsvp_set(action=action, person=ana, response="yes", source="app")
    action.starts_at += timedelta(days=1)
    action.ends_at += timedelta(days=1)
    action.save()
    reminders_replan(action=action, moved=True)
    notice = OutboxMessage.objects.get(kind=Kind.ACTION_RESCHEDULED, person=ana)
    Action.objects.filter(pk=action.pk).update(cancelled_at=timezone.now())

    assert outbox_send_one(message_id=notice.pk) == VOID
    assert OutboxMessage.objects.get(pk=notice.pk).reason == "the action was cancelled"


def test_yes_and_maybe_hear_it_is_cancelled_no_does_not(action, lead, mailbox):
    ana, bo = someone(action.committee), someone(action.committee, "bo@example.org")
    rsvp_set(action=action, person=ana, response="yes", source="app")
    rsvp_set(action=action, person=bo, response="maybe", source="app")

    action_cancel(action=action, by=lead)

    notices = OutboxMessage.objects.filter(kind=Kind.ACTION_CANCELLED).order_by("pk")
    assert [outbox_send_one(message_id=n.pk) for n in notices] == [SENT, SENT]
    emails = mailbox.wait_for(2)
    assert sorted(e["To"] for e in emails) == ["ana@example.org", "bo@example.org"]
    assert (
        subject(emails[0])
        == "Cancelled: Harbor general meeting on Wed, Dec 4 at 6 p.m. (America/Chicago)"
    )
    assert "is cancelled. Please don't go" in preview(emails[0])
    assert "Acme" not in preview(emails[0])
    # The reminders are off.
    assert not OutboxMessage.objects.filter(
        kind=Kind.ACTION_REMINDER, status=Status.PENDING
    ).exists()


def test_a_cancellation_is_void_for_someone_who_said_no_before(action, lead):
    ana = someone(action.committee)
    rsvp_set(action=action, person=ana, response="yes", source="app")
    action_cancel(action=action, by=lead)
    Rsvp.objects.filter(person=ana).update(response="no")

    notice = OutboxMessage.objects.get(kind=Kind.ACTION_CANCELLED, person=ana)
    assert outbox_send_one(message_id=notice.pk) == VOID
    assert OutboxMessage.objects.get(pk=notice.pk).reason == "said no before"


# --- A one-on-one ------------------------------------------------------------------------------


@pytest.fixture
def scheduled(campaign, committee, team_organizer):
    """Nina set a one-on-one with Maria (who reads Spanish) for 2 December, 10:00 UTC."""
    maria = factories.person(
        committee=committee, given_name="Maria", family_name="Lopez", preferred_language="es"
    )
    PersonEmail.objects.create(person=maria, email="maria@example.org", is_primary=True)
    factories.on_roster(campaign=campaign, person=maria)
    data = ConversationData(
        happened_at=timezone.now(),
        channel="in_person",
        schedule_at=datetime(2030, 12, 2, 10, 0, tzinfo=UTC),
        schedule_place="Café on Dock Street",
    )
    conversation_log(campaign=campaign, person=maria, organizer=team_organizer, data=data)
    return OutboxMessage.objects.get(kind=Kind.ONE_ON_ONE_REMINDER)


def test_the_organizer_is_reminded_an_hour_before_and_only_the_organizer(
    scheduled, mailbox, committee, _planned_weeks_before
):
    assert scheduled.due_at == datetime(2030, 12, 2, 9, 0, tzinfo=UTC)

    assert send_at(scheduled.due_at, scheduled, _planned_weeks_before) == SENT

    [email] = mailbox.wait_for(1)
    assert email["To"] == "nina@example.org"  # never the person being organized
    assert "Maria" not in subject(email) and "Lopez" not in subject(email)
    assert subject(email).startswith("Harbor: One-on-one in an hour, at ")
    body = body_text(email)
    assert "Hi Nina," in body  # the organizer's language, not Maria's
    assert "Maria Lopez" in body and "Café on Dock Street" in body
    assert f"/people/{scheduled.person_id}/" in body
    tz_time = timezone.localtime(datetime(2030, 12, 2, 10, 0, tzinfo=UTC), _zone(committee))
    assert f"({committee.time_zone})" in body
    assert tz_time.strftime("December %-d") in body


def _zone(committee):
    from zoneinfo import ZoneInfo

    return ZoneInfo(committee.time_zone)


def test_a_one_on_one_reminder_is_void_once_it_was_held_or_cancelled(
    scheduled, _planned_weeks_before
):
    ScheduledOneOnOne.objects.update(cancelled_at=timezone.now())

    assert send_at(scheduled.due_at, scheduled, _planned_weeks_before) == VOID
    assert OutboxMessage.objects.get(pk=scheduled.pk).reason == (
        "the one-on-one was held, cancelled or moved"
    )
