"""Two-factor authentication: leads and organizers enrol before they see any roster; members
may; logging in asks for the code; the demo switch says so on the login page; the admin needs
staff with a second factor."""

import importlib
import os
import re

import pytest
from allauth.mfa.models import Authenticator
from django.urls import clear_url_caches, reverse

from members.models import Membership
from tests import factories
from tests.test_journeys import nav_more

TWO_FACTOR = "/accounts/2fa/"


def chart_url(campaign) -> str:
    return reverse("campaign_chart", args=[campaign.pk])


@pytest.fixture
def newcomer(committee, campaign):
    """An organizer on Harbor's team who has not set up two-factor authentication yet."""
    user = factories.member_of(
        committee, Membership.Role.ORGANIZER, email="lena@example.org", name="Lena Ortiz", mfa=False
    )
    factories.on_team(campaign=campaign, user=user)
    return user


def log_in(client, email: str, password: str = factories.PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def enrol_through_the_pages(client, password: str = factories.PASSWORD) -> str:
    """What a newcomer does: confirm the password, read the setup key, type the app's code."""
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(response["Location"], {"password": password})
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    secret = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page).group(1)
    response = client.post(reverse("mfa_activate_totp"), {"code": factories.totp_code(secret)})
    assert response.status_code == 302
    return secret


# --- Who must enrol ------------------------------------------------------------------------------


def test_it_sends_an_organizer_without_a_second_factor_to_enrol(client, campaign, newcomer):
    client.force_login(newcomer)

    response = client.get(chart_url(campaign))

    assert response.status_code == 302
    assert response["Location"] == TWO_FACTOR
    page = client.get(TWO_FACTOR).content.decode()
    assert "Set up two-factor authentication to continue" in page
    assert "gets people fired or evicted" in page
    assert reverse("mfa_activate_totp") in page


def test_it_sends_an_unenrolled_lead_to_enrol_from_every_page_of_theirs(client, committee):
    rosa = factories.member_of(committee, Membership.Role.LEAD, mfa=False)
    client.force_login(rosa)

    for url in [reverse("home"), reverse("campaign_list"), reverse("team", args=[committee.pk])]:
        assert client.get(url)["Location"] == TWO_FACTOR, url


def test_it_tells_htmx_to_load_the_enrolment_page_instead_of_swapping_it_in(
    client, campaign, newcomer
):
    client.force_login(newcomer)

    response = client.get(chart_url(campaign), headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert response["HX-Redirect"] == TWO_FACTOR
    assert response.content == b""


def test_it_leaves_open_what_is_needed_to_enrol_or_leave(client, newcomer):
    client.force_login(newcomer)

    for name in ["mfa_index", "account_email", "account_change_password", "usersessions_list"]:
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("healthz")).status_code in {200, 503}
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get(reverse("home")).status_code == 302  # logged out now
    assert "_auth_user_id" not in client.session


def test_it_lets_the_organizer_in_once_they_have_enrolled(client, campaign, newcomer):
    log_in(client, "lena@example.org")
    assert client.get(chart_url(campaign))["Location"] == TWO_FACTOR

    enrol_through_the_pages(client)

    assert Authenticator.objects.filter(user=newcomer, type="totp").exists()
    assert client.get(chart_url(campaign)).status_code == 200


def test_a_wrong_code_keeps_them_on_the_page_and_says_so(client, newcomer):
    log_in(client, "lena@example.org")
    response = client.get(reverse("mfa_activate_totp"))
    client.post(response["Location"], {"password": factories.PASSWORD})

    response = client.post(reverse("mfa_activate_totp"), {"code": "000000"})

    assert "Incorrect code." in response.content.decode()
    assert not Authenticator.objects.filter(user=newcomer).exists()


def test_enrolling_shows_recovery_codes_and_the_way_on(client, newcomer):
    log_in(client, "lena@example.org")
    enrol_through_the_pages(client)

    page = client.get(reverse("mfa_view_recovery_codes")).content.decode()

    codes = Authenticator.objects.get(user=newcomer, type="recovery_codes").wrap()
    assert all(code in page for code in codes.get_unused_codes())
    assert "I have saved them: continue" in page


def test_turning_the_app_off_sends_an_organizer_back_to_enrol(client, campaign, newcomer):
    log_in(client, "lena@example.org")
    enrol_through_the_pages(client)

    response = client.post(reverse("mfa_deactivate_totp"))

    assert response.status_code == 302
    assert client.get(chart_url(campaign))["Location"] == TWO_FACTOR


def test_a_member_is_never_made_to_enrol_but_may(client, member):
    client.force_login(member)

    assert client.get(reverse("home"), follow=True).status_code == 200  # My actions
    page = client.get(TWO_FACTOR).content.decode()
    assert "to continue" not in page
    assert "Set up an authenticator app" in page


def test_nobody_is_made_to_enrol_when_the_requirement_is_off(client, campaign, newcomer, settings):
    settings.MFA_REQUIRED = False
    client.force_login(newcomer)

    assert client.get(chart_url(campaign)).status_code == 200


def test_an_enrolled_organizer_goes_straight_to_the_chart(client, campaign, team_organizer):
    client.force_login(team_organizer)

    assert client.get(chart_url(campaign)).status_code == 200


# --- Logging in with a code ----------------------------------------------------------------------


def test_logging_in_asks_for_the_code_after_the_password(client, team_organizer):
    response = log_in(client, team_organizer.email)

    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("home")).status_code == 302  # not logged in yet
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Enter the 6-digit code" in page

    secret = factories.totp_secret(team_organizer)
    response = client.post(reverse("mfa_authenticate"), {"code": factories.totp_code(secret)})

    assert response.status_code == 302
    assert "Welcome, Nina" in client.get(reverse("home"), follow=True).content.decode()


def test_a_wrong_code_does_not_log_in(client, team_organizer):
    log_in(client, team_organizer.email)

    response = client.post(reverse("mfa_authenticate"), {"code": "123456"})

    assert "Incorrect code." in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_a_recovery_code_logs_in_once(client, newcomer):
    log_in(client, "lena@example.org")
    enrol_through_the_pages(client)
    code = Authenticator.objects.get(user=newcomer, type="recovery_codes").wrap()
    code = code.get_unused_codes()[0]
    client.post(reverse("account_logout"))

    log_in(client, "lena@example.org")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("home"), follow=True).status_code == 200
    client.post(reverse("account_logout"))

    log_in(client, "lena@example.org")
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert "Incorrect code." in response.content.decode()


# --- The demo switch -----------------------------------------------------------------------------

DEMO_NOTICE = "Two-factor authentication is switched off on this server (demo)."


def test_the_login_page_says_when_two_factor_is_off(client, db, settings):
    settings.MFA_REQUIRED = False

    page = client.get(reverse("account_login")).content.decode()

    assert DEMO_NOTICE in page
    assert "Real deployments require it for organizers and leads." in page


def test_the_login_page_says_nothing_when_two_factor_is_required(client, db):
    assert DEMO_NOTICE not in client.get(reverse("account_login")).content.decode()


def make_run(monkeypatch, **environ: str) -> tuple[dict, list[str]]:
    """`make run` up to where it starts the app, with the services and children faked: the
    environment its steps get and what it says."""
    import contextlib

    from devstack import commands as devstack
    from devstack.common import Service

    for name in ["MFA_REQUIRED", "PORT"]:
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    seen, said = {}, []
    monkeypatch.setattr(devstack, "check_web_port", lambda port: None)
    postgres = Service(url="postgres://postgres@127.0.0.1:5432/majority", description="")
    monkeypatch.setattr(
        devstack, "services_env", lambda stack, redis_db: (dict(os.environ), postgres)
    )
    monkeypatch.setattr(devstack, "run_step", lambda command, env: seen.update(env) or 0)
    monkeypatch.setattr(devstack, "start_app", lambda env, port, stack: {"web": None})
    monkeypatch.setattr(devstack, "wait_until_listening", lambda *args, **kwargs: None)
    monkeypatch.setattr(devstack, "watch", lambda children: 0)
    monkeypatch.setattr(devstack, "say", said.append)
    with contextlib.ExitStack() as stack:
        devstack.command_run([], stack)
    return seen, said


def test_make_run_switches_it_off_and_says_so(monkeypatch):
    env, said = make_run(monkeypatch)

    assert env["MFA_REQUIRED"] == "0"
    assert any("Two-factor authentication is off in this demo" in line for line in said)


def test_make_run_signs_the_demo_with_its_own_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY_FILE", raising=False)

    env, _said = make_run(monkeypatch)

    assert "SECRET_KEY" not in env
    assert env["SECRET_KEY_FILE"].endswith(os.path.join(".data", "secret_key"))


def test_make_run_keeps_it_on_when_asked(monkeypatch):
    env, said = make_run(monkeypatch, MFA_REQUIRED="1")

    assert env["MFA_REQUIRED"] == "1"
    assert not any("Two-factor" in line for line in said)


# --- The admin -----------------------------------------------------------------------------------


@pytest.fixture
def admin_on(settings):
    settings.ADMIN_ENABLED = True
    reload_urls()
    yield
    settings.ADMIN_ENABLED = False
    reload_urls()


def reload_urls() -> None:
    import organizing.urls

    importlib.reload(organizing.urls)
    clear_url_caches()


@pytest.fixture
def staff(db):
    user = factories.user(email="sam@example.org")
    user.is_staff = True
    user.save()
    return user


def test_the_admin_is_off_by_default(client, staff):
    factories.enrol_totp(staff)
    client.force_login(staff)

    assert client.get("/admin/").status_code == 404


def test_staff_without_a_second_factor_cannot_use_the_admin(client, staff, admin_on):
    client.force_login(staff)

    response = client.get("/admin/")

    assert response["Location"] == TWO_FACTOR
    assert client.get("/admin/members/user/").status_code == 302


def test_staff_with_a_second_factor_can_use_the_admin(client, staff, admin_on):
    factories.enrol_totp(staff)
    client.force_login(staff)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Site administration" in response.content.decode()


def test_the_admin_checks_the_second_factor_itself_too(rf, staff, admin_on):
    from django.contrib import admin

    request = rf.get("/admin/")
    request.user = staff
    assert admin.site.has_permission(request) is False

    factories.enrol_totp(staff)
    assert admin.site.has_permission(request) is True


def test_anyone_else_is_asked_to_log_in_to_the_admin(client, lead, admin_on):
    client.force_login(lead)

    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/login/").status_code == 403


# --- In a browser --------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_organizer_enrols_on_their_phone_then_adds_a_passkey_and_logs_in_with_it(
    page, live_server, committee
):
    """The QR code shows, nothing breaks the Content-Security-Policy, nothing comes from another
    host; a passkey (Chromium's virtual authenticator) stands in for the app's code."""
    from playwright.sync_api import expect

    factories.member_of(
        committee, Membership.Role.ORGANIZER, email="lena@example.org", name="Lena", mfa=False
    )
    trouble = []
    page.on("console", lambda m: trouble.append(m.text) if "Content Security" in m.text else None)
    page.on(
        "request",
        lambda r: None if r.url.startswith((live_server.url, "data:")) else trouble.append(r.url),
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )

    def log_in():
        page.goto(live_server.url + reverse("account_login"))
        page.get_by_label("Email").fill("lena@example.org")
        page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
        page.get_by_role("button", name="Log in").click()

    log_in()
    page.get_by_role("link", name="Set up an authenticator app").click()
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    qr = page.get_by_role("img", name=re.compile("Square code"))
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.naturalWidth") > 100
    otpauth = page.get_by_role("link", name="On this phone? Open in my authenticator app")
    assert otpauth.get_attribute("href").startswith("otpauth://totp/")
    secret = page.get_by_label("Or type this setup key into the app").input_value()
    page.get_by_label("Code from the app").fill(factories.totp_code(secret))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".mfa-codes li")).to_have_count(10)

    page.get_by_role("link", name="Two-factor").click()
    page.get_by_role("link", name="Add a key").click()
    expect(page.get_by_role("heading", name="Add a passkey or security key")).to_be_visible()
    page.wait_for_load_state()  # the key is added by a deferred script: let it run first
    page.get_by_role("button", name="Add the key").click()
    expect(page.get_by_text("You have added 1 key.")).to_be_visible()

    nav_more(page, "Log out", role="button")
    log_in()
    expect(page.get_by_role("button", name="Use a passkey or security key")).to_be_visible()
    page.wait_for_load_state()  # the passkey button works through a deferred script
    page.get_by_role("button", name="Use a passkey or security key").click()
    expect(page.get_by_role("heading", name="Welcome, Lena")).to_be_visible()
    assert trouble == []


def test_an_unenrolled_organizer_can_still_answer_their_own_invitation_link(
    client, committee, campaign, newcomer
):
    """The emailed link is its own key and shows no roster: it never asks for enrolment."""
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.actions.services.links import rsvp_link_token
    from campaigns.models import Action, Rsvp

    starts = timezone.now() + timedelta(days=3)
    action = Action.objects.create(
        committee=committee, campaign=campaign, title="Meeting", starts_at=starts,
        ends_at=starts + timedelta(hours=1), visibility="public",
    )  # fmt: skip
    person = factories.person(committee=committee, given_name="Nina")
    Rsvp.objects.create(action=action, person=person, invited_at=timezone.now())
    client.force_login(newcomer)

    link = reverse("rsvp_link", args=[rsvp_link_token(action=action, person=person)])
    assert client.get(link).status_code == 200
    assert client.get(reverse("action_public", args=[action.public_key])).status_code == 200
    assert client.get(chart_url(campaign))["Location"] == TWO_FACTOR  # the roster still asks


def test_the_pages_an_emailed_link_opens_never_ask_an_unenrolled_organizer_to_enrol(
    client, committee, campaign, newcomer
):
    """The RSVP page's own calendar file and the unsubscribe page are keyed by their link too."""
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.actions.services.links import rsvp_link_token
    from campaigns.models import Action, Rsvp
    from campaigns.outbox.services.consent import unsubscribe_token

    starts = timezone.now() + timedelta(days=3)
    action = Action.objects.create(
        committee=committee, campaign=campaign, title="Meeting", starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )  # fmt: skip
    person = factories.person(committee=committee, given_name="Nina")
    Rsvp.objects.create(action=action, person=person, invited_at=timezone.now())
    client.force_login(newcomer)

    token = rsvp_link_token(action=action, person=person)
    assert client.get(reverse("rsvp_link_ics", args=[token])).status_code == 200
    unsubscribe = unsubscribe_token(person=person)
    assert client.get(reverse("unsubscribe", args=[unsubscribe])).status_code == 200
    assert client.get(reverse("unsubscribe_one_click", args=[unsubscribe])).status_code == 200
