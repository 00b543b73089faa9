"""Adding someone to a roster: one short form, and one human stays one record.

A known email (any case) or phone (any format) reuses the committee's person; someone already on
the roster is left alone; someone taken off earlier comes back with a new entry.
"""

import pytest
from django.urls import NoReverseMatch, reverse

from campaigns.models import RosterEntry
from campaigns.people.services import person_create_on_roster
from campaigns.roster.services import roster_remove
from members.models import Person, PersonEmail, PersonPhone
from tests import factories


def add_url(campaign, **query) -> str:
    url = reverse("roster_add", args=[campaign.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


@pytest.fixture
def floor(campaign):
    site = factories.site(campaign=campaign, name="Warehouse")
    return factories.unit(site=site, name="Floor 1")


@pytest.fixture
def maria(committee):
    """Maria Lopez, known to the committee (from another campaign) by her email and phone."""
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    PersonEmail.objects.create(person=person, email="Maria.Lopez@example.org", is_primary=True)
    PersonPhone.objects.create(person=person, number="+14155552671", is_primary=True)
    return person


# --- The service ---------------------------------------------------------------------------------


def test_it_creates_a_person_with_their_channels_on_the_roster(
    lead, campaign, floor, team_organizer
):
    result = person_create_on_roster(
        campaign=campaign,
        by=lead,
        given_name="Ana",
        family_name="Ruiz",
        phone="+12125550199",
        email="ana@example.org",
        unit=floor,
        title="Picker",
        shift="Nights",
        is_leader=True,
        organizer=team_organizer,
    )

    assert result.person_created and result.entry_created
    entry = RosterEntry.objects.get(person__given_name="Ana")
    assert (entry.unit, entry.title, entry.shift) == (floor, "Picker", "Nights")
    assert entry.is_leader and entry.organizer == team_organizer
    assert entry.assessment is None
    assert list(entry.person.phones.values_list("number", "is_primary")) == [("+12125550199", True)]
    assert list(entry.person.emails.values_list("email", "is_primary")) == [
        ("ana@example.org", True)
    ]


def test_it_reuses_the_person_with_the_same_email_in_another_case(lead, campaign, maria):
    result = person_create_on_roster(
        campaign=campaign, by=lead, given_name="María", email="MARIA.LOPEZ@EXAMPLE.ORG"
    )

    assert result.person == maria and not result.person_created and result.entry_created
    assert Person.objects.count() == 1
    assert maria.emails.count() == 1, "no second copy of the same email"


def test_it_reuses_the_person_with_the_same_phone_typed_another_way(lead, campaign, maria):
    from members.phones import phone_normalize

    result = person_create_on_roster(
        campaign=campaign, by=lead, given_name="Maria", phone=phone_normalize("(415) 555-2671")
    )

    assert result.person == maria and not result.person_created
    assert list(maria.phones.values_list("number", flat=True)) == ["+14155552671"]


def test_it_adds_the_new_phone_to_the_person_found_by_email(lead, campaign, maria):
    person_create_on_roster(
        campaign=campaign,
        by=lead,
        given_name="Maria",
        email="maria.lopez@example.org",
        phone="+14155550101",
    )

    numbers = dict(maria.phones.values_list("number", "is_primary"))
    assert numbers == {"+14155552671": True, "+14155550101": False}


def test_it_changes_nothing_for_someone_already_on_the_roster(lead, campaign, floor, maria):
    entry = factories.on_roster(campaign=campaign, person=maria, title="Driver")

    result = person_create_on_roster(
        campaign=campaign,
        by=lead,
        given_name="Maria",
        email="maria.lopez@example.org",
        phone="+14155550101",
        unit=floor,
        title="Picker",
    )

    assert result.entry == entry and not result.entry_created
    entry.refresh_from_db()
    assert (entry.unit, entry.title) == (None, "Driver")
    assert maria.phones.count() == 1, "not even the new phone is added"


def test_it_puts_back_someone_taken_off_earlier_with_a_new_entry(lead, campaign, maria):
    old = factories.on_roster(campaign=campaign, person=maria)
    roster_remove(entry=old, reason="Moved away")

    result = person_create_on_roster(
        campaign=campaign, by=lead, given_name="Maria", phone="+14155552671"
    )

    assert result.entry_created and result.entry != old
    assert RosterEntry.objects.filter(campaign=campaign, person=maria).count() == 2
    old.refresh_from_db()
    assert old.removed_at is not None, "the old entry stays in the history"


def test_it_never_reuses_a_person_of_another_committee(lead, campaign, other_committee):
    stranger = factories.person(committee=other_committee, given_name="Maria")
    PersonEmail.objects.create(person=stranger, email="maria@example.org")

    result = person_create_on_roster(
        campaign=campaign, by=lead, given_name="Maria", email="maria@example.org"
    )

    assert result.person_created and result.person != stranger


def test_it_prefers_the_email_match_over_a_shared_phone(lead, campaign, committee, maria):
    household = factories.person(committee=committee, given_name="Jose", family_name="Lopez")
    PersonPhone.objects.create(person=household, number="+13125550188")

    result = person_create_on_roster(
        campaign=campaign,
        by=lead,
        given_name="Maria",
        email="maria.lopez@example.org",
        phone="+13125550188",
    )

    assert result.person == maria


# --- The page ------------------------------------------------------------------------------------


def test_it_shows_a_team_organizer_the_form_with_the_unit_and_themselves_chosen(
    client, campaign, floor, team_organizer
):
    client.force_login(team_organizer)

    response = client.get(add_url(campaign, unit=floor.pk))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["unit"].value() == floor.pk
    assert form["organizer"].value() == team_organizer.pk
    page = response.content.decode()
    assert "Warehouse › Floor 1" in page
    assert "Job title" in page and "Shift" in page


def test_it_labels_the_title_apartment_on_a_tenant_campaign(client, committee, lead):
    tenants = factories.campaign(committee=committee, code_name="Elm", kind="tenant")
    client.force_login(lead)

    page = client.get(add_url(tenants)).content.decode()

    assert "Apartment" in page
    assert "Job title" not in page and 'name="shift"' not in page


def test_it_ignores_a_unit_of_another_campaign(client, committee, campaign, team_organizer):
    other = factories.unit(
        site=factories.site(campaign=factories.campaign(committee=committee)), name="X"
    )
    client.force_login(team_organizer)

    response = client.get(add_url(campaign, unit=other.pk))

    assert response.status_code == 200
    assert response.context["form"]["unit"].value() is None
    assert "X</option>" not in response.content.decode()


def test_it_leaves_the_organizer_blank_for_a_committee_lead_off_the_team(client, campaign, lead):
    client.force_login(lead)

    response = client.get(add_url(campaign))

    assert response.context["form"]["organizer"].value() is None


def test_it_adds_someone_and_says_so(client, campaign, floor, team_organizer):
    client.force_login(team_organizer)

    response = client.post(
        add_url(campaign),
        {
            "given_name": "Ana",
            "family_name": "Ruiz",
            "phone": "(212) 555-0199",
            "email": "ana@example.org",
            "unit": floor.pk,
            "title": "Picker",
            "organizer": team_organizer.pk,
        },
        follow=True,
    )

    entry = RosterEntry.objects.get(campaign=campaign, person__given_name="Ana")
    assert entry.unit == floor and entry.organizer == team_organizer
    assert entry.person.phones.get().number == "+12125550199"
    assert "Ana Ruiz is on the roster." in response.content.decode()


def test_it_tells_a_lead_when_the_committee_already_knew_the_person(client, campaign, lead, maria):
    client.force_login(lead)

    response = client.post(
        add_url(campaign), {"given_name": "Maria", "phone": "415.555.2671"}, follow=True
    )

    assert Person.objects.count() == 1
    assert RosterEntry.objects.get(campaign=campaign).person == maria
    assert (
        "Maria Lopez was already in the committee&#x27;s records: added to this roster."
        in response.content.decode()
    )


def test_it_says_so_when_they_are_already_on_the_roster(client, campaign, team_organizer, maria):
    factories.on_roster(campaign=campaign, person=maria)
    client.force_login(team_organizer)

    response = client.post(
        add_url(campaign), {"given_name": "Maria", "email": "maria.lopez@example.org"}, follow=True
    )

    assert RosterEntry.objects.filter(campaign=campaign).count() == 1
    assert "Maria Lopez is already on this roster: nothing changed." in response.content.decode()


def test_it_goes_to_the_new_persons_page_or_the_chart_after_adding(
    client, campaign, team_organizer
):
    client.force_login(team_organizer)

    response = client.post(add_url(campaign), {"given_name": "Ana"})

    person = Person.objects.get(given_name="Ana")
    try:
        expected = reverse("campaign_chart", args=[campaign.pk])
    except NoReverseMatch:  # the chart may not exist yet
        expected = reverse("person_detail", args=[person.pk])
    assert response.status_code == 302 and response["Location"] == expected


def test_it_returns_to_a_fresh_form_for_the_same_unit_to_add_another(
    client, campaign, floor, team_organizer
):
    client.force_login(team_organizer)

    response = client.post(
        add_url(campaign), {"given_name": "Ana", "unit": floor.pk, "another": "1"}
    )

    assert response.status_code == 302
    assert response["Location"] == add_url(campaign, unit=floor.pk)


def test_it_keeps_everything_typed_when_the_phone_is_wrong(client, campaign, floor, team_organizer):
    client.force_login(team_organizer)

    response = client.post(
        add_url(campaign),
        {
            "given_name": "Ana",
            "family_name": "Ruiz",
            "phone": "12",
            "email": "ana@example.org",
            "unit": floor.pk,
            "title": "Picker",
            "shift": "Nights",
        },
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "is not a phone number" in page or "not a valid phone number" in page
    for typed in ['value="Ana"', 'value="Ruiz"', 'value="12"', 'value="ana@example.org"']:
        assert typed in page
    assert 'value="Picker"' in page and 'value="Nights"' in page
    assert f'<option value="{floor.pk}" selected>' in page
    assert not Person.objects.exists()


def test_it_refuses_a_bad_email_and_an_organizer_off_the_team(
    client, campaign, team_organizer, outside_organizer
):
    client.force_login(team_organizer)

    response = client.post(
        add_url(campaign),
        {"given_name": "Ana", "email": "not-an-email", "organizer": outside_organizer.pk},
    )

    assert response.status_code == 422
    form = response.context["form"]
    assert set(form.errors) == {"email", "organizer"}
    assert not Person.objects.exists()


def test_it_answers_htmx_with_the_form_or_a_redirect(client, campaign, team_organizer):
    client.force_login(team_organizer)

    bad = client.post(add_url(campaign), {"given_name": ""}, headers={"HX-Request": "true"})
    good = client.post(add_url(campaign), {"given_name": "Ana"}, headers={"HX-Request": "true"})

    assert bad.status_code == 422
    assert bad.content.decode().lstrip().startswith("<form")
    assert good.status_code == 200 and good["HX-Redirect"]


@pytest.mark.parametrize("persona", ["outside_organizer", "member", "outsider"])
def test_it_hides_the_form_from_anyone_off_the_campaign(client, campaign, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(add_url(campaign)).status_code == 404
    assert client.post(add_url(campaign), {"given_name": "Ana"}).status_code == 404
    assert not Person.objects.exists()
