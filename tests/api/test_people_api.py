"""/api/v2/people over HTTP, as an Action Network client reads it: the collection's shape,
paging to an empty page, filters, one person, and a token's scope (outside it: 404)."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone

from campaigns.api.tokens import token_create
from campaigns.models import RosterEntry
from members.models import AuditEvent, Person, PersonEmail, PersonPhone
from tests import factories
from tests.test_translations import english_on

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://testserver/api/v2"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def people(committee, campaign):
    """Three people on Harbor's roster, one only on Oak's, one in another committee."""
    oak = factories.campaign(committee=committee, code_name="Oak")
    harbor = []
    for name in ["Ana", "Ben", "Cruz"]:
        person = factories.person(committee=committee, given_name=name, family_name="Diaz")
        PersonEmail.objects.create(person=person, email=f"{name.lower()}@example.org")
        factories.on_roster(campaign=campaign, person=person)
        harbor.append(person)
    dee = factories.person(committee=committee, given_name="Dee", family_name="Oak")
    factories.on_roster(campaign=oak, person=dee)
    factories.person(committee=factories.committee(name="Elsewhere"), given_name="Eve")
    return {"harbor": harbor, "dee": dee, "oak": oak}


def api(client, token: str, path: str, **query):
    return client.get(f"/api/v2/{path}", query, headers={"OSDI-API-Token": token})


def a_token(committee, lead, campaigns=()) -> str:
    return token_create(
        committee=committee, name="Sync", access="read", extras=[], campaigns=campaigns, by=lead
    )[1]


def test_the_collection_has_action_networks_shape_with_our_public_ids(
    client, committee, lead, people
):
    response = api(client, a_token(committee, lead), "people")

    assert response.status_code == 200
    page = response.json()
    assert list(page) == list(fixture("people_collection.json"))
    assert page["total_records"] == 4 and page["total_pages"] == 1
    embedded = page["_embedded"]["osdi:people"]
    assert {person["given_name"] for person in embedded} == {"Ana", "Ben", "Cruz", "Dee"}
    ana = next(person for person in embedded if person["given_name"] == "Ana")
    public_id = str(Person.objects.get(given_name="Ana").public_id)
    assert ana["identifiers"] == [f"majority:{public_id}"]
    assert ana["_links"]["self"]["href"] == f"{BASE}/people/{public_id}"
    assert set(fixture("person.json")) >= set(ana) - {"custom_fields", "family_name", "given_name"}
    assert page["_links"]["self"]["href"] == f"{BASE}/people"
    assert not page["_links"]["self"]["href"].endswith("/")


def test_a_client_pages_until_an_empty_page_keeping_its_page_size(client, committee, lead, people):
    token = a_token(committee, lead)

    first = api(client, token, "people", per_page=3).json()
    second = client.get(first["_links"]["next"]["href"], headers={"OSDI-API-Token": token})
    past = api(client, token, "people", per_page=3, page=3)

    assert first["_links"]["next"]["href"] == f"{BASE}/people?page=2&per_page=3"
    assert len(first["_embedded"]["osdi:people"]) == 3
    assert len(second.json()["_embedded"]["osdi:people"]) == 1
    assert "next" not in second.json()["_links"]
    assert past.status_code == 200 and past.json()["_embedded"]["osdi:people"] == []


def test_a_campaign_token_sees_its_campaigns_people_only(client, committee, lead, people):
    token = a_token(committee, lead, campaigns=[people["oak"]])

    page = api(client, token, "people").json()
    outside = api(client, token, f"people/{people['harbor'][0].public_id}")
    inside = api(client, token, f"people/{people['dee'].public_id}/")

    assert [person["given_name"] for person in page["_embedded"]["osdi:people"]] == ["Dee"]
    assert outside.status_code == 404 and outside.json() == {"error": "Not found."}
    assert inside.status_code == 200 and inside.json()["given_name"] == "Dee"


def test_a_sync_fetches_only_who_changed_and_finds_a_person_by_email(
    client, committee, lead, people
):
    token = a_token(committee, lead)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Person.objects.exclude(given_name="Ben").update(updated_at=long_ago, created_at=long_ago)
    RosterEntry.objects.exclude(person__given_name="Ben").update(added_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()

    changed = api(client, token, "people", filter=f"modified_date gt '{since}'").json()
    found = api(client, token, "people", filter="email_address eq 'CRUZ@example.org'").json()

    assert [p["given_name"] for p in changed["_embedded"]["osdi:people"]] == ["Ben"]
    assert f"filter=modified_date%20gt%20%27{since}%27" in changed["_links"]["self"]["href"]
    assert [p["given_name"] for p in found["_embedded"]["osdi:people"]] == ["Cruz"]


@pytest.mark.parametrize(
    "query",
    [{"filter": "modified_date gt 2024"}, {"filter": "given_name eq 'Ana'"}, {"page": "two"}],
)
def test_a_query_it_cannot_read_is_a_400_saying_why(client, committee, lead, people, query):
    response = api(client, a_token(committee, lead), "people", **query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/hal+json"
    assert response.json()["error"]


def test_an_error_is_in_the_callers_language(client, committee, lead, people):
    token = a_token(committee, lead)
    query = {"filter": "given_name eq 'Ana'"}
    headers = {"OSDI-API-Token": token}

    english = client.get("/api/v2/people", query, headers={**headers, "Accept-Language": "en"})
    spanish = client.get("/api/v2/people", query, headers={**headers, "Accept-Language": "es"})
    unauthorized = client.get("/api/v2/people", headers={"Accept-Language": "es"})
    unauthorized_en = client.get("/api/v2/people", headers={"Accept-Language": "en"})

    assert english.status_code == spanish.status_code == 400
    assert english.json()["error"] != spanish.json()["error"]
    assert english_on(spanish.json()["error"]) == []
    # Django REST framework's own words, in its own Spanish
    assert unauthorized.json()["error"] != unauthorized_en.json()["error"]


def test_each_page_read_is_audited_with_its_count(client, committee, lead, people):
    api(client, a_token(committee, lead), "people", per_page=2, page=2)

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.API)
    assert (event.count, event.detail["page"], event.detail["path"]) == (2, "2", "/api/v2/people")


def test_a_person_is_found_by_phone_as_action_network_writes_numbers(
    client, committee, lead, people
):
    ana = people["harbor"][0]
    PersonPhone.objects.create(person=ana, number="+12025550143")

    found = api(client, a_token(committee, lead), "people", filter="phone_number eq '12025550143'")

    assert [p["given_name"] for p in found.json()["_embedded"]["osdi:people"]] == ["Ana"]


def test_a_contact_change_or_a_move_in_the_app_moves_the_modified_date(
    client, committee, campaign, lead, people
):
    from campaigns.people.services import person_contact_update, roster_entry_update

    token = a_token(committee, lead)
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Person.objects.update(updated_at=long_ago, created_at=long_ago)
    RosterEntry.objects.update(added_at=long_ago)
    ana, ben = people["harbor"][:2]
    unit = factories.unit(site=factories.site(campaign=campaign), name="Receiving")
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()

    person_contact_update(person=ana, new_email="ana.diaz@example.org")
    entry = RosterEntry.objects.get(person=ben, campaign=campaign)
    roster_entry_update(entry=entry, unit=unit, title="", shift="", is_leader=False, organizer=None)

    changed = api(client, token, "people", filter=f"modified_date gt '{since}'").json()
    assert sorted(p["given_name"] for p in changed["_embedded"]["osdi:people"]) == ["Ana", "Ben"]
