"""Every API address, read by each kind of token: the committee's (sees campaign A's person,
tag, tagging, action and attendance), campaign B's (A's objects are 404, the lists leave
them out), another committee's (404), a revoked one and none (401). A new API address
without a row here fails."""

from datetime import timedelta

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from campaigns.api.events import attendance_public_id
from campaigns.api.tags import tagging_public_id
from campaigns.api.tokens import token_create, token_revoke
from campaigns.models import Action, Rsvp
from members.models import Tag
from tests import factories

pytestmark = pytest.mark.django_db

SEES, HIDDEN, REFUSED = 200, 404, 401
NOT_SWEPT = {"api_tokens", "api_token_revoke", "api_schema"}  # pages, and the public schema
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
    return {
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
