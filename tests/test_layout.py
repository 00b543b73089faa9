"""The shared layout: navigation by role, flash messages, htmx wired with CSRF, our own assets."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from organizing.celery import app as celery_app


def nav_of(client, path: str = "/") -> str:
    page = client.get(path, follow=True).content.decode()
    return re.search(r'<nav class="nav".*?</nav>', page, re.S)[0]


def labels_in(html: str) -> list[str]:
    return [text.strip() for text in re.findall(r">([^<>]+)<", html) if text.strip()]


@pytest.mark.parametrize(
    ("persona", "row", "more"),
    [
        (
            "lead",
            ["Overview", "Campaigns", "Actions"],
            [
                "My list",
                "Log a one-on-one",
                "Team",
                "Power",
                "Messages",
                "Audit",
                "System",
                "Account",
                "Log out",
            ],
        ),
        (
            "organizer",
            ["My list", "Log", "Log a one-on-one", "Actions"],
            ["Campaigns", "Overview", "Team", "Power", "Account", "Log out"],
        ),
        ("member", ["My actions"], ["Account", "Log out"]),
    ],
)
def test_the_navigation_shows_what_the_role_does_most_and_the_rest_under_more(
    request, client, persona, row, more
):
    client.force_login(request.getfixturevalue(persona))

    nav = nav_of(client)
    first, menu = nav.split("<details>")

    assert labels_in(first.split('class="nav-in-row"')[0]) == row
    assert labels_in(menu.split("</details>")[0]) == ["More", *more]


def test_home_and_my_list_are_not_two_entries_for_one_page(client, lead):
    client.force_login(lead)

    menu = nav_of(client).split("<details>")[1]

    assert "Home" not in labels_in(menu)
    assert labels_in(menu).count("My list") == 1


@pytest.mark.parametrize(
    ("persona", "absent"),
    [
        ("lead", ["My actions"]),
        ("organizer", ["My actions", "Messages", "Audit", "Reminder timing", "Join page"]),
        ("member", ["Team", "My list", "Actions", "Overview", "Campaigns"]),
    ],
)
def test_the_navigation_leaves_out_what_the_role_may_not_open(request, client, persona, absent):
    client.force_login(request.getfixturevalue(persona))

    assert not set(absent) & set(labels_in(nav_of(client)))


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
