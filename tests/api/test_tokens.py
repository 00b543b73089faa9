"""API tokens: a committee lead makes one on the committee's API tokens page (shown once,
kept hashed), a client sends it as Action Network's clients do, and a revoked token or too
many calls are refused with OSDI's error body."""

import pytest
from django.urls import reverse

from campaigns.models import ApiToken
from members.models import AuditEvent

pytestmark = pytest.mark.django_db

PAGE = "api_tokens"


def make_token(client, committee, **fields) -> str:
    data = {"name": "Action Network sync", "scope": "whole", "access": "read", **fields}
    response = client.post(reverse(PAGE, args=[committee.pk]), data)
    assert response.status_code == 200, response.content.decode()[:500]
    page = response.content.decode()
    start = page.index('id="new-token"')
    return page[page.index('value="', start) + 7 :].split('"', 1)[0]


def test_a_lead_makes_a_token_that_is_shown_once_and_kept_hashed(client, committee, lead):
    client.force_login(lead)

    raw = make_token(client, committee)

    token = ApiToken.objects.get(committee=committee)
    assert raw.startswith("mjt_") and len(raw) > 40
    assert raw not in {token.key_hash, token.prefix} and token.prefix == raw[:12]
    again = client.get(reverse(PAGE, args=[committee.pk])).content.decode()
    assert raw not in again and "Action Network sync" in again and token.prefix in again
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.API_TOKEN)
    assert event.detail["name"] == "Action Network sync" and raw not in str(event.detail)


def test_chosen_campaigns_must_be_chosen_and_the_name_stays(client, committee, lead):
    client.force_login(lead)
    data = {"name": "Local 12 sync", "scope": "chosen", "access": "write"}

    response = client.post(reverse(PAGE, args=[committee.pk]), data)

    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose at least one campaign." in page and 'value="Local 12 sync"' in page
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("path", ["/api/v2", "/api/v2/"])
@pytest.mark.parametrize("header", ["OSDI-API-Token", "Authorization"])
def test_a_client_reaches_the_api_with_the_token_either_way(client, committee, lead, path, header):
    client.force_login(lead)
    raw = make_token(client, committee)
    client.logout()
    value = raw if header == "OSDI-API-Token" else f"Bearer {raw}"

    response = client.get(path, headers={header: value, "Accept": "application/json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/hal+json"
    assert response.json()["_links"]["osdi:people"]["href"] == "http://testserver/api/v2/people"
    token = ApiToken.objects.get()
    assert token.last_used_at is not None and token.last_used_ip == "127.0.0.1"


def test_without_a_valid_token_the_api_answers_401_in_osdis_words(client, committee, lead):
    assert client.get("/api/v2").status_code == 401
    response = client.get("/api/v2", headers={"OSDI-API-Token": "mjt_not-a-token"})
    assert response.status_code == 401
    assert "unknown or revoked" in response.json()["error"]


def test_a_revoked_token_stops_at_once(client, committee, lead):
    client.force_login(lead)
    raw = make_token(client, committee)
    token = ApiToken.objects.get()

    response = client.post(reverse("api_token_revoke", args=[committee.pk, token.pk]))

    assert response.status_code == 302
    assert client.get("/api/v2", headers={"OSDI-API-Token": raw}).status_code == 401
    assert "revoked" in client.get(reverse(PAGE, args=[committee.pk])).content.decode()
    changes = AuditEvent.objects.filter(kind=AuditEvent.Kind.API_TOKEN)
    assert sorted(event.detail["change"] for event in changes) == ["created", "revoked"]


def test_too_many_calls_are_told_when_to_come_back(client, settings, committee, lead):
    settings.API_RATE = "3/min"
    client.force_login(lead)
    raw = make_token(client, committee)
    headers = {"OSDI-API-Token": raw}

    statuses = [client.get("/api/v2", headers=headers).status_code for _ in range(3)]
    refused = client.get("/api/v2", headers=headers)

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "error" in refused.json()
