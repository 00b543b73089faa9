"""/api/v2/tags and taggings over HTTP, as an Action Network client uses them: the committee's
tags, a tag's taggings (only of people in the token's scope), a person's taggings, adding a
tagging by the person's link (again: the same tagging) and deleting it with Action Network's
notice; a read-only token may not write, and what it cannot read is 404."""

import datetime
import json
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from campaigns.api.tokens import token_create
from members.models import AuditEvent, Person, PersonTag, Tag
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://testserver/api/v2"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture
def world(committee, campaign):
    """Ana and Ben on Harbor's roster, Dee only on Oak's, all three tagged "Volunteers";
    another committee with its own tag."""
    oak = factories.campaign(committee=committee, code_name="Oak")
    volunteers = Tag.objects.create(committee=committee, name="Volunteers")
    night = Tag.objects.create(committee=committee, name="Night shift")
    people = {}
    for name, on in [("Ana", campaign), ("Ben", campaign), ("Dee", oak)]:
        person = factories.person(committee=committee, given_name=name)
        factories.on_roster(campaign=on, person=person)
        person.tags.add(volunteers)
        people[name] = person
    people["Ana"].tags.add(night)
    elsewhere = factories.committee(name="Elsewhere")
    Tag.objects.create(committee=elsewhere, name="Theirs")
    return {"oak": oak, "volunteers": volunteers, "night": night, **people}


def a_token(committee, lead, *, access="read", campaigns=()) -> str:
    return token_create(
        committee=committee, name="Sync", access=access, extras=[], campaigns=campaigns, by=lead
    )[1]


def get(client, token: str, path: str, **query):
    return client.get(f"/api/v2/{path}", query, headers={"OSDI-API-Token": token})


def post(client, token: str, path: str, body, content_type="application/json"):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        f"/api/v2/{path}", data, content_type=content_type, headers={"OSDI-API-Token": token}
    )


def delete(client, token: str, path: str):
    return client.delete(
        f"/api/v2/{path}",
        "null",
        content_type="application/json",
        headers={"OSDI-API-Token": token},
    )


def person_link(person: Person) -> dict:
    return {"_links": {"osdi:person": {"href": f"{BASE}/people/{person.public_id}"}}}


def taggings_of(client, token: str, tag: Tag) -> list[dict]:
    return get(client, token, f"tags/{tag.public_id}/taggings").json()["_embedded"]["osdi:taggings"]


def test_the_committees_tags_have_action_networks_shape(client, committee, lead, world):
    token = a_token(committee, lead)

    page = get(client, token, "tags").json()
    one = get(client, token, f"tags/{world['volunteers'].public_id}")

    assert sorted(tag["name"] for tag in page["_embedded"]["osdi:tags"]) == [
        "Night shift",
        "Volunteers",
    ]
    assert page["total_records"] == 2 and page["_links"]["self"]["href"] == f"{BASE}/tags"
    tag = one.json()
    assert one.status_code == 200 and one["Content-Type"] == "application/hal+json"
    expected = fixture("tag.json")
    assert list(tag) == list(expected)
    assert set(tag["_links"]) == set(expected["_links"])
    href = f"{BASE}/tags/{world['volunteers'].public_id}"
    assert tag["identifiers"] == [f"majority:{world['volunteers'].public_id}"]
    assert tag["_links"]["self"]["href"] == href
    assert tag["_links"]["osdi:taggings"]["href"] == f"{href}/taggings"
    assert tag["_links"]["curies"] == expected["_links"]["curies"]


def test_tags_page_until_an_empty_page(client, committee, lead, world):
    token = a_token(committee, lead)

    first = get(client, token, "tags", per_page=1).json()
    past = get(client, token, "tags", per_page=1, page=3).json()

    assert first["total_pages"] == 2
    assert first["_links"]["next"]["href"] == f"{BASE}/tags?page=2&per_page=1"
    assert past["_embedded"]["osdi:tags"] == []


def test_a_tags_taggings_link_to_the_tag_and_the_person(client, committee, lead, world):
    token = a_token(committee, lead)
    tag = world["volunteers"]

    page = get(client, token, f"tags/{tag.public_id}/taggings/").json()

    taggings = page["_embedded"]["osdi:taggings"]
    assert page["_links"]["self"]["href"] == f"{BASE}/tags/{tag.public_id}/taggings"
    people = {t["_links"]["osdi:person"]["href"] for t in taggings}
    assert people == {f"{BASE}/people/{world[n].public_id}" for n in ["Ana", "Ben", "Dee"]}
    tagging, documented = taggings[0], fixture("tagging.json")
    # The documented example's fields and links, all but the system's name
    assert set(tagging) == set(documented) - {"origin_system"}
    assert set(tagging["_links"]) == set(documented["_links"])
    assert tagging["item_type"] == documented["item_type"]
    assert tagging["_links"]["osdi:tag"]["href"] == f"{BASE}/tags/{tag.public_id}"
    self_href = tagging["_links"]["self"]["href"]
    assert self_href.startswith(f"{BASE}/tags/{tag.public_id}/taggings/")
    again = client.get(self_href, headers={"OSDI-API-Token": token})
    assert again.status_code == 200 and again.json()["identifiers"] == tagging["identifiers"]


def test_a_campaign_token_sees_every_tag_but_only_its_peoples_taggings(
    client, committee, lead, world
):
    token = a_token(committee, lead, campaigns=[world["oak"]])
    ana_tagging = taggings_of(client, a_token(committee, lead), world["night"])[0]

    tags = get(client, token, "tags").json()["_embedded"]["osdi:tags"]
    taggings = taggings_of(client, token, world["volunteers"])
    hidden = client.get(ana_tagging["_links"]["self"]["href"], headers={"OSDI-API-Token": token})
    anas = get(client, token, f"people/{world['Ana'].public_id}/taggings")

    assert len(tags) == 2
    assert [t["_links"]["osdi:person"]["href"] for t in taggings] == [
        f"{BASE}/people/{world['Dee'].public_id}"
    ]
    assert hidden.status_code == 404 and anas.status_code == 404


def test_another_committees_tag_is_not_found(client, committee, lead, world):
    theirs = Tag.objects.get(name="Theirs")

    response = get(client, a_token(committee, lead), f"tags/{theirs.public_id}/taggings")

    assert response.status_code == 404 and response.json() == {"error": "Not found."}


def test_a_persons_taggings_link_is_where_their_tags_are(client, committee, lead, world):
    token = a_token(committee, lead)
    person = get(client, token, f"people/{world['Ana'].public_id}").json()

    page = client.get(person["_links"]["osdi:taggings"]["href"], headers={"OSDI-API-Token": token})

    tags = {t["_links"]["osdi:tag"]["href"] for t in page.json()["_embedded"]["osdi:taggings"]}
    assert tags == {f"{BASE}/tags/{world[n].public_id}" for n in ["volunteers", "night"]}


def test_a_client_deletes_and_re_adds_a_tagging_under_the_same_id(client, committee, lead, world):
    token = a_token(committee, lead, access="write")
    tag, ana = world["night"], world["Ana"]
    long_ago = timezone.now() - datetime.timedelta(days=30)
    Person.objects.filter(pk=ana.pk).update(updated_at=long_ago)
    PersonTag.objects.filter(person=ana, tag=tag).update(created_at=long_ago)
    [tagging] = taggings_of(client, token, tag)
    tagging_path = tagging["_links"]["self"]["href"].removeprefix(f"{BASE}/")

    deleted = delete(client, token, tagging_path)
    gone = delete(client, token, tagging_path)
    added = post(client, token, f"tags/{tag.public_id}/taggings", person_link(ana))
    # action-network-rest sends the caller's own identifiers too: kept out, not refused.
    with_ids = {**person_link(ana), "identifiers": ["external_system:123"]}
    again = post(client, token, f"tags/{tag.public_id}/taggings/", with_ids)

    assert deleted.status_code == 200
    assert deleted.json() == {"notice": "This tagging was successfully deleted."}
    assert gone.status_code == 404
    assert added.status_code == 200 and again.status_code == 200
    assert added.json()["identifiers"] == again.json()["identifiers"] == tagging["identifiers"]
    assert set(ana.tags.all()) == {world["volunteers"], tag}
    ana.refresh_from_db()
    assert ana.updated_at > long_ago
    assert added.json()["modified_date"] > tagging["modified_date"]
    writes = AuditEvent.objects.filter(kind=AuditEvent.Kind.API, detail__action="write")
    assert sorted(e.detail["method"] for e in writes) == ["DELETE", "POST", "POST"]


def test_a_sync_by_modified_date_finds_the_new_tag_and_the_new_tagging_only(
    client, committee, lead, world
):
    """Tags and taggings are dated when they were made, not by anything else."""
    token = a_token(committee, lead)
    ana = world["Ana"]
    monday = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(monday, tick=False):
        Tag.objects.filter(committee=committee).update(created_at=monday)
        PersonTag.objects.filter(person__committee=committee).update(created_at=monday)
    with time_machine.travel(monday + datetime.timedelta(days=3), tick=False):
        strike = Tag.objects.create(committee=committee, name="Strike committee")
        ana.tags.add(strike)
    since = {"filter": "modified_date gt '2026-12-01'"}

    tags = get(client, token, "tags", **since).json()["_embedded"]["osdi:tags"]
    new = get(client, token, f"tags/{strike.public_id}/taggings", **since).json()
    old = get(client, token, f"tags/{world['night'].public_id}/taggings", **since).json()

    assert [(tag["name"], tag["created_date"]) for tag in tags] == [
        ("Strike committee", "2026-12-03T09:00:00Z")
    ]
    [tagging] = new["_embedded"]["osdi:taggings"]
    assert tagging["created_date"] == tagging["modified_date"] == "2026-12-03T09:00:00Z"
    assert tagging["_links"]["osdi:person"]["href"] == f"{BASE}/people/{ana.public_id}"
    assert old["_embedded"]["osdi:taggings"] == []


def test_a_read_only_token_may_not_tag(client, committee, lead, world):
    token = a_token(committee, lead)
    tag = world["night"]

    added = post(client, token, f"tags/{tag.public_id}/taggings", person_link(world["Ben"]))
    [tagging] = taggings_of(client, token, tag)
    deleted = delete(client, token, tagging["_links"]["self"]["href"].removeprefix(f"{BASE}/"))

    assert added.status_code == 403 and deleted.status_code == 403
    assert added.json() == {"error": "This API token may only read."}
    assert not world["Ben"].tags.filter(pk=tag.pk).exists()
    assert world["Ana"].tags.filter(pk=tag.pk).exists()


def test_a_person_outside_the_scope_cannot_be_tagged(client, committee, lead, world):
    token = a_token(committee, lead, access="write", campaigns=[world["oak"]])
    tag = world["night"]

    response = post(client, token, f"tags/{tag.public_id}/taggings", person_link(world["Ben"]))

    assert response.status_code == 404
    assert not world["Ben"].tags.filter(pk=tag.pk).exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        ({"_links": {}}, "application/json", 400),
        ("null", "application/json", 400),
        ({"_links": {"osdi:person": {"href": "https://elsewhere.org/api/v2/people/x"}}}, None, 400),
        ({"_links": {"osdi:person": {"href": f"{BASE}/tags/nobody"}}}, None, 400),
        ("name=Ana", "application/x-www-form-urlencoded", 415),
    ],
)
def test_a_tagging_it_cannot_read_is_refused_saying_why(
    client, committee, lead, world, body, content_type, status
):
    token = a_token(committee, lead, access="write")
    tag = world["night"]

    response = post(
        client, token, f"tags/{tag.public_id}/taggings", body, content_type or "application/json"
    )

    assert response.status_code == status
    assert response["Content-Type"] == "application/hal+json"
    assert response.json()["error"]
    assert tag.people.count() == 1


def test_malformed_json_says_so(client, committee, lead, world):
    token = a_token(committee, lead, access="write")

    response = post(client, token, f"tags/{world['night'].public_id}/taggings", "{not json")

    assert response.json() == {"error": "The request body is not valid JSON."}


def test_an_unknown_person_link_is_not_found(client, committee, lead, world):
    token = a_token(committee, lead, access="write")
    nobody = f"{BASE}/people/00000000-0000-4000-8000-000000000000"
    link = {"_links": {"osdi:person": {"href": nobody}}}

    response = post(client, token, f"tags/{world['night'].public_id}/taggings", link)

    assert response.status_code == 404


def test_each_taggings_page_read_is_audited(client, committee, lead, world):
    get(client, a_token(committee, lead), f"tags/{world['volunteers'].public_id}/taggings")

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.API)
    assert (event.count, event.detail["action"]) == (3, "read")


def test_a_longer_page_of_taggings_costs_no_more_queries(
    client, committee, lead, world, campaign, django_assert_max_num_queries
):
    token = a_token(committee, lead)
    path = f"tags/{world['volunteers'].public_id}/taggings"
    get(client, token, path)  # the token's first use stamps it once
    with django_assert_max_num_queries(6) as three:
        get(client, token, path)
    for name in ["Cy", "Eli", "Flo", "Gus"]:
        person = factories.person(committee=committee, given_name=name)
        factories.on_roster(campaign=campaign, person=person)
        person.tags.add(world["volunteers"])

    with django_assert_max_num_queries(len(three.captured_queries)):
        page = get(client, token, path).json()

    assert len(page["_embedded"]["osdi:taggings"]) == 7
