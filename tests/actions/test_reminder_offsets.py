"""An action's reminders, set in its form: a new action starts from the committee's, an edit
ticks and unticks them or adds one as a number and a unit, and bad choices are refused with
everything typed kept. Changing them re-plans the reminders not sent yet, across the
2026-11-01 time change in Chicago, and leaves the sent ones as they were."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from campaigns.actions.forms.actions import initial_from
from campaigns.actions.services.actions import ActionData, action_create
from campaigns.actions.services.rsvps import rsvp_set
from campaigns.models import Action, OutboxMessage
from campaigns.outbox.services.send import SENT, outbox_send_one
from members.models import PersonEmail
from tests import factories

CHICAGO = ZoneInfo("America/Chicago")
DAY, HOUR = 24 * 60, 60
Status = OutboxMessage.Status


def chicago(*args: int) -> datetime:
    return datetime(*args, tzinfo=CHICAGO)  # type: ignore[misc]


@pytest.fixture
def clock():
    """Thursday 29 October 2026, noon in Chicago: daylight time, three days before it ends."""
    with time_machine.travel(chicago(2026, 10, 29, 12, 0), tick=False) as traveller:
        yield traveller


@pytest.fixture
def committee(committee):
    committee.time_zone = "America/Chicago"
    committee.save()
    return committee


def meeting(committee, campaign, lead, offsets: list[int]) -> Action:
    """Tuesday 3 November 2026, 18:00 in Chicago: after the clocks went back."""
    starts = chicago(2026, 11, 3, 18, 0)
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="General meeting",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone="America/Chicago",
        location="Union hall",
        reminder_offsets=offsets,
        created_by=lead,
    )


def edit_data(action: Action, **overrides) -> dict:
    """The edit form as the browser posts it: what it shows, with `overrides`."""
    data = {k: "" if v is None else v for k, v in initial_from(action).items()}
    data["reminders"] = [str(minutes) for minutes in action.reminder_offsets]
    return data | {"reminder_amount": "", "reminder_unit": str(HOUR)} | overrides


def edit(client, lead, action, **overrides):
    client.force_login(lead)
    return client.post(reverse("action_edit", args=[action.pk]), edit_data(action, **overrides))


def ticked(html: str) -> list[str]:
    """The labels of the ticked reminder boxes."""
    boxes = re.findall(
        r'<input type="checkbox" name="reminders" value="\d+"[^>]*>\s*<span>([^<]+)', html
    )
    checked = re.findall(
        r'<input type="checkbox" name="reminders" value="\d+"[^>]*checked[^>]*>\s*<span>([^<]+)',
        html,
    )
    assert boxes, "no reminder boxes on the page"
    return checked


def coming(action, name: str):
    person = factories.person(committee=action.committee, given_name=name, family_name="Reyes")
    PersonEmail.objects.create(person=person, email=f"{name.lower()}@example.org", is_primary=True)
    rsvp_set(action=action, person=person, response="yes", source="app")
    return person


def reminders(action, status=Status.PENDING) -> list[datetime]:
    rows = OutboxMessage.objects.filter(kind="action_reminder", action=action, status=status)
    return sorted(rows.values_list("due_at", flat=True).distinct())


# --- New actions start from the committee's reminders -------------------------------------------


def test_a_new_action_starts_from_the_committees_reminders(
    client, lead, committee, campaign, clock
):
    committee.reminder_offsets = [3 * DAY, 1 * HOUR]
    committee.save()
    client.force_login(lead)

    page = client.get(reverse("action_create")).content.decode()

    assert ticked(page) == ["3 days before", "1 hour before"]
    assert "1 day before" in page and "2 hours before" in page  # offered, not ticked
    data = {
        "title": "Card signing party",
        "kind": "general_meeting",
        "campaign": campaign.pk,
        "starts_at": "2026-11-20T18:00",
        "ends_at": "2026-11-20T20:00",
        "location": "Union hall",
        "visibility": "invited",
        "reminders": [str(3 * DAY), str(HOUR)],
    }
    assert client.post(reverse("action_create"), data).status_code == 302
    assert Action.objects.get().reminder_offsets == [3 * DAY, HOUR]


def test_an_action_made_by_a_service_also_takes_the_committees_reminders(
    lead, committee, campaign, clock
):
    committee.reminder_offsets = [2 * DAY]
    committee.save()
    starts = chicago(2026, 11, 20, 18, 0)

    action = action_create(
        committee=committee,
        campaign=campaign,
        data=ActionData("Rally", "rally", starts, starts + timedelta(hours=1), "America/Chicago"),
        by=lead,
    )

    assert action.reminder_offsets == [2 * DAY]


# --- Editing one action's reminders -------------------------------------------------------------


def test_a_lead_adds_a_custom_reminder_and_removes_a_preset(
    client, lead, committee, campaign, clock
):
    action = meeting(committee, campaign, lead, [DAY, 2 * HOUR])

    response = edit(
        client, lead, action, reminders=[str(DAY)], reminder_amount="30", reminder_unit="1"
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.reminder_offsets == [DAY, 30]
    page = client.get(reverse("action_edit", args=[action.pk])).content.decode()
    assert ticked(page) == ["1 day before", "30 minutes before"]
    assert "2 hours before" in page  # still offered, to tick again


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        (
            {"reminder_amount": "24", "reminder_unit": str(HOUR)},
            "There is already a reminder 1 day before.",
        ),
        (
            {"reminder_amount": "0", "reminder_unit": str(HOUR)},
            "A reminder goes before the start: enter a number above 0.",
        ),
        (
            {"reminder_amount": "-2", "reminder_unit": str(DAY)},
            "A reminder goes before the start: enter a number above 0.",
        ),
        (
            {"reminder_amount": "31", "reminder_unit": str(DAY)},
            "A reminder goes at most 30 days before.",
        ),
        (
            {"reminder_amount": "two", "reminder_unit": str(HOUR)},
            "Enter a whole number.",
        ),
        (
            {
                "reminders": [str(m) for m in (4 * DAY, 3 * DAY, 2 * DAY, DAY, 2 * HOUR)],
                "reminder_amount": "15",
                "reminder_unit": "1",
            },
            "At most 5 reminders: untick one.",
        ),
    ],
    ids=["duplicate", "at-the-start", "after-the-start", "too-early", "not-a-number", "six"],
)
def test_a_bad_reminder_is_refused_and_what_was_typed_stays(
    client, lead, committee, campaign, clock, overrides, error
):
    action = meeting(committee, campaign, lead, [DAY, 2 * HOUR])
    overrides = {"title": "Meeting, renamed", **overrides}

    response = edit(client, lead, action, **overrides)

    html = response.content.decode()
    assert response.status_code == 422
    assert error in html
    assert 'value="Meeting, renamed"' in html
    assert f'name="reminder_amount" value="{overrides["reminder_amount"]}"' in html
    assert re.search(
        rf'<option value="{overrides["reminder_unit"]}" selected>', html
    )  # the unit picked
    ticks = overrides.get("reminders", [str(DAY), str(2 * HOUR)])
    assert len(ticked(html)) == len(ticks)
    action.refresh_from_db()
    assert (action.title, action.reminder_offsets) == ("General meeting", [DAY, 2 * HOUR])


# --- Re-planning --------------------------------------------------------------------------------


def test_changing_the_reminders_replans_the_unsent_ones_across_the_time_change(
    client, lead, committee, campaign, clock, mailbox
):
    """Reminders 5 days, 1 day and 2 hours before a Tuesday 18:00 meeting. The 5-day one went
    out last Thursday (daylight time); on Saturday the lead swaps "1 day" for "2 days" and
    "2 hours" for "3 hours". The new 2-day reminder falls on Sunday 1 November, the day the
    clocks go back: it still goes at 18:00 on the local clock (00:00 UTC, not 23:00), the
    3-hour one three real hours before the start, and the 5-day one stays sent, once."""
    action = meeting(committee, campaign, lead, [5 * DAY, DAY, 2 * HOUR])
    clock.move_to(chicago(2026, 10, 25, 12, 0))
    ana, bo = coming(action, "Ana"), coming(action, "Bo")
    five_days = chicago(2026, 10, 29, 18, 0)
    assert reminders(action) == [
        five_days,
        chicago(2026, 11, 2, 18, 0),
        chicago(2026, 11, 3, 16, 0),
    ]
    clock.move_to(five_days)
    sent = OutboxMessage.objects.filter(action=action, due_at=five_days)
    assert [outbox_send_one(message_id=pk) for pk in sent.values_list("pk", flat=True)] == [
        SENT
    ] * 2
    sent_at = set(sent.values_list("sent_at", flat=True))

    clock.move_to(chicago(2026, 10, 31, 10, 0))
    response = edit(
        client, lead, action, reminders=[str(5 * DAY), str(2 * DAY)], reminder_amount="3"
    )

    assert response.status_code == 302
    two_days = datetime(2026, 11, 2, 0, 0, tzinfo=UTC)  # Sunday 18:00 CST
    three_hours = datetime(2026, 11, 3, 21, 0, tzinfo=UTC)  # Tuesday 15:00 CST
    assert reminders(action) == [two_days, three_hours]
    assert reminders(action, Status.VOID) == [
        datetime(2026, 11, 3, 0, 0, tzinfo=UTC),  # the day before, 18:00 CST
        datetime(2026, 11, 3, 22, 0, tzinfo=UTC),  # 2 hours before
    ]
    assert set(
        OutboxMessage.objects.filter(action=action, status=Status.VOID).values_list(
            "reason", flat=True
        )
    ) == {"reminders changed"}
    assert reminders(action, Status.SENT) == [five_days]
    assert set(sent.values_list("sent_at", flat=True)) == sent_at  # untouched
    assert OutboxMessage.objects.filter(action=action, due_at=five_days).count() == 2
    two_day_people = OutboxMessage.objects.filter(due_at=two_days).values_list("person", flat=True)
    assert set(two_day_people) == {ana.pk, bo.pk}

    # Sunday: the clocks went back overnight; the 2-day reminders go out at 18:00 local.
    clock.move_to(two_days)
    for pk in OutboxMessage.objects.filter(due_at=two_days).values_list("pk", flat=True):
        assert outbox_send_one(message_id=pk) == SENT
    assert len(mailbox.wait_for(4)) == 4  # 2 five-day reminders, then 2 two-day ones
    assert chicago(2026, 11, 1, 18, 0) == two_days
