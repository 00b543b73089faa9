"""Rate limits: the emailed links per client address, imports and exports per user.

Over the limit the answer is HTTP 429 with `Retry-After` (seconds until the window ends) and a
short page saying to try again later; nothing else happens. Limits come from RATE_LIMITS; the
tests set small ones.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import OutboxMessage
from campaigns.nudges.services.snooze import snooze_link_token
from members.models import Membership
from tests import factories
from tests.test_permission_matrix import url_for, world  # noqa: F401

LINK_PAGES = [
    "rsvp_link",
    "rsvp_link_ics",
    "calendar_feed",
    "unsubscribe",
    "unsubscribe_one_click",
    "nudge_snooze_link",
    "invitation_accept",
    "action_public_confirm",
]


@pytest.fixture
def small_limits(settings):
    settings.RATE_LIMITS = {"links": "3/m", "imports": "2/h", "exports": "2/h"}


def assert_too_many(response, *, window: int):
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= window
    assert "Too many requests" in response.content.decode()


@pytest.fixture
def snooze_token(world):  # noqa: F811
    user = world["users"]["organizer_a"]
    committee = user.memberships.get().committee
    nudge = OutboxMessage.objects.create(
        committee=committee,
        kind=OutboxMessage.Kind.ORGANIZER_DIGEST,
        user=user,
        due_at=timezone.now(),
        next_attempt_at=timezone.now(),
    )
    return snooze_link_token(message=nudge)


@pytest.mark.parametrize("name", LINK_PAGES)
def test_an_emailed_link_opened_too_often_from_one_address_gets_429(
    world,  # noqa: F811
    snooze_token,
    small_limits,
    name,
):
    url = (
        reverse(name, args=[snooze_token])
        if name == "nudge_snooze_link"
        else url_for(name, world["kwargs"])
    )
    client = Client(REMOTE_ADDR="203.0.113.7")

    allowed = [client.get(url).status_code for _ in range(3)]
    refused = client.get(url)

    assert 429 not in allowed
    assert_too_many(refused, window=60)
    assert Client(REMOTE_ADDR="203.0.113.8").get(url).status_code == allowed[0]


def test_guessing_tokens_is_counted_too(small_limits, db):
    """Every wrong token from the same address counts: a script cannot try many."""
    client = Client(REMOTE_ADDR="198.51.100.1")

    answers = [client.get(f"/r/guess-{n}/").status_code for n in range(4)]

    assert answers == [404, 404, 404, 429]


def test_the_page_over_the_limit_is_in_the_reader_s_language(world, small_limits):  # noqa: F811
    """The strings are marked for translation and rendered in the request's language."""
    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="es")
    url = url_for("calendar_feed", world["kwargs"])
    for _ in range(3):
        client.get(url)

    response = client.get(url)

    assert response.status_code == 429
    assert '<html lang="es"' in response.content.decode()


def test_a_lead_exporting_too_often_gets_429_and_another_lead_still_can(
    world,  # noqa: F811
    small_limits,
):
    lead = world["users"]["lead"]
    other_lead = factories.member_of(lead.memberships.get().committee, Membership.Role.LEAD)
    export = url_for("roster_export", world["kwargs"])
    audit_csv = url_for("audit_log_csv", world["kwargs"])
    client, other = Client(), Client()
    client.force_login(lead)
    other.force_login(other_lead)

    allowed = [client.get(export).status_code, client.get(audit_csv).status_code]
    refused = client.get(url_for("campaign_dashboard_export", world["kwargs"]))

    assert allowed == [200, 200]
    assert_too_many(refused, window=3600)
    assert other.get(export).status_code == 200


def test_a_persons_data_counts_as_an_export(world, small_limits):  # noqa: F811
    client = Client()
    client.force_login(world["users"]["lead"])
    page = url_for("person_data", world["kwargs"])
    data = url_for("person_data_json", world["kwargs"])

    allowed = [client.get(page).status_code, client.get(data).status_code]

    assert allowed == [200, 200]
    assert_too_many(client.get(data), window=3600)


def test_uploads_to_import_are_limited_per_user_and_looking_is_not(
    world,  # noqa: F811
    small_limits,
):
    client = Client()
    client.force_login(world["users"]["lead"])
    url = url_for("import_new", world["kwargs"])

    posts = [client.post(url).status_code for _ in range(2)]
    looks = [client.get(url).status_code for _ in range(3)]
    refused = client.post(url)

    assert posts == [422, 422]
    assert looks == [200, 200, 200]
    assert_too_many(refused, window=3600)


def test_no_limit_when_the_setting_is_empty(settings, db):
    settings.RATE_LIMITS = {"links": "", "imports": "", "exports": ""}
    client = Client(REMOTE_ADDR="198.51.100.2")

    answers = {client.get(f"/r/guess-{n}/").status_code for n in range(70)}

    assert answers == {404}
