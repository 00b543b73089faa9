"""Two OSDI / Action Network client libraries from PyPI, used unchanged apart from their base
URL and token, against a running server (issue 24): if they can page through our people,
upsert and tag people and record an attendance, the clients organizers already use will too."""

from datetime import UTC, datetime

import osdi.base.service
import pytest
import requests
from osdi.action_network.person import ANPerson
from osdi.action_network.service import ActionNetworkService
from pyactionnetwork.api import ActionNetworkApi

from campaigns.api.tokens import token_create
from campaigns.models import Action, Rsvp
from members.models import Person, Tag
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = 25  # the server's page size, Action Network's


@pytest.fixture
def token(committee, lead) -> str:
    return token_create(
        committee=committee, name="Client", access="write", extras=[], campaigns=[], by=lead
    )[1]


@pytest.fixture
def fail_fast(monkeypatch):
    """osdi retries a failed request ten times with exponential backoff (minutes): here an
    error must fail the test at once, so the retry is replaced by a single try."""
    monkeypatch.setattr(osdi.base.service, "retry_with_backoff", lambda fn: fn())


def many_people(committee, campaign, count: int) -> set[str]:
    """`count` people on the campaign's roster; their public ids."""
    ids = set()
    for n in range(count):
        person = factories.person(committee=committee, given_name=f"Worker{n}")
        factories.on_roster(campaign=campaign, person=person)
        ids.add(str(person.public_id))
    return ids


def a_picket(committee, campaign) -> Action:
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Picket at the gate",
        starts_at=datetime(2027, 1, 15, 18, tzinfo=UTC),
        ends_at=datetime(2027, 1, 15, 20, tzinfo=UTC),
        time_zone="UTC",
    )


def id_of(resource: dict) -> str:
    return resource["_links"]["self"]["href"].rstrip("/").split("/")[-1]


def test_osdi_library(live_server, committee, campaign, token, fail_fast):
    Tag.objects.create(committee=committee, name="Day shift")
    existing = many_people(committee, campaign, PAGE + 3)
    picket = a_picket(committee, campaign)

    # It reads every tag, through its own paging, as it starts.
    an = ActionNetworkService(live_server.url + "/api/v2", token)
    assert set(an.tags_by_name) == {"Day shift"}

    # Every person, through its own paging (two pages), each exactly once.
    people = an.get_model_raw("people", "osdi:people")
    assert len(people) == PAGE + 3
    assert {id_of(p) for p in people} == existing

    # create_person is the signup helper: the same email twice is one person.
    first = an.create_person("Rosa", "Parks", "rosa@example.org")
    second = an.create_person("Rosa", "Parks", "ROSA@example.org")
    assert id_of(first) == id_of(second)
    assert (
        Person.objects.filter(committee=committee, emails__email__iexact="rosa@example.org").count()
        == 1
    )
    assert Person.objects.filter(committee=committee).count() == PAGE + 4

    # Found by email, as its own model (which reads the person's taggings, through paging).
    rosa = an.find_person(email="rosa@example.org", model=ANPerson)
    assert rosa.id == id_of(first) and rosa.email == "rosa@example.org" and rosa.tags == {}
    in_db = Person.objects.get(public_id=rosa.id)

    # Tag, untag and tag again, through the library's own tagging model.
    an.add_tagging(rosa, "Day shift")
    assert list(in_db.tags.values_list("name", flat=True)) == ["Day shift"]
    rosa = an.find_person(email="rosa@example.org", model=ANPerson)
    assert set(rosa.tags) == {"Day shift"}
    rosa.update_tag("Day shift", False)
    rosa.update()
    assert not in_db.tags.exists()
    rosa.update_tag("Day shift", True)
    rosa.update()
    assert list(in_db.tags.values_list("name", flat=True)) == ["Day shift"]

    # Events through its paging; an attendance through its own HTTP connector (it has no
    # helper for the record attendance helper).
    events = an.get_model_raw("events", "osdi:events")
    assert [(id_of(e), e["title"]) for e in events] == [(str(picket.public_id), picket.title)]
    an._post_request(
        f"events/{picket.public_id}/attendances",
        {"_links": {"osdi:person": {"href": rosa.link(full=True)}}},
    )
    assert list(Rsvp.objects.filter(action=picket).values_list("person", "response")) == [
        (in_db.pk, Rsvp.Response.YES)
    ]


class OurActionNetworkApi(ActionNetworkApi):
    """pyActionNetwork hard-codes https://actionnetwork.org/api/v2/ (in refresh_config, and
    as base_url, since it looks for the entry point's self link under "links", not
    "_links"): this subclass changes only that base URL, nothing else."""

    def __init__(self, base_url: str, api_key: str):
        self.our_base_url = base_url
        super().__init__(api_key)
        self.base_url = base_url

    def refresh_config(self):
        self.config = requests.get(url=self.our_base_url, headers=self.headers, timeout=10).json()


def test_pyactionnetwork_library(live_server, committee, campaign, token):
    Tag.objects.create(committee=committee, name="Day shift")
    existing = many_people(committee, campaign, PAGE + 3)
    an = OurActionNetworkApi(live_server.url + "/api/v2/", token)

    # get_resource reads the first page; it has no paging of its own for people (only for
    # donations), so the rest are read by following the "next" links, with its headers.
    page = an.get_resource("people")
    seen = [id_of(p) for p in page["_embedded"]["osdi:people"]]
    while "next" in page["_links"]:
        page = requests.get(page["_links"]["next"]["href"], headers=an.headers, timeout=10).json()
        seen += [id_of(p) for p in page["_embedded"]["osdi:people"]]
    assert len(seen) == PAGE + 3 and set(seen) == existing

    # create_person is the signup helper with add_tags: twice is one person, tagged once.
    first = an.create_person(
        email="rosa@example.org", given_name="Rosa", family_name="Parks", tags=["Day shift"]
    )
    second = an.create_person(email="rosa@example.org", given_name="Rosa", tags=["Day shift"])
    assert id_of(first) == id_of(second)
    rosa = Person.objects.get(public_id=id_of(first))
    assert Person.objects.filter(committee=committee).count() == PAGE + 4
    assert (rosa.given_name, rosa.family_name) == ("Rosa", "Parks")
    assert list(rosa.tags.values_list("name", flat=True)) == ["Day shift"]

    # get_person by id, and by email: its default search_by="email" is not a field Action
    # Network filters on (it documents email_address), so the search names it.
    assert an.get_person(person_id=id_of(first))["given_name"] == "Rosa"
    found = an.get_person(search_by="email_address", search_string="rosa@example.org")
    assert [id_of(p) for p in found["_embedded"]["osdi:people"]] == [id_of(first)]

    # update_person (a PUT) changes the name it is sent.
    an.update_person(person_id=id_of(first), email="rosa@example.org", given_name="Rosalind")
    rosa.refresh_from_db()
    assert (rosa.given_name, rosa.family_name) == ("Rosalind", "Parks")
    assert list(rosa.tags.values_list("name", flat=True)) == ["Day shift"]
    assert Person.objects.filter(committee=committee).count() == PAGE + 4

    # Its default search_by, "email", is refused with an OSDI error naming the fields there
    # are, rather than ignored (which would answer with everyone).
    refused = an.get_person(search_string="rosa@example.org")
    assert "_embedded" not in refused and "email_address" in refused["error"]
