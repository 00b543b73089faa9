"""What a team sees of a person comes from its own campaigns only.

Maria is on two rosters: Harbor (Nina organizes) and Oak (Omar organizes). Each team keeps its
own notes about her and sees the emails and phones it added, plus those a lead or Maria added;
never the other team's. The committee's leads see everything, and keep notes of their own.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from campaigns.models import PersonNote
from members.models import Person, PersonEmail, PersonPhone
from tests import factories

HTMX = {"HX-Request": "true"}


@pytest.fixture
def oak(outside_organizer):
    return outside_organizer.campaign_roles.get().campaign


@pytest.fixture
def maria(committee, campaign, oak):
    person = factories.person(
        committee=committee, given_name="Maria", family_name="Lopez", notes="Leads: her cousin"
    )
    factories.on_roster(campaign=campaign, person=person)
    factories.on_roster(campaign=oak, person=person)
    PersonNote.objects.create(person=person, campaign=campaign, text="Harbor: night shift ally")
    PersonNote.objects.create(person=person, campaign=oak, text="Oak: 4B, fears retaliation")
    PersonPhone.objects.create(person=person, number="+14155552671", is_primary=True)  # shared
    PersonPhone.objects.create(person=person, number="+13125550177", campaign_id=oak.pk)
    PersonEmail.objects.create(person=person, email="maria@oak.example", campaign_id=oak.pk)
    return person


def page(client, user, person) -> str:
    client.force_login(user)
    return client.get(reverse("person_detail", args=[person.pk])).content.decode()


def test_each_team_reads_only_its_own_notes_and_contact_details(
    client, team_organizer, outside_organizer, maria
):
    harbor = page(client, team_organizer, maria)
    oak = page(client, outside_organizer, maria)

    assert "Harbor: night shift ally" in harbor and "(415) 555-2671" in harbor
    for leak in ["Oak: 4B", "(312) 555-0177", "maria@oak.example", "her cousin"]:
        assert leak not in harbor, f"{leak!r} of Oak's or the leads' leaked to Harbor"
    assert "Oak: 4B" in oak and "(312) 555-0177" in oak and "maria@oak.example" in oak
    assert "Harbor: night shift ally" not in oak and "her cousin" not in oak


def test_a_lead_reads_every_campaigns_notes_and_the_committees(client, lead, maria):
    text = page(client, lead, maria)

    for seen in ["Harbor: night shift ally", "Oak: 4B", "Leads: her cousin", "maria@oak.example"]:
        assert seen in text
    assert "Committee notes (leads only)" in text


def test_the_contact_form_offers_an_organizer_only_what_they_see(
    client, team_organizer, oak, maria
):
    client.force_login(team_organizer)
    url = reverse("person_edit_contact", args=[maria.pk])
    hidden = maria.phones.get(campaign_id=oak.pk)

    form = client.get(url, headers=HTMX).content.decode()
    refused = client.post(url, {"remove_phones": [hidden.pk]})
    client.post(url, {"new_phone": "312 555 0199"})

    assert "(312) 555-0177" not in form and "maria@oak.example" not in form
    assert refused.status_code == 422
    assert maria.phones.filter(pk=hidden.pk).exists(), "not theirs to remove"
    added = maria.phones.get(number="+13125550199")
    assert added.campaign_id == maria.roster_entries.get(campaign__code_name="Harbor").campaign_id
    assert not added.is_primary


def test_an_organizer_writes_their_campaigns_notes_never_the_committees(
    client, campaign, oak, team_organizer, maria
):
    client.force_login(team_organizer)
    url = reverse("person_edit_notes", args=[maria.pk])

    form = client.get(url, headers=HTMX).content.decode()
    client.post(
        url,
        {f"note_{campaign.pk}": "Wants to host", f"note_{oak.pk}": "X", "notes": "Y"},
    )

    assert "Oak: 4B" not in form and "her cousin" not in form
    notes = dict(PersonNote.objects.filter(person=maria).values_list("campaign_id", "text"))
    assert notes == {campaign.pk: "Wants to host", oak.pk: "Oak: 4B, fears retaliation"}
    assert Person.objects.get(pk=maria.pk).notes == "Leads: her cousin"


def test_what_an_organizer_types_on_the_add_form_is_their_campaigns(
    client, campaign, team_organizer
):
    client.force_login(team_organizer)

    client.post(
        reverse("roster_add", args=[campaign.pk]),
        {"given_name": "Ana", "phone": "312 555 0100", "email": "ana@example.org"},
    )

    ana = Person.objects.get(given_name="Ana")
    assert [p.campaign_id for p in ana.phones.all()] == [campaign.pk]
    assert [e.campaign_id for e in ana.emails.all()] == [campaign.pk]


def test_a_merge_puts_both_records_notes_of_one_campaign_together(committee, campaign, lead, maria):
    from campaigns.people.services import person_merge

    twin = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    PersonNote.objects.create(person=twin, campaign=campaign, text="Signed a card")

    person_merge(survivor=maria, duplicate=twin, choices={}, actor=lead)

    note = PersonNote.objects.get(person=maria, campaign=campaign)
    assert note.text == "Harbor: night shift ally\n\nSigned a card"


# --- The data migration ---------------------------------------------------------------------


def test_the_migration_gives_one_campaigns_notes_to_it_and_keeps_the_rest_for_leads(
    committee, campaign, oak
):
    migration = importlib.import_module(
        "campaigns.migrations.0013_person_notes_and_channels_by_campaign"
    )
    only_harbor = factories.person(committee=committee, given_name="Ana", notes="Harbor's")
    factories.on_roster(campaign=campaign, person=only_harbor)
    PersonPhone.objects.create(person=only_harbor, number="+13125550100", is_primary=True)
    both = factories.person(committee=committee, given_name="Bo", notes="Whose?")
    factories.on_roster(campaign=campaign, person=both)
    factories.on_roster(campaign=oak, person=both)
    PersonEmail.objects.create(person=both, email="bo@example.org", is_primary=True)

    migration.forwards(apps, None)

    only_harbor.refresh_from_db()
    both.refresh_from_db()
    assert only_harbor.notes == "" and PersonNote.objects.get(person=only_harbor).text == (
        "Harbor's"
    )
    assert only_harbor.phones.get().campaign_id == campaign.pk
    assert both.notes == "Whose?" and not PersonNote.objects.filter(person=both).exists()
    assert both.emails.get().campaign_id is None


def test_only_a_lead_chooses_the_primary_phone(client, lead, team_organizer, maria):
    url = reverse("person_edit_contact", args=[maria.pk])
    primary = maria.phones.get(is_primary=True)
    client.force_login(team_organizer)
    client.post(url, {"new_phone": "312 555 0199"})
    added = maria.phones.get(number="+13125550199")

    form = client.get(url, headers=HTMX).content.decode()
    client.post(url, {"primary_phone": added.pk})

    assert 'name="primary_phone"' not in form
    assert maria.phones.get(is_primary=True) == primary
    client.force_login(lead)
    client.post(url, {"primary_phone": added.pk})
    assert maria.phones.get(is_primary=True) == added
