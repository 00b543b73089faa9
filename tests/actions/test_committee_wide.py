"""A committee-wide action (a general meeting) reaches every campaign's people. An organizer
names only the people of their own campaigns on it (and the walk-ins they added); the others
are numbers. Only a committee lead changes it, and every change to any action is audited."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Action, Rsvp
from members.models import AuditEvent, Membership
from tests import factories

HTMX = {"HX-Request": "true"}


@pytest.fixture
def oak(committee):
    return factories.campaign(committee=committee, code_name="Oak")


@pytest.fixture
def oak_organizer(committee, oak):
    user = factories.member_of(
        committee, Membership.Role.ORGANIZER, email="omar@example.org", name="Omar Haddad"
    )
    factories.on_team(campaign=oak, user=user)
    return user


@pytest.fixture
def meeting(committee, lead):
    """A general meeting of the whole committee, starting in an hour."""
    starts = timezone.now() + timedelta(hours=1)
    return Action.objects.create(
        committee=committee,
        campaign=None,
        title="General meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="Union hall",
        created_by=lead,
    )


def person_on(committee, campaign, given: str, family: str):
    person = factories.person(committee=committee, given_name=given, family_name=family)
    factories.on_roster(campaign=campaign, person=person)
    return person


@pytest.fixture
def invitees(committee, campaign, oak, meeting):
    """Harriet of Harbor said yes; of Oak, Otto said yes and Olga maybe."""
    people = {}
    for given, family, on, response in [
        ("Harriet", "Harborside", campaign, "yes"),
        ("Otto", "Oakley", oak, "yes"),
        ("Olga", "Oakley", oak, "maybe"),
    ]:
        people[given] = person_on(committee, on, given, family)
        Rsvp.objects.create(
            action=meeting, person=people[given], invited_at=timezone.now(), response=response
        )
    return people


def page(client, name: str, action, **params) -> str:
    return client.get(reverse(name, args=[action.pk]), params).content.decode()


# --- Whom an organizer names --------------------------------------------------------------------


def test_the_action_page_names_only_my_campaigns_people_and_counts_the_others(
    client, team_organizer, meeting, invitees
):
    client.force_login(team_organizer)

    html = page(client, "action_detail", meeting)
    searched = client.get(
        reverse("action_detail", args=[meeting.pk]), {"q": "Oakley"}, headers=HTMX
    ).content.decode()

    assert "Harriet Harborside" in html
    assert "Oakley" not in html.replace('value="Oakley"', "")
    assert "2 people from other campaigns: 1 yes, 1 maybe, 0 no, 0 no answer." in html
    assert "Otto" not in searched and "Olga" not in searched


def test_a_lead_names_everyone(client, lead, meeting, invitees):
    client.force_login(lead)

    html = page(client, "action_detail", meeting)

    for name in ["Harriet Harborside", "Otto Oakley", "Olga Oakley"]:
        assert name in html
    assert "from other campaigns" not in html


def test_check_in_and_turnout_name_and_find_only_my_people(
    client, team_organizer, meeting, invitees
):
    client.force_login(team_organizer)

    door = page(client, "action_checkin", meeting)
    door_search = client.get(
        reverse("action_checkin", args=[meeting.pk]), {"q": "Otto"}, headers=HTMX
    ).content.decode()
    walk_in_search = client.get(
        reverse("action_walk_in", args=[meeting.pk]), {"q": "Otto"}, headers=HTMX
    ).content.decode()
    turnout = page(client, "action_turnout", meeting)

    assert "Harriet Harborside" in door and "Harriet Harborside" in turnout
    for html in [door, door_search, walk_in_search, turnout]:
        assert "Oakley" not in html
    assert "2 people from other campaigns" in door and "2 people from other campaigns" in turnout


def test_another_campaigns_person_cannot_be_checked_in_by_their_id(
    client, team_organizer, meeting, invitees
):
    client.force_login(team_organizer)
    otto = invitees["Otto"]

    response = client.post(reverse("action_checkin_person", args=[meeting.pk, otto.pk]))

    assert response.status_code == 404
    assert Rsvp.objects.get(action=meeting, person=otto).attended is None


def test_a_walk_in_i_add_is_mine_to_name_and_not_the_other_organizers(
    client, team_organizer, oak_organizer, meeting, invitees
):
    client.force_login(team_organizer)
    client.post(
        reverse("action_walk_in", args=[meeting.pk]),
        {"given_name": "Wanda", "family_name": "Walkins", "phone": "(312) 555-0188"},
    )

    mine = page(client, "action_checkin", meeting)
    client.force_login(oak_organizer)
    theirs = page(client, "action_checkin", meeting)

    assert Rsvp.objects.get(person__given_name="Wanda").added_by == team_organizer
    assert "Wanda Walkins" in mine
    assert "Wanda Walkins" not in theirs and "Otto Oakley" in theirs
    assert "2 people from other campaigns" in theirs  # Harriet and Wanda


def test_someone_taken_off_my_roster_is_no_longer_named(
    client, team_organizer, campaign, meeting, invitees
):
    from campaigns.roster.services import roster_remove

    entry = invitees["Harriet"].roster_entries.get(campaign=campaign)
    roster_remove(entry=entry)
    client.force_login(team_organizer)

    assert "Harriet Harborside" not in page(client, "action_detail", meeting)


# --- Who changes it -----------------------------------------------------------------------------


def test_an_organizer_may_not_edit_reschedule_or_cancel_it_and_sees_no_buttons(
    client, team_organizer, meeting
):
    client.force_login(team_organizer)

    html = page(client, "action_detail", meeting)
    statuses = [
        client.get(reverse("action_edit", args=[meeting.pk])).status_code,
        client.post(reverse("action_edit", args=[meeting.pk]), {"title": "Moved"}).status_code,
        client.get(reverse("action_cancel", args=[meeting.pk])).status_code,
        client.post(reverse("action_cancel", args=[meeting.pk])).status_code,
    ]

    assert statuses == [403, 403, 403, 403]
    assert reverse("action_edit", args=[meeting.pk]) not in html
    assert reverse("action_cancel", args=[meeting.pk]) not in html
    meeting.refresh_from_db()
    assert meeting.title == "General meeting" and meeting.cancelled_at is None
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ACTION_CHANGE).exists()


def test_a_campaigns_own_organizer_still_edits_the_campaigns_action(
    client, team_organizer, committee, campaign, lead
):
    starts = timezone.now() + timedelta(days=2)
    action = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Harbor meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        created_by=lead,
    )
    client.force_login(team_organizer)

    html = page(client, "action_detail", action)

    assert client.get(reverse("action_edit", args=[action.pk])).status_code == 200
    assert reverse("action_edit", args=[action.pk]) in html


# --- The audit trail ----------------------------------------------------------------------------


def edit_data(action: Action, **overrides) -> dict:
    local = timezone.localtime(action.starts_at, timezone.get_default_timezone())
    ends = timezone.localtime(action.ends_at, timezone.get_default_timezone())
    return {
        "title": action.title,
        "kind": action.kind,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": ends.strftime("%Y-%m-%dT%H:%M"),
        "location": action.location,
        "video_url": "",
        "description": "",
        "capacity": "",
        "visibility": action.visibility,
        "rsvp_deadline": "",
        "reminders": [str(minutes) for minutes in action.reminder_offsets],  # as ticked
        **overrides,
    }


def test_every_edit_reschedule_and_cancellation_is_audited_with_the_fields_only(
    client, lead, committee, meeting
):
    committee.time_zone = str(timezone.get_default_timezone())
    committee.save()
    meeting.time_zone = committee.time_zone
    meeting.starts_at = meeting.starts_at.replace(second=0, microsecond=0)  # as typed in a form
    meeting.ends_at = meeting.starts_at + timedelta(hours=2)
    meeting.save()
    client.force_login(lead)
    url = reverse("action_edit", args=[meeting.pk])
    later = timezone.localtime(meeting.starts_at + timedelta(days=1))

    client.post(url, edit_data(meeting, title="Secret plan: strike on Monday"))
    meeting.refresh_from_db()
    client.post(
        url,
        edit_data(
            meeting,
            starts_at=later.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(later + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    client.post(reverse("action_cancel", args=[meeting.pk]))

    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.ACTION_CHANGE).order_by("pk")
    assert [(e.actor, e.subject_id, e.detail) for e in events] == [
        (lead, meeting.pk, {"change": "edited", "fields": ["title"]}),
        (lead, meeting.pk, {"change": "rescheduled", "fields": ["ends_at", "starts_at"]}),
        (lead, meeting.pk, {"change": "cancelled", "fields": ["cancelled_at"]}),
    ]
    log = client.get(reverse("audit_log", args=[committee.pk])).content.decode()
    assert "Edited a committee-wide action (title)" in log
    assert "Rescheduled a committee-wide action (ends at, starts at)" in log
    assert "Cancelled a committee-wide action" in log
    assert "Secret plan" not in log
