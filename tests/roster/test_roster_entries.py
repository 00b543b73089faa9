"""A roster entry: moving someone within the campaign, and taking them off the roster with a
reason that stays in their history."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import RosterEntry
from campaigns.roster.services import assessment_record
from members.models import AuditEvent, PersonEmail
from tests import factories


def edit_url(entry) -> str:
    return reverse("roster_entry_edit", args=[entry.campaign_id, entry.pk])


def remove_url(entry) -> str:
    return reverse("roster_entry_remove", args=[entry.campaign_id, entry.pk])


@pytest.fixture
def site(campaign):
    return factories.site(campaign=campaign, name="Warehouse")


@pytest.fixture
def entry(committee, campaign, site):
    """Maria on Harbor's Floor 1, a picker, assessed a 2."""
    maria = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    placed = factories.on_roster(
        campaign=campaign,
        person=maria,
        unit=factories.unit(site=site, name="Floor 1"),
        title="Picker",
    )
    assessment_record(entry=placed, level=2, happened_at=timezone.now(), recorded_by=None)
    placed.refresh_from_db()
    return placed


# --- Placement -----------------------------------------------------------------------------------


def test_it_shows_the_placement_and_the_assessment_read_only(client, team_organizer, entry):
    client.force_login(team_organizer)

    response = client.get(edit_url(entry))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Maria Lopez" in page and 'value="Picker"' in page
    assert "2 · Supporter, will act publicly" in page
    assert 'name="assessment"' not in page


def test_it_moves_someone_to_another_unit_and_organizer(
    client, campaign, site, team_organizer, lead, entry
):
    dock = factories.unit(site=site, name="Dock")
    client.force_login(team_organizer)

    response = client.post(
        edit_url(entry),
        {
            "unit": dock.pk,
            "title": "Forklift driver",
            "shift": "Days",
            "is_leader": "on",
            "organizer": lead.pk,
            "assessment": "5",
        },
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert (entry.unit, entry.title, entry.shift) == (dock, "Forklift driver", "Days")
    assert entry.is_leader and entry.organizer == lead
    assert entry.assessment == 2, "only conversations change the assessment"


def test_it_goes_back_where_the_organizer_came_from(client, team_organizer, entry):
    client.force_login(team_organizer)
    person_page = reverse("person_detail", args=[entry.person_id])

    response = client.post(edit_url(entry), {"title": "Picker", "next": person_page})
    evil = client.post(edit_url(entry), {"title": "Picker", "next": "https://evil.example/"})

    assert response["Location"] == person_page
    assert "evil" not in evil["Location"]


def test_it_refuses_an_organizer_off_the_team_or_a_unit_of_another_campaign(
    client, committee, team_organizer, outside_organizer, entry
):
    elsewhere = factories.unit(
        site=factories.site(campaign=factories.campaign(committee=committee)), name="Elsewhere"
    )
    client.force_login(team_organizer)

    response = client.post(
        edit_url(entry), {"unit": elsewhere.pk, "organizer": outside_organizer.pk, "title": "X"}
    )

    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"unit", "organizer"}
    assert 'value="X"' in response.content.decode()
    entry.refresh_from_db()
    assert entry.title == "Picker"


@pytest.mark.parametrize("persona", ["outside_organizer", "member", "outsider"])
def test_it_hides_the_entry_from_outside(client, entry, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(edit_url(entry)).status_code == 404
    assert client.post(edit_url(entry), {"title": "Spy"}).status_code == 404
    assert client.post(remove_url(entry), {"reason": "moved"}).status_code == 404
    entry.refresh_from_db()
    assert entry.title == "Picker" and entry.removed_at is None


def test_it_hides_an_entry_of_another_campaign_under_this_one(
    client, committee, campaign, lead, entry
):
    oak = factories.campaign(committee=committee, code_name="Oak")
    client.force_login(lead)

    url = reverse("roster_entry_edit", args=[oak.pk, entry.pk])

    assert client.get(url).status_code == 404


# --- Taking someone off the roster ---------------------------------------------------------------


def test_it_takes_someone_off_with_a_reason_and_records_it(
    client, campaign, lead, team_organizer, entry
):
    client.force_login(team_organizer)

    response = client.post(remove_url(entry), {"reason": "moved"})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.removed_at is not None and entry.removed_reason == "Moved away"
    assert entry.assessments.count() == 1, "the history stays"
    event = AuditEvent.objects.get()
    assert (event.kind, event.subject_id, event.campaign_id, event.actor) == (
        AuditEvent.Kind.DELETE,
        entry.pk,
        campaign.pk,
        team_organizer,
    )
    person_url = reverse("person_detail", args=[entry.person_id])
    assert client.get(person_url).status_code == 404, "off the roster: no longer theirs to read"
    client.force_login(lead)
    assert "Moved away" in client.get(person_url).content.decode()


def test_it_keeps_a_reason_typed_in_other(client, team_organizer, entry):
    client.force_login(team_organizer)

    client.post(remove_url(entry), {"reason": "other", "other": "Promoted to manager"})

    entry.refresh_from_db()
    assert entry.removed_reason == "Promoted to manager"


def test_it_asks_for_the_words_when_the_reason_is_other(client, team_organizer, entry):
    client.force_login(team_organizer)

    missing = client.post(remove_url(entry), {"reason": "other", "other": "  "})
    nothing = client.post(remove_url(entry), {})

    assert missing.status_code == 422 and nothing.status_code == 422
    assert re.search(r'<input[^>]*value="other"[^>]*checked', missing.content.decode())
    assert "Say why they are leaving the roster." in missing.content.decode()
    entry.refresh_from_db()
    assert entry.removed_at is None


def test_it_marks_someone_who_asked_not_to_be_contacted_everywhere(client, team_organizer, entry):
    client.force_login(team_organizer)

    client.post(remove_url(entry), {"reason": "do_not_contact"})

    entry.person.refresh_from_db()
    assert entry.person.do_not_contact
    assert entry.person.do_not_contact_reason == "Asked not to be contacted"


def test_it_lets_them_back_on_the_roster_later(client, campaign, lead, team_organizer, entry):
    """A lead puts them back (their organizer, who no longer sees them, would get a new record
    and the lead a possible duplicate: tests/people/test_possible_duplicates.py)."""
    PersonEmail.objects.create(person=entry.person, email="maria@example.org")
    client.force_login(team_organizer)
    client.post(remove_url(entry), {"reason": "quit"})
    client.force_login(lead)

    client.post(
        reverse("roster_add", args=[campaign.pk]),
        {"given_name": "Maria", "email": "Maria@Example.org"},
    )

    entries = RosterEntry.objects.filter(campaign=campaign, person=entry.person)
    assert entries.count() == 2 and entries.filter(removed_at=None).count() == 1


def test_it_changes_nothing_on_an_entry_already_removed(client, team_organizer, entry):
    client.force_login(team_organizer)
    client.post(remove_url(entry), {"reason": "quit"})
    entry.refresh_from_db()

    again = client.post(remove_url(entry), {"reason": "moved"})
    edit = client.post(edit_url(entry), {"title": "Manager"})

    assert again.status_code == 302 and edit.status_code == 409
    entry.refresh_from_db()
    assert entry.removed_reason == "Quit or left" and entry.title == "Picker"
    assert AuditEvent.objects.count() == 1
