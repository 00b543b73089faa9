"""Every attempt to find someone by email or phone is on the audit record (who, how many found,
never what was typed) and counted: past the hourly limit the form says so and keeps what was
typed. Walk-ins at the door follow the same rule as the roster's Add form."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Action, PossibleDuplicate
from members.models import AuditEvent, Person, PersonEmail
from tests import factories


@pytest.fixture
def maria(committee, outside_organizer):
    """On Oak's roster (outside_organizer's campaign), not Harbor's."""
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    PersonEmail.objects.create(person=person, email="maria@example.org", is_primary=True)
    factories.on_roster(campaign=outside_organizer.campaign_roles.get().campaign, person=person)
    return person


def add(client, campaign, **data):
    return client.post(reverse("roster_add", args=[campaign.pk]), data)


def test_it_records_who_tried_and_how_many_were_found_never_what_was_typed(
    client, campaign, team_organizer, maria
):
    client.force_login(team_organizer)

    add(client, campaign, given_name="Anyone", email="maria@example.org")
    add(client, campaign, given_name="Bo", phone="(312) 555-0100")
    add(client, campaign, given_name="Cy")  # no email, no phone: nothing is looked up

    events = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.MATCH).order_by("pk"))
    assert [(e.actor, e.campaign_id, e.count) for e in events] == [
        (team_organizer, campaign.pk, 1),
        (team_organizer, campaign.pk, 0),
    ]
    assert events[0].detail == {"by": ["email"], "hidden": True}
    recorded = str([(e.detail, e.subject_id) for e in events])
    assert "maria" not in recorded and "555" not in recorded


def test_it_tells_a_lead_what_each_attempt_found(client, campaign, lead, team_organizer, maria):
    client.force_login(team_organizer)
    add(client, campaign, given_name="Anyone", email="maria@example.org")
    client.force_login(lead)

    page = client.get(reverse("audit_log", args=[campaign.committee_id])).content.decode()

    assert "found a person they may not see" in page


def test_it_refuses_past_the_hourly_limit_and_keeps_what_was_typed(
    client, settings, campaign, team_organizer
):
    settings.PERSON_MATCH_PER_HOUR = 2
    client.force_login(team_organizer)
    for number in range(2):
        assert add(client, campaign, given_name="A", phone=f"312555010{number}").status_code == 302

    refused = add(client, campaign, given_name="Dee", email="dee@example.org")

    assert refused.status_code == 429 and refused["Retry-After"]
    page = refused.content.decode()
    assert "You have added many people by email or phone in the last hour" in page
    assert 'value="Dee"' in page and 'value="dee@example.org"' in page
    assert not Person.objects.filter(given_name="Dee").exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MATCH).count() == 2
    assert add(client, campaign, given_name="Eve").status_code == 302, "a name alone still works"


# --- Walk-ins ------------------------------------------------------------------------------------


@pytest.fixture
def action(committee, campaign, lead):
    starts = timezone.now() - timedelta(minutes=10)
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="General meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        created_by=lead,
    )


def walk_in(client, action, **data):
    return client.post(reverse("action_walk_in", args=[action.pk]), data)


def test_a_walk_in_with_the_email_of_someone_not_theirs_is_someone_new(
    client, campaign, team_organizer, maria, action
):
    client.force_login(team_organizer)

    response = walk_in(client, action, given_name="Anyone", email="maria@example.org")

    assert response.status_code == 302
    new = Person.objects.get(given_name="Anyone")
    assert new.rsvps.get(action=action).attended
    assert not maria.rsvps.exists() and not maria.roster_entries.filter(campaign=campaign)
    assert (PossibleDuplicate.objects.get().person, PossibleDuplicate.objects.get().existing) == (
        new,
        maria,
    )
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.MATCH).count == 1


def test_a_walk_in_past_the_limit_is_refused_with_the_form_kept(
    client, settings, team_organizer, action
):
    settings.PERSON_MATCH_PER_HOUR = 0
    client.force_login(team_organizer)

    response = walk_in(client, action, given_name="Gus", phone="3125550111")

    assert response.status_code == 422
    page = response.content.decode()
    assert "in the last hour" in page and 'value="Gus"' in page
    assert not Person.objects.filter(given_name="Gus").exists()
