"""The shared layout: navigation by role, flash messages, htmx wired with CSRF, our own assets."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from organizing.celery import app as celery_app


@pytest.mark.parametrize(
    ("persona", "present", "absent"),
    [
        (
            "lead",
            ["Home", "Actions", "Overview", "Team", "Messages", "Account", "Log out"],
            ["My actions"],
        ),
        ("organizer", ["My list", "Actions", "Overview", "Team", "Account"], ["My actions"]),
        ("member", ["My actions", "Account"], ["Team", "My list", "Actions", "Overview"]),
    ],
)
def test_the_navigation_follows_the_role(request, client, persona, present, absent):
    client.force_login(request.getfixturevalue(persona))

    home = client.get("/", follow=True).content.decode()
    nav = re.search(r'<nav class="nav".*?</nav>', home, re.S)[0]
    labels = {text.strip() for text in re.findall(r">([^<>]+)<", nav) if text.strip()}

    assert set(present) <= labels
    assert not set(absent) & labels


def test_htmx_requests_carry_the_csrf_token_from_the_body(lead, committee):
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    page = client.get("/").content.decode()
    token = re.search(r"""<body hx-headers='\{"X-CSRFToken": "([^"]+)"\}'>""", page)[1]

    response = client.post(
        f"/committees/{committee.pk}/team/",
        {"email": "ana@example.org", "role": "member"},
        headers={"HX-Request": "true", "X-CSRFToken": token},
    )

    assert response.status_code == 200
    assert "Invitation sent to ana@example.org." in response.content.decode()


def test_every_asset_a_page_uses_is_ours(client, lead):
    client.force_login(lead)
    page = client.get("/").content.decode()

    urls = re.findall(r'(?:src|href)="([^"]+)"', page)
    assets = [u for u in urls if u.startswith("/static/")]

    assert [u for u in urls if re.match(r"(https?:)?//", u)] == []
    assert any("htmx" in u for u in assets)
    for url in assets:
        assert finders.find(url.removeprefix("/static/")), f"{url} is not served by us"


def test_the_page_is_in_the_language_the_browser_asks_for(client, db):
    page = client.get("/accounts/login/", headers={"Accept-Language": "es"}).content.decode()

    assert '<html lang="es">' in page


def test_a_flash_message_shows_once(client, lead, committee):
    client.force_login(lead)
    client.post(f"/committees/{committee.pk}/team/", {"email": "ana@example.org", "role": "member"})

    first = client.get(f"/committees/{committee.pk}/team/").content.decode()
    second = client.get(f"/committees/{committee.pk}/team/").content.decode()

    assert 'role="status">Invitation sent to ana@example.org.' in first
    assert "Invitation sent to" not in second


def test_an_unknown_page_says_not_found_in_our_layout(client, lead):
    client.force_login(lead)

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert "There is nothing here, or it is not yours to see." in response.content.decode()


def test_every_beat_task_exists():
    from django.conf import settings

    celery_app.loader.import_default_modules()
    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        assert entry["task"] in celery_app.tasks
