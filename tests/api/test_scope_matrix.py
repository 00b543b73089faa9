"""Every API address, read by each kind of token: the committee's (sees campaign A's person,
tag, tagging, action and attendance), campaign B's (A's objects are 404, the lists leave
them out), another committee's (404), a revoked one and none (401). A new API address
without a row here fails.

Every write the same way, with write tokens, plus the committee's read-only one (403): a
write outside its scope changes nothing of Ana's, and a new write method without a row
fails."""

import json
from datetime import timedelta

import pytest
from django.urls import get_resolver, resolve, reverse
from django.utils import timezone

from campaigns.api.events import attendance_public_id
from campaigns.api.tags import tagging_public_id
from campaigns.api.tokens import token_create, token_revoke
from campaigns.models import Action, Rsvp
from members.models import PersonEmail, Tag
from tests import factories

pytestmark = pytest.mark.django_db

SEES, HIDDEN, REFUSED = 200, 404, 401
NOT_SWEPT = {"api_tokens", "api_token_revoke", "api_schema", "api_docs"}  # pages, public docs
# GET status per token for each address: committee, campaign B, other committee.
ROWS = {
    "api_entry": (SEES, SEES, SEES),
    "api_people": (SEES, SEES, SEES),
    "api_person": (SEES, HIDDEN, HIDDEN),
    "api_person_taggings": (SEES, HIDDEN, HIDDEN),
    "api_person_attendances": (SEES, HIDDEN, HIDDEN),
    "api_tags": (SEES, SEES, SEES),
    "api_tag": (SEES, SEES, HIDDEN),  # tags are the committee's, seen by its campaign tokens
    "api_taggings": (SEES, SEES, HIDDEN),
    "api_tagging": (SEES, HIDDEN, HIDDEN),
    "api_events": (SEES, SEES, SEES),
    "api_event": (SEES, HIDDEN, HIDDEN),
    "api_attendances": (SEES, HIDDEN, HIDDEN),
    "api_attendance": (SEES, HIDDEN, HIDDEN),
}
TOKENS = ["committee", "campaign_b", "other_committee"]


@pytest.fixture
def world(committee, campaign, lead):
    """Campaign A (`campaign`): Ana on its roster, tagged, coming to its picket."""
    oak = factories.campaign(committee=committee, code_name="Oak")
    ana = factories.person(committee=committee, given_name="Ana", family_name="Harbor")
    factories.on_roster(campaign=campaign, person=ana)
    tag = Tag.objects.create(committee=committee, name="Night shift")
    ana.tags.add(tag)
    starts = timezone.now() + timedelta(days=3)
    picket = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Picket",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        created_by=lead,
    )
    rsvp = Rsvp.objects.create(action=picket, person=ana, response="yes")
    elsewhere = factories.committee(name="Elsewhere")
    outsider = factories.member_of(elsewhere, "lead", email="out@example.org")

    def token(committee_, by, campaigns=()):
        return token_create(
            committee=committee_, name="t", access="read", extras=[], campaigns=campaigns, by=by
        )

    revoked, revoked_raw = token(committee, lead)
    token_revoke(token=revoked, by=lead)

    def writer(committee_, by, campaigns=()):
        return token_create(
            committee=committee_, name="w", access="write", extras=[], campaigns=campaigns, by=by
        )[1]

    revoked_writer, revoked_writer_raw = token_create(
        committee=committee, name="w", access="write", extras=[], campaigns=(), by=lead
    )
    token_revoke(token=revoked_writer, by=lead)
    day = Tag.objects.create(committee=committee, name="Day shift")
    PersonEmail.objects.create(person=ana, email="ana@example.org")
    return {
        "ana": ana,
        "day": day,
        "picket": picket,
        "writers": {
            "committee": writer(committee, lead),
            "campaign_b": writer(committee, lead, [oak]),
            "other_committee": writer(elsewhere, outsider),
            "read_only": token(committee, lead)[1],
            "revoked": revoked_writer_raw,
        },
        "kwargs": {
            "person_id": ana.public_id,
            "tag_id": tag.public_id,
            "tagging_id": tagging_public_id(tag, ana),
            "event_id": picket.public_id,
            "attendance_id": attendance_public_id(rsvp),
        },
        "tokens": {
            "committee": token(committee, lead)[1],
            "campaign_b": token(committee, lead, [oak])[1],
            "other_committee": token(elsewhere, outsider)[1],
            "revoked": revoked_raw,
        },
    }


def api_names() -> set[str]:
    names = {name for name in get_resolver().reverse_dict if isinstance(name, str)}
    return {name for name in names if name.startswith("api_")} - NOT_SWEPT


def url(name: str, kwargs: dict) -> str:
    [(possibilities, *_)] = get_resolver().reverse_dict.getlist(name)[:1]
    return reverse(name, kwargs={k: str(kwargs[k]) for k in possibilities[0][1]})


def test_every_api_address_has_a_row():
    assert api_names() == set(ROWS)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_each_token_reads_only_its_scope(client, world, name):
    path = url(name, world["kwargs"])
    got = tuple(
        client.get(path, headers={"OSDI-API-Token": world["tokens"][who]}).status_code
        for who in TOKENS
    )
    refused = [
        client.get(path, headers={"OSDI-API-Token": world["tokens"]["revoked"]}).status_code,
        client.get(path).status_code,
    ]

    assert got == ROWS[name]
    assert refused == [REFUSED, REFUSED]


@pytest.mark.parametrize("name", ["api_people", "api_taggings", "api_events"])
def test_a_campaign_token_s_lists_leave_out_the_other_campaign(client, world, name):
    path = url(name, world["kwargs"])

    page = client.get(path, headers={"OSDI-API-Token": world["tokens"]["campaign_b"]}).json()

    assert page["total_records"] == 0
    assert "Ana" not in str(page) and "Picket" not in str(page)


# Write status per write token: committee, campaign B, other committee, the committee's
# read-only token. The signup helper never answers "not yours": outside its scope it makes a
# new record (campaigns/api/signup.py), so campaign B and the other committee get 200 and Ana
# is untouched.
WRITES = {
    ("api_people", "post"): (SEES, SEES, SEES, 403),
    ("api_person", "put"): (SEES, HIDDEN, HIDDEN, 403),
    ("api_taggings", "post"): (SEES, HIDDEN, HIDDEN, 403),
    ("api_tagging", "delete"): (SEES, HIDDEN, HIDDEN, 403),
    ("api_attendances", "post"): (SEES, HIDDEN, HIDDEN, 403),
}
WRITERS = ["campaign_b", "other_committee", "read_only"]  # then the committee's, which writes


def write_methods(name: str, kwargs: dict) -> set[str]:
    view = resolve(url(name, kwargs)).func.view_class
    return {method for method in ("post", "put", "patch", "delete") if hasattr(view, method)}


def test_every_api_write_has_a_row(world):
    writes = {(name, method) for name in ROWS for method in write_methods(name, world["kwargs"])}

    assert writes == set(WRITES)


def bodies(world) -> dict[str, dict]:
    ana_link = {
        "osdi:person": {"href": f"http://testserver/api/v2/people/{world['ana'].public_id}"}
    }
    return {
        "api_people": {
            "person": {"given_name": "Anita", "email_addresses": [{"address": "ana@example.org"}]},
            "add_tags": ["Day shift"],
        },
        "api_person": {"given_name": "Anita"},
        "api_taggings": {"_links": ana_link},
        "api_tagging": None,
        "api_attendances": {"_links": ana_link, "status": "declined"},
    }


def what_ana_has(world) -> tuple:
    ana = world["ana"]
    ana.refresh_from_db()
    rsvp = Rsvp.objects.get(action=world["picket"], person=ana)
    return ana.given_name, sorted(ana.tags.values_list("name", flat=True)), rsvp.response


@pytest.mark.parametrize(("name", "method"), sorted(WRITES))
def test_each_token_writes_only_its_scope(client, world, name, method):
    kwargs = dict(world["kwargs"])
    if name == "api_taggings":
        kwargs["tag_id"] = world["day"].public_id  # a tagging Ana has not got yet
    path = url(name, kwargs)
    body = json.dumps(bodies(world)[name])
    before = what_ana_has(world)

    def send(who: str | None) -> int:
        headers = {"OSDI-API-Token": world["writers"][who]} if who else {}
        response = getattr(client, method)(
            path, body, content_type="application/json", headers=headers
        )
        return response.status_code

    refused = [send("revoked"), send(None)]
    outside = tuple(send(who) for who in WRITERS)
    untouched = what_ana_has(world)
    committee = send("committee")

    assert refused == [REFUSED, REFUSED]
    assert (committee, *outside) == WRITES[(name, method)]
    assert untouched == before
    assert what_ana_has(world) != before
