"""The committee's reminder timing, set by its leads: the reminders new actions start with, how
long before a scheduled one-on-one the organizer is reminded (the unsent reminders move), and
the quiet hours of text messages. Bad input is refused with everything typed kept.
(Who may open the page: tests/matrix/committee.py.)"""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.manage.services import committee_reminders_set
from campaigns.models import OutboxMessage
from campaigns.outbox.services.send import SENT, outbox_send_one
from members.models import PersonEmail
from tests import factories
from tests.conftest import body_text

DAY, HOUR = 24 * 60, 60
Status = OutboxMessage.Status
NOW = datetime(2030, 11, 20, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def page_url(committee) -> str:
    return reverse("committee_settings", args=[committee.pk])


def settings_data(**overrides) -> dict:
    """The form as it comes, with the committee's defaults ticked and typed."""
    return {
        "reminders": [str(DAY), str(2 * HOUR)],
        "reminder_amount": "",
        "reminder_unit": str(HOUR),
        "one_on_one_amount": "1",
        "one_on_one_unit": str(HOUR),
        "quiet_hours_start": "21:00",
        "quiet_hours_end": "08:00",
        **overrides,
    }


def test_the_page_shows_todays_timing(client, lead, committee):
    client.force_login(lead)

    html = client.get(page_url(committee)).content.decode()

    assert "Reminder timing" in html
    assert 'value="1440" id="id_reminders_0" checked' in html
    assert 'value="120" id="id_reminders_1" checked' in html
    assert 'name="one_on_one_amount" value="1"' in html
    assert '<option value="60" selected>hours</option>' in html
    assert 'name="quiet_hours_start" value="21:00"' in html
    assert 'name="quiet_hours_end" value="08:00"' in html


def test_a_lead_finds_it_on_the_system_page(client, lead, organizer, committee):
    """With the committee's other settings (the navigation's row holds one line on a laptop)."""
    system = reverse("system", args=[committee.pk])
    client.force_login(lead)
    assert f'href="{page_url(committee)}"' in client.get(system).content.decode()
    client.force_login(organizer)
    assert page_url(committee) not in client.get(reverse("action_list")).content.decode()


def test_a_lead_sets_the_defaults_and_the_quiet_hours(client, lead, committee):
    client.force_login(lead)
    data = settings_data(
        reminders=[str(DAY)],
        reminder_amount="3",
        reminder_unit=str(DAY),
        one_on_one_amount="30",
        one_on_one_unit="1",
        quiet_hours_start="22:00",
        quiet_hours_end="07:30",
    )

    response = client.post(page_url(committee), data, follow=True)

    assert "Reminder timing saved." in response.content.decode()
    committee.refresh_from_db()
    assert committee.reminder_offsets == [3 * DAY, DAY]
    assert committee.one_on_one_reminder_minutes == 30
    assert (committee.quiet_hours_start, committee.quiet_hours_end) == (time(22), time(7, 30))


@pytest.mark.parametrize(
    ("overrides", "field", "error"),
    [
        ({"quiet_hours_end": "21:00"}, "quiet_hours_end", "Quiet hours end at another time"),
        ({"quiet_hours_start": "25:61"}, "quiet_hours_start", "Enter a valid time."),
        ({"quiet_hours_end": "soon"}, "quiet_hours_end", "Enter a valid time."),
        ({"one_on_one_amount": "0"}, "one_on_one_amount", "Enter a number above 0."),
        (
            {"one_on_one_amount": "8", "one_on_one_unit": str(DAY)},
            "one_on_one_amount",
            "At most 7 days before.",
        ),
        (
            {"reminder_amount": "24", "reminder_unit": str(HOUR)},
            "reminder_amount",
            "There is already a reminder 1 day before.",
        ),
        (
            {"reminder_amount": "0"},
            "reminder_amount",
            "A reminder goes before the start: enter a number above 0.",
        ),
    ],
    ids=[
        "same-start-and-end",
        "no-such-time",
        "not-a-time",
        "no-lead-time",
        "too-early",
        "dup",
        "zero",
    ],
)
def test_bad_input_is_refused_and_what_was_typed_stays(
    client, lead, committee, overrides, field, error
):
    client.force_login(lead)
    data = settings_data(reminders=[str(DAY)], **overrides)

    response = client.post(page_url(committee), data)

    html = response.content.decode()
    assert response.status_code == 422
    assert error in html
    assert f'<p class="error" id="id_{field}_error">{error}' in html.replace("&#x27;", "'")
    for name, value in overrides.items():
        assert (
            f'name="{name}" value="{value}"' in html or f'<option value="{value}" selected>' in html
        )
    assert 'value="1440" id="id_reminders_0" checked' in html
    assert 'value="120" id="id_reminders_1">' in html  # unticked, as the lead left it
    committee.refresh_from_db()
    assert committee.reminder_offsets == [DAY, 2 * HOUR]
    assert (committee.quiet_hours_start, committee.one_on_one_reminder_minutes) == (time(21), 60)


def test_six_reminders_are_refused(client, lead, committee):
    client.force_login(lead)
    ticked = [str(m) for m in (4 * DAY, 3 * DAY, 2 * DAY, DAY, 2 * HOUR)]

    response = client.post(
        page_url(committee), settings_data(reminders=ticked, reminder_amount="1")
    )

    assert response.status_code == 422
    assert "At most 5 reminders: untick one." in response.content.decode()


# --- The one-on-one reminder's lead time --------------------------------------------------------


def schedule(campaign, organizer, person, starts_at):
    factories.on_roster(campaign=campaign, person=person)
    data = ConversationData(happened_at=NOW, channel="in_person", schedule_at=starts_at)
    conversation_log(campaign=campaign, person=person, organizer=organizer, data=data)


def test_a_new_lead_time_moves_the_unsent_one_on_one_reminders(
    client, lead, committee, campaign, team_organizer, mailbox, clock
):
    """Two one-on-ones: today at 16:00 (its reminder went at 15:00) and on 2 December at
    10:00. Reminding two hours before moves the second one's reminder to 08:00; the sent one
    stays sent, and the email no longer says "in an hour"."""
    maria = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    PersonEmail.objects.create(person=maria, email="maria@example.org", is_primary=True)
    joe = factories.person(committee=committee, given_name="Joe", family_name="Park")
    schedule(campaign, team_organizer, joe, NOW + timedelta(hours=1, minutes=30))
    schedule(campaign, team_organizer, maria, datetime(2030, 12, 2, 10, 0, tzinfo=UTC))
    clock.move_to(NOW + timedelta(minutes=30))
    first = OutboxMessage.objects.get(person=joe)
    assert outbox_send_one(message_id=first.pk) == SENT
    client.force_login(lead)

    data = settings_data(one_on_one_amount="2", one_on_one_unit=str(HOUR))
    assert client.post(page_url(committee), data).status_code == 302

    rows = OutboxMessage.objects.filter(kind="one_on_one_reminder").order_by("due_at")
    assert [(row.person_id, row.due_at, row.status) for row in rows] == [
        (joe.pk, NOW + timedelta(minutes=30), Status.SENT),
        (maria.pk, datetime(2030, 12, 2, 8, 0, tzinfo=UTC), Status.PENDING),
        (maria.pk, datetime(2030, 12, 2, 9, 0, tzinfo=UTC), Status.VOID),
    ]
    assert rows.get(status=Status.VOID).reason == "reminder time changed"
    moved = rows.get(status=Status.PENDING)
    clock.move_to(moved.due_at)
    assert outbox_send_one(message_id=moved.pk) == SENT
    email = mailbox.wait_for(2)[-1]
    assert email["Subject"].startswith("Harbor: One-on-one coming up, at ")
    assert "You have a one-on-one coming up:" in body_text(email)
    assert "Maria Lopez" in body_text(email)


def test_going_back_to_an_hour_brings_the_reminder_back(
    client, lead, committee, campaign, team_organizer
):
    maria = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    schedule(campaign, team_organizer, maria, datetime(2030, 12, 2, 10, 0, tzinfo=UTC))
    client.force_login(lead)

    client.post(page_url(committee), settings_data(one_on_one_amount="2"))
    client.post(page_url(committee), settings_data(one_on_one_amount="1"))

    pending = OutboxMessage.objects.get(kind="one_on_one_reminder", status=Status.PENDING)
    assert pending.due_at == datetime(2030, 12, 2, 9, 0, tzinfo=UTC)
    assert OutboxMessage.objects.filter(status=Status.VOID).count() == 1


def test_a_spanish_speaking_lead_reads_the_page_and_its_errors_in_spanish(client, lead, committee):
    from tests.test_translations import english_on

    lead.language = "es"
    lead.save()
    client.force_login(lead)

    response = client.post(page_url(committee), settings_data(quiet_hours_end="21:00"))

    html = response.content.decode()
    assert "Las horas de silencio terminan a otra hora que la de inicio" in html
    assert "1 día antes" in html and "2 horas antes" in html
    assert english_on(html) == []


@pytest.mark.parametrize(
    "change",
    [
        {"reminder_offsets": [DAY, DAY]},
        {"reminder_offsets": [0]},
        {"reminder_offsets": [6 * DAY, 5 * DAY, 4 * DAY, 3 * DAY, 2 * DAY, DAY]},
        {"one_on_one_reminder_minutes": 0},
        {"quiet_hours_start": time(8), "quiet_hours_end": time(8)},
    ],
)
def test_the_service_keeps_the_rules_for_any_caller(committee, change):
    fields = {
        "reminder_offsets": [DAY],
        "one_on_one_reminder_minutes": 30,
        "quiet_hours_start": time(22),
        "quiet_hours_end": time(7),
    }
    with pytest.raises(ValidationError):
        committee_reminders_set(committee=committee, **(fields | change))

    committee.refresh_from_db()
    assert (committee.reminder_offsets, committee.one_on_one_reminder_minutes) == ([DAY, 120], 60)
