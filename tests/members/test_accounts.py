"""Logging in: with a password, with an emailed code, resetting a password; signup by
invitation only unless the committee opens it; allauth's rate limits are on."""

import re

from members.models import User
from tests import factories
from tests.conftest import body_text


def test_it_logs_in_with_email_and_password(client, organizer):
    response = client.post(
        "/accounts/login/", {"login": "marcus@example.org", "password": factories.PASSWORD}
    )
    # Organizers have an authenticator app: its code comes next.
    assert response["Location"] == "/accounts/2fa/authenticate/"
    code = factories.totp_code(factories.totp_secret(organizer))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})

    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert "Welcome, Marcus" in home


def test_it_keeps_the_email_and_says_why_when_the_password_is_wrong(client, organizer):
    response = client.post("/accounts/login/", {"login": "marcus@example.org", "password": "nope"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The email address and/or password you specified are not correct." in page
    assert 'value="marcus@example.org"' in page


def test_it_logs_in_a_member_with_an_emailed_code(client, member, mailbox):
    response = client.post("/accounts/login/code/", {"email": "tomas@example.org"})
    assert response.status_code == 302

    [email] = mailbox.wait_for(1)
    assert email["To"] == "tomas@example.org"
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", body_text(email), re.MULTILINE).group(1)
    response = client.post(response["Location"], {"code": code})

    assert response.status_code == 302
    landing = client.get("/", follow=True)
    assert landing.wsgi_request.user.name == "Tomás Rivera"
    assert "My actions" in landing.content.decode()


def test_it_emails_a_password_reset_link_that_works(client, organizer, mailbox):
    client.post("/accounts/password/reset/", {"email": "marcus@example.org"})

    [email] = mailbox.wait_for(1)
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", body_text(email))
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    response = client.post(
        form_url, {"password1": "a-brand-new-secret-9", "password2": "a-brand-new-secret-9"}
    )

    assert response.status_code == 302
    organizer.refresh_from_db()
    assert organizer.check_password("a-brand-new-secret-9")


def test_signup_is_closed_by_default(client, db):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "walkin@example.org",
            "password1": "x-long-pass-77",
            "password2": "x-long-pass-77",
        },
    )

    assert "Accounts are by invitation" in response.content.decode()
    assert not User.objects.filter(email="walkin@example.org").exists()


def test_open_signup_asks_to_verify_the_email(client, settings, mailbox, db):
    settings.SIGNUP_OPEN = True

    response = client.post(
        "/accounts/signup/",
        {
            "email": "walkin@example.org",
            "name": "Walk In",
            "password1": "x-long-pass-77",
            "password2": "x-long-pass-77",
        },
    )

    assert response.status_code == 302
    user = User.objects.get(email="walkin@example.org")
    assert user.name == "Walk In"
    [email] = mailbox.wait_for(1)
    assert email["To"] == "walkin@example.org"
    # not logged in until the email is verified
    assert client.get("/").status_code == 302


def test_it_rate_limits_repeated_failed_logins(client, organizer):
    for _ in range(5):
        client.post("/accounts/login/", {"login": "marcus@example.org", "password": "wrong"})

    response = client.post(
        "/accounts/login/", {"login": "marcus@example.org", "password": factories.PASSWORD}
    )

    assert "Too many failed login attempts" in response.content.decode()
    assert client.get("/").status_code == 302  # still logged out


def test_the_login_page_says_signup_is_by_invitation(client, db):
    page = client.get("/accounts/login/").content.decode()

    assert "Accounts are by invitation" in page
    assert "Email me a login code" in page
