"""Adding someone whose email or phone is a person the organizer may not see.

Maria Lopez is on Oak's roster, with Oak's note about her. Nina organizes Harbor, not Oak. When
Nina types Maria's email or phone on Harbor's Add form she must learn nothing: she is answered as
for anyone new, gets a new record, and the committee's lead finds a possible duplicate to merge
or dismiss.
"""

import pytest
from django.urls import reverse

from campaigns.models import PossibleDuplicate, RosterEntry
from members.models import AuditEvent, Person, PersonEmail, PersonPhone
from tests import factories


@pytest.fixture
def oak(outside_organizer):
    return outside_organizer.campaign_roles.get().campaign


@pytest.fixture
def maria(committee, oak):
    person = factories.person(
        committee=committee,
        given_name="Maria",
        family_name="Lopez",
        notes="4B, fears retaliation from Skyline",
    )
    PersonEmail.objects.create(person=person, email="maria@example.org", is_primary=True)
    PersonPhone.objects.create(person=person, number="+14155552671", is_primary=True)
    factories.on_roster(campaign=oak, person=person)
    return person


def add(client, campaign, **data):
    return client.post(reverse("roster_add", args=[campaign.pk]), data, follow=True)


@pytest.mark.parametrize(
    "typed", [{"email": "MARIA@example.org"}, {"phone": "(415) 555-2671"}], ids=["email", "phone"]
)
def test_it_answers_as_for_someone_new_when_the_match_is_not_theirs_to_see(
    client, campaign, team_organizer, maria, typed
):
    client.force_login(team_organizer)

    page = add(client, campaign, given_name="Anyone", **typed).content.decode()

    assert "Anyone is on the roster." in page
    assert "already in the committee" not in page and "Lopez" not in page
    new = Person.objects.get(given_name="Anyone")
    assert RosterEntry.objects.get(campaign=campaign).person == new
    assert not maria.roster_entries.filter(campaign=campaign).exists()
    assert client.get(reverse("person_detail", args=[maria.pk])).status_code == 404
    queued = PossibleDuplicate.objects.get()
    assert (queued.person, queued.existing, queued.campaign) == (new, maria, campaign)
    assert queued.created_by == team_organizer


def test_it_never_adds_what_the_organizer_typed_to_the_hidden_person(
    client, campaign, team_organizer, maria
):
    client.force_login(team_organizer)

    add(client, campaign, given_name="Anyone", email="maria@example.org", phone="+13125550100")

    assert list(maria.emails.values_list("email", flat=True)) == ["maria@example.org"]
    assert list(maria.phones.values_list("number", flat=True)) == ["+14155552671"]


def test_it_finds_their_own_record_when_they_add_the_same_email_again(
    client, campaign, team_organizer, maria
):
    client.force_login(team_organizer)
    add(client, campaign, given_name="Anyone", email="maria@example.org")

    page = add(client, campaign, given_name="Anyone", email="maria@example.org").content.decode()

    assert "Anyone is already on this roster: nothing changed." in page
    assert Person.objects.filter(given_name="Anyone").count() == 1
    assert PossibleDuplicate.objects.count() == 1


def test_it_reuses_a_person_the_organizer_already_sees_without_touching_their_primary(
    client, committee, campaign, oak, outside_organizer, team_organizer
):
    """Omar is on Oak's team and Harbor's: Luis, on Oak with a phone only, is his to see."""
    factories.on_team(campaign=campaign, user=outside_organizer)
    luis = factories.person(committee=committee, given_name="Luis")
    PersonPhone.objects.create(person=luis, number="+14155550123", is_primary=True)
    factories.on_roster(campaign=oak, person=luis)
    client.force_login(outside_organizer)

    page = add(
        client, campaign, given_name="Luis", phone="415-555-0123", email="omar@example.org"
    ).content.decode()

    assert "was already in the committee" in page
    assert RosterEntry.objects.get(campaign=campaign).person == luis
    assert list(luis.emails.values_list("email", "is_primary")) == [("omar@example.org", False)]
    assert not PossibleDuplicate.objects.exists()


# --- The lead's list ---------------------------------------------------------------------------


@pytest.fixture
def queued(client, campaign, team_organizer, maria):
    client.force_login(team_organizer)
    add(client, campaign, given_name="Anyone", email="maria@example.org")
    client.logout()
    return PossibleDuplicate.objects.get()


def test_it_lists_them_for_a_lead_with_a_way_to_compare_and_merge(client, lead, queued):
    client.force_login(lead)
    chart = client.get(reverse("campaign_chart", args=[queued.campaign_id])).content.decode()
    assert "1 possible duplicate waits for a lead" in chart

    page = client.get(reverse("possible_duplicates", args=[queued.committee_id]))

    text = page.content.decode()
    assert "Anyone" in text and "Maria Lopez" in text and "Same email." in text
    merge_url = reverse("person_merge", args=[queued.existing_id]) + f"?with={queued.person_id}"
    assert merge_url in text


def test_it_hides_the_list_and_the_count_from_organizers(client, campaign, team_organizer, queued):
    client.force_login(team_organizer)

    chart = client.get(reverse("campaign_chart", args=[campaign.pk])).content.decode()
    listing = client.get(reverse("possible_duplicates", args=[queued.committee_id]))

    assert "possible duplicate" not in chart
    assert listing.status_code == 403


def test_it_settles_the_match_when_the_lead_merges(client, lead, maria, queued):
    client.force_login(lead)

    response = client.post(
        reverse("person_merge", args=[maria.pk]),
        {"duplicate": queued.person_id, "choice_given_name": "survivor"},
    )

    assert response.status_code == 302

    assert not PossibleDuplicate.objects.exists()
    assert not Person.objects.filter(given_name="Anyone").exists()
    assert maria.roster_entries.filter(campaign=queued.campaign, removed_at=None).exists()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.MERGE, subject_id=maria.pk).exists()
    page = client.get(reverse("possible_duplicates", args=[queued.committee_id])).content.decode()
    assert "no possible duplicates are waiting" in page


def test_it_keeps_two_people_apart_when_the_lead_dismisses(client, lead, queued):
    client.force_login(lead)
    url = reverse("possible_duplicates", args=[queued.committee_id])

    page = client.post(url, {"duplicate": queued.pk}, follow=True).content.decode()

    assert "Dismissed: they stay two people." in page
    queued.refresh_from_db()
    assert queued.status == PossibleDuplicate.Status.DISMISSED and queued.resolved_by == lead
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.DUPLICATE)
    assert (event.actor, event.subject_id) == (lead, queued.person_id)
    assert "maria@example.org" not in str(event.detail)
    again = client.post(url, {"duplicate": queued.pk})
    assert again.status_code == 422
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DUPLICATE).count() == 1
