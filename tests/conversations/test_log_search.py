"""The "Log a one-on-one" search: finding the person across my campaigns by a misspelt name
or a phone number typed any way, and never anyone from a campaign I am not on."""

import pytest
from django.urls import reverse

from members.models import PersonPhone
from tests import factories


@pytest.fixture
def maria(committee, campaign):
    unit = factories.unit(site=factories.site(campaign=campaign), name="Receiving")
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    PersonPhone.objects.create(person=person, number="+13125550143", is_primary=True)
    return factories.on_roster(campaign=campaign, person=person, unit=unit)


@pytest.fixture
def others(committee, campaign):
    for given, family in [("Mario", "Bianchi"), ("Ben", "Cole"), ("Lopa", "Singh")]:
        person = factories.person(committee=committee, given_name=given, family_name=family)
        factories.on_roster(campaign=campaign, person=person)


def search(client, query: str, **headers):
    return client.get(reverse("log_search"), {"q": query}, headers=headers)


def names(response) -> list[str]:
    return [str(entry.person) for entry in response.context["results"]]


def test_it_finds_a_misspelt_name(client, team_organizer, maria, others):
    client.force_login(team_organizer)

    response = search(client, "Mria Lopes")

    assert names(response)[0] == "Maria Lopez"
    assert "Ben Cole" not in names(response)
    html = response.content.decode()
    assert "Harbor" in html and "Receiving" in html
    assert reverse("conversation_new", args=[maria.campaign_id, maria.person_id]) in html


def test_it_finds_names_starting_with_a_few_letters(client, team_organizer, maria, others):
    client.force_login(team_organizer)

    assert set(names(search(client, "lop"))) == {"Lopa Singh", "Maria Lopez"}


def test_it_finds_a_phone_typed_any_way(client, team_organizer, maria, others):
    client.force_login(team_organizer)

    assert names(search(client, "(312) 555-0143")) == ["Maria Lopez"]
    assert names(search(client, "+1 312 555 0143")) == ["Maria Lopez"]
    assert names(search(client, "555-0199")) == []


def test_an_organizer_of_another_campaign_does_not_find_harbor_people(
    client, outside_organizer, maria
):
    client.force_login(outside_organizer)

    assert names(search(client, "Maria Lopez")) == []
    assert names(search(client, "3125550143")) == []


def test_a_number_another_campaign_added_does_not_find_someone_we_share(
    client, team_organizer, outside_organizer, lead, maria
):
    """Maria is on both rosters; the number Oak's team added is Oak's to know: typing it on
    Harbor's side must not say whose it is."""
    oak = outside_organizer.campaign_roles.get().campaign
    factories.on_roster(campaign=oak, person=maria.person)
    PersonPhone.objects.create(person=maria.person, number="+17735550188", campaign_id=oak.pk)
    client.force_login(team_organizer)

    assert names(search(client, "773 555 0188")) == []
    assert names(search(client, "312 555 0143")) == ["Maria Lopez"], "a number not tagged"
    client.force_login(outside_organizer)
    assert names(search(client, "773 555 0188")) == ["Maria Lopez"]
    client.force_login(lead)
    assert "Maria Lopez" in names(search(client, "773 555 0188"))


def test_the_lead_finds_people_of_every_campaign(client, lead, maria):
    client.force_login(lead)

    assert names(search(client, "maria")) == ["Maria Lopez"]


def test_a_member_gets_404(client, member, maria):
    client.force_login(member)

    assert search(client, "Maria").status_code == 404


def test_htmx_gets_only_the_results(client, team_organizer, maria):
    client.force_login(team_organizer)

    response = search(client, "maria", **{"HX-Request": "true"})

    assert "Maria Lopez" in response.content.decode()
    assert "<html" not in response.content.decode()


def test_it_takes_a_few_queries_however_many_match(
    client, committee, campaign, team_organizer, django_assert_max_num_queries
):
    unit = factories.unit(site=factories.site(campaign=campaign), name="Dock")
    for n in range(30):
        person = factories.person(committee=committee, given_name="Maria", family_name=f"L{n}")
        factories.on_roster(campaign=campaign, person=person, unit=unit)
    client.force_login(team_organizer)

    with django_assert_max_num_queries(6):
        response = search(client, "Maria", **{"HX-Request": "true"})

    assert len(names(response)) == 20
