"""Every named URL, as every persona, GET and POST with CSRF enforced, against this table.

A URL that is not in the table fails the test: a new view cannot ship without deciding who
may see it. allauth's own pages are listed apart: they serve anonymous visitors by design.
"""

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.crypto import get_random_string

from members.models import Invitation, Membership
from members.services import invitation_token
from tests import factories

PERSONAS = ["anonymous", "member", "organizer", "lead", "outsider", "staff"]

# url name -> {persona: (GET status, POST status)}
LOGIN = 302  # redirect to the login page
MATRIX = {
    "healthz": dict.fromkeys(PERSONAS, (200, 405)),
    "home": {"anonymous": (LOGIN, LOGIN), **dict.fromkeys(PERSONAS[1:], (200, 405))},
    "team": {
        "anonymous": (LOGIN, LOGIN),
        "member": (403, 403),
        "organizer": (200, 403),
        "lead": (200, 422),
        "outsider": (404, 404),
        "staff": (404, 404),
    },
    "invitation_cancel": {
        "anonymous": (LOGIN, LOGIN),
        "member": (405, 403),
        "organizer": (405, 403),
        "lead": (405, 302),
        "outsider": (405, 404),
        "staff": (405, 404),
    },
    "invitation_accept": {
        "anonymous": (200, 422),
        **dict.fromkeys(["member", "organizer", "lead", "outsider", "staff"], (200, 200)),
    },
}
MATRIX["invitation_resend"] = MATRIX["invitation_cancel"]

# allauth's account pages: every one of them must still be named here, so a new allauth URL
# (an upgrade, a new feature switched on) is noticed.
ALLAUTH_PREFIX = "account_"


def named_urls(resolvers=None, prefix="") -> dict[str, URLPattern]:
    found = {}
    for entry in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{entry.namespace}:" if entry.namespace else ""
            found.update(named_urls(entry.url_patterns, prefix + namespace))
        elif entry.name:
            found[prefix + entry.name] = entry
    return found


def test_every_named_url_has_a_row():
    ours = {name for name in named_urls() if not name.startswith(ALLAUTH_PREFIX)}

    assert ours == set(MATRIX), "add a row to MATRIX for each new URL"


@pytest.fixture
def world(committee, other_committee, lead, organizer, member, outsider):
    staff = factories.user(email="staff@example.org")
    staff.is_staff = True
    staff.save()
    invitation = Invitation.objects.create(
        committee=committee, email="ana@example.org", role=Membership.Role.MEMBER, invited_by=lead
    )
    foreign = Invitation.objects.create(
        committee=other_committee, email="bo@example.org", role="member", invited_by=outsider
    )
    return {
        "users": {
            "lead": lead,
            "organizer": organizer,
            "member": member,
            "outsider": outsider,
            "staff": staff,
        },
        "kwargs": {
            "committee_id": committee.pk,
            "invitation_id": invitation.pk,
            "token": invitation_token(invitation),
        },
        "foreign": {
            "committee_id": other_committee.pk,
            "invitation_id": foreign.pk,
            "token": invitation_token(foreign),
        },
    }


def url_for(name: str, kwargs: dict) -> str:
    pattern = named_urls()[name]
    return reverse(name, kwargs={k: kwargs[k] for k in pattern.pattern.converters})


def csrf_client(user=None) -> Client:
    """A client that checks CSRF like a browser does, holding a valid csrftoken cookie."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    client.cookies["csrftoken"] = get_random_string(32)
    return client


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_status_matches_the_table(world, name, persona):
    client = csrf_client(world["users"].get(persona))
    url = url_for(name, world["kwargs"])
    token = client.cookies["csrftoken"].value

    got = (
        client.get(url).status_code,
        client.post(url, headers={"X-CSRFToken": token}).status_code,
    )

    assert got == MATRIX[name][persona]


def test_a_post_without_the_csrf_token_is_refused(world):
    client = csrf_client(world["users"]["lead"])

    response = client.post(url_for("team", world["kwargs"]), {"email": "x@example.org"})

    assert response.status_code == 403
    assert not Invitation.objects.filter(email="x@example.org").exists()


@pytest.mark.parametrize(
    "name", [n for n in sorted(MATRIX) if "invitation_id" in named_urls()[n].pattern.converters]
)
def test_another_committees_ids_in_our_urls_are_404(world, name):
    """The sweep: committee B's object ids fed into committee A's URLs, as A's lead."""
    client = csrf_client(world["users"]["lead"])
    kwargs = {**world["kwargs"], "invitation_id": world["foreign"]["invitation_id"]}
    token = client.cookies["csrftoken"].value

    response = client.post(url_for(name, kwargs), headers={"X-CSRFToken": token})

    assert response.status_code == 404
    assert Invitation.objects.filter(pk=world["foreign"]["invitation_id"]).exists()
