"""Sessions: safe cookies, a new key at login, an idle timeout for leads and organizers, "log
out my other sessions", and a password change that ends the others."""

import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.sessions import LAST_ACTIVITY
from tests import factories

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def chart_url(campaign) -> str:
    return reverse("campaign_chart", args=[campaign.pk])


def log_in(client: Client, user, *, password: str = factories.PASSWORD, step: int = 0) -> None:
    """The login form, and the code step for those who have an authenticator app (a code
    works once: a second login within 30 seconds takes the next step's, which is accepted)."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": password})
    if response["Location"] == reverse("mfa_authenticate"):
        code = factories.totp_code(factories.totp_secret(user), at=time.time() + 30 * step)
        response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("home"), follow=True).status_code == 200


# --- Cookies and keys ----------------------------------------------------------------------------


def test_the_session_cookie_is_secure_httponly_and_samesite(client, member, settings):
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True

    response = client.post(
        reverse("account_login"), {"login": member.email, "password": factories.PASSWORD}
    )

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["secure"] is True
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_logging_in_gives_a_new_session_key(client, member):
    before = client.session
    before["language"] = "es"  # something a visitor's session may hold before logging in
    before.save()
    key_before = client.cookies["sessionid"].value

    log_in(client, member)

    assert client.cookies["sessionid"].value != key_before
    assert client.session.session_key != key_before


# --- Idle timeout --------------------------------------------------------------------------------


def test_an_idle_organizer_is_logged_out_and_sent_back_where_they_were(
    client, campaign, team_organizer
):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(team_organizer)
        clock.shift(timedelta(minutes=29))
        assert client.get(chart_url(campaign)).status_code == 200
        clock.shift(timedelta(minutes=29))
        assert client.get(chart_url(campaign)).status_code == 200  # still active

        clock.shift(timedelta(minutes=30, seconds=1))
        response = client.get(chart_url(campaign) + "?assessment=none")

        assert response.status_code == 302
        assert response["Location"] == (
            reverse("account_login") + "?next=" + chart_url(campaign) + "%3Fassessment%3Dnone"
        )
        page = client.get(response["Location"]).content.decode()
        assert "You were logged out after 30 minutes without activity." in page
        assert client.get(reverse("home")).status_code == 302


def test_a_lead_is_timed_out_too_and_the_time_is_a_setting(client, lead, settings):
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(lead)
        clock.shift(timedelta(minutes=6))

        response = client.get(reverse("home"), follow=True)

    assert "You were logged out after 5 minutes without activity." in response.content.decode()
    assert response.redirect_chain[-1][0].startswith(reverse("account_login"))


def test_an_htmx_request_after_the_timeout_reloads_the_login_page(client, campaign, team_organizer):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(team_organizer)
        clock.shift(timedelta(hours=1))

        response = client.get(
            chart_url(campaign) + "?q=ana",
            headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/campaigns/7/"},
        )

    assert response["HX-Redirect"] == reverse("account_login") + "?next=/campaigns/7/"


def test_a_member_is_not_timed_out(client, member):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(member)
        clock.shift(timedelta(hours=8))

        assert client.get(reverse("my_actions")).status_code == 200


def test_activity_is_written_at_most_once_a_minute(client, campaign, team_organizer):
    def session_writes() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(chart_url(campaign)).status_code == 200
        return sum('UPDATE "django_session"' in q["sql"] for q in queries.captured_queries)

    with time_machine.travel(START, tick=False) as clock:
        client.force_login(team_organizer)
        clock.shift(timedelta(seconds=20))
        assert session_writes() == 0
        clock.shift(timedelta(seconds=30))
        assert session_writes() == 0
        clock.shift(timedelta(seconds=20))
        assert session_writes() == 1

        assert client.session[LAST_ACTIVITY] == int((START + timedelta(seconds=70)).timestamp())


# --- Other sessions ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["member", "team_organizer"])
def test_log_out_my_other_sessions_ends_the_phone_and_keeps_the_laptop(persona, request):
    user = request.getfixturevalue(persona)
    laptop, phone = Client(), Client(headers={"user-agent": "Phone"})
    log_in(laptop, user)
    log_in(phone, user, step=1)

    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert "Log out my other sessions" in page
    assert "This browser" in page and "Phone" in page
    response = laptop.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert laptop.get(reverse("home"), follow=True).status_code == 200
    assert phone.get(reverse("home"))["Location"].startswith(reverse("account_login"))
    page = laptop.get(reverse("usersessions_list")).content.decode()
    assert "You are logged in only here." in page


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(member):
    laptop, phone = Client(), Client()
    log_in(laptop, member)
    log_in(phone, member, step=1)

    response = laptop.post(
        reverse("account_change_password"),
        {
            "oldpassword": factories.PASSWORD,
            "password1": "a-new-long-secret-77",
            "password2": "a-new-long-secret-77",
        },
    )

    assert response.status_code == 302
    assert laptop.get(reverse("my_actions")).status_code == 200
    assert phone.get(reverse("my_actions"))["Location"].startswith(reverse("account_login"))


def test_the_account_pages_link_two_factor_and_sessions(client, member):
    client.force_login(member)

    page = client.get(reverse("account_email")).content.decode()

    assert f'href="{reverse("mfa_index")}"' in page
    assert f'href="{reverse("usersessions_list")}"' in page
