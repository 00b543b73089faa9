"""The allauth pages and emails a user meets speak our words, in our layout, and the emails
name the site by SITE_NAME, never by the host and port the request came to."""

import json
import re

import pytest

from members import services
from members.models import Invitation
from tests import factories
from tests.conftest import body_text

# What allauth says out of the box; a user of ours never reads it.
STOCK_WORDS = [
    "Sign In",
    "Sign-In",
    "sign-in",
    "Request Code",
    "Hello from",
    "Thank you for using",
    "Password Reset",
    "Reset My Password",
    "Bad Token",
    "Confirm Access",
    "Please reauthenticate",
    "Verify Your Email",
    "Email Verification Code",
    "Confirm Email Address",
    "Sign Out",
    "Sign Up",
    "Change Password",
    "Account Inactive",
]


def assert_ours(page: str) -> str:
    assert 'class="topbar"' in page, "not in our layout"
    assert "Skip to content" in page
    spoken = [words for words in STOCK_WORDS if words in page]
    assert not spoken, f"allauth's stock words on the page: {spoken}"
    return page


def heading(page: str) -> str:
    return " ".join(re.search(r"<h1>(.*?)</h1>", page, re.DOTALL).group(1).split())


def assert_our_email(message, *, site_name: str = "Majority") -> str:
    text = body_text(message)
    spoken = [words for words in STOCK_WORDS if words in text or words in message["Subject"]]
    assert not spoken, f"allauth's stock words in the email: {spoken}"
    assert site_name in message["Subject"]
    assert f"— {site_name}" in text
    return text


def emailed_code(text: str) -> str:
    return re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", text, re.MULTILINE).group(1)


def test_it_asks_for_a_login_code_in_our_words(client, db):
    page = client.get("/accounts/login/code/").content.decode()

    assert_ours(page)
    assert heading(page) == "Email me a login code"
    assert "Log in with a password instead" in page


def test_it_emails_the_login_code_naming_the_site_and_asks_for_it_in_our_words(
    client, member, mailbox, settings
):
    settings.SITE_NAME = "Riverside Majority"
    settings.SITE_URL = "https://majority.example.org"

    response = client.post("/accounts/login/code/", {"email": "tomas@example.org"}, follow=True)

    page = response.content.decode()
    assert_ours(page)
    assert "Type your login code" in page
    assert "We emailed a login code to tomas@example.org." in page
    [email] = mailbox.wait_for(1)
    assert email["Subject"] == "Your login code for Riverside Majority"
    text = assert_our_email(email, site_name="Riverside Majority")
    assert "Type it on the Riverside Majority page" in text
    assert text.split()[-4:] == ["—", "Riverside", "Majority", "https://majority.example.org"]
    assert "testserver" not in text
    response = client.post("/accounts/login/code/confirm/", {"code": emailed_code(text)})
    assert response.status_code == 302


def test_a_login_code_for_an_unknown_address_says_accounts_are_by_invitation(client, db, mailbox):
    client.post("/accounts/login/code/", {"email": "stranger@example.org"})

    [email] = mailbox.wait_for(1)
    text = assert_our_email(email)
    assert "accounts are by invitation" in text
    assert "/accounts/signup/" not in text


def test_it_resets_a_password_in_our_words(client, organizer, mailbox):
    assert_ours(client.get("/accounts/password/reset/").content.decode())

    response = client.post(
        "/accounts/password/reset/", {"email": "marcus@example.org"}, follow=True
    )

    assert_ours(response.content.decode())
    assert "Check your email" in response.content.decode()
    [email] = mailbox.wait_for(1)
    assert email["Subject"] == "Choose a new password for Majority"
    text = assert_our_email(email)
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", text).group(1)
    response = client.get(link, follow=True)
    assert_ours(response.content.decode())
    assert "Choose a new password" in response.content.decode()


def test_a_used_password_reset_link_says_so_in_our_words(client, db):
    page = client.get("/accounts/password/reset/key/1-x/", follow=True).content.decode()

    assert_ours(page)
    assert "This link no longer works" in page


def test_open_signup_confirms_the_email_in_our_words(client, settings, mailbox, db):
    settings.SIGNUP_OPEN = True

    response = client.post(
        "/accounts/signup/",
        {
            "email": "walkin@example.org",
            "name": "Walk In",
            "password1": "x-long-pass-77",
            "password2": "x-long-pass-77",
        },
        follow=True,
    )

    page = assert_ours(response.content.decode())
    assert heading(page) == "Confirm your email address"
    [email] = mailbox.wait_for(1)
    assert email["Subject"] == "Confirm your email address for Majority"
    assert emailed_code(assert_our_email(email))


@pytest.mark.parametrize("path", ["/accounts/reauthenticate/", "/accounts/2fa/reauthenticate/"])
def test_it_asks_to_confirm_it_is_you_in_our_words(client, team_organizer, path):
    client.force_login(team_organizer)

    page = assert_ours(client.get(path).content.decode())

    assert heading(page) == "Confirm it is you"


def test_the_two_factor_prompt_and_logout_speak_our_words(client, team_organizer):
    client.post("/accounts/login/", {"login": "nina@example.org", "password": factories.PASSWORD})
    assert_ours(client.get("/accounts/2fa/authenticate/").content.decode())
    client.post(
        "/accounts/2fa/authenticate/",
        {"code": factories.totp_code(factories.totp_secret(team_organizer))},
    )

    page = client.get("/accounts/logout/").content.decode()

    assert_ours(page)
    assert heading(page) == "Log out"


def test_closed_signup_says_accounts_are_by_invitation(client, db):
    page = assert_ours(client.get("/accounts/signup/").content.decode())

    assert heading(page) == "Accounts are by invitation"


def test_open_signup_and_changing_a_password_speak_our_words(client, settings, team_organizer):
    settings.SIGNUP_OPEN = True
    page = assert_ours(client.get("/accounts/signup/").content.decode())
    assert heading(page) == "Create an account"

    client.force_login(team_organizer)
    page = assert_ours(client.get("/accounts/password/change/").content.decode())

    assert heading(page) == "Change your password"
    assert "Save the new password" in page


def test_the_email_addresses_page_speaks_our_words(client, team_organizer):
    client.force_login(team_organizer)

    page = assert_ours(client.get("/accounts/email/").content.decode())

    assert heading(page) == "Your email addresses"
    assert "Make it the main address" in page
    assert "Make Primary" not in page and "Re-send Verification" not in page
    # allauth's script asks before removing an address, in our words.
    blocks = re.findall(r'"application/json">(.*?)</script>', page, re.DOTALL)
    words = next(block for block in blocks if '"i18n"' in block)
    assert json.loads(words) == {
        "i18n": {"confirmDelete": "Remove this email address from your account?"}
    }


@pytest.mark.parametrize(
    ("path", "title"),
    [
        ("/accounts/2fa/totp/deactivate/", "Turn off the authenticator app"),
        ("/accounts/2fa/recovery-codes/generate/", "Make new recovery codes"),
    ],
)
def test_the_two_factor_settings_speak_our_words(client, team_organizer, path, title):
    client.post("/accounts/login/", {"login": "nina@example.org", "password": factories.PASSWORD})
    client.post(
        "/accounts/2fa/authenticate/",
        {"code": factories.totp_code(factories.totp_secret(team_organizer))},
    )

    client.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})

    page = assert_ours(client.get(path).content.decode())

    assert heading(page) == title


def test_the_invitation_names_the_site_by_site_name(committee, lead, mailbox, settings):
    settings.SITE_NAME = "Riverside Majority"
    invitation = Invitation.objects.create(
        committee=committee, email="ana@example.org", role="member", invited_by=lead
    )

    services.invitation_send(invitation_id=invitation.pk)

    [email] = mailbox.wait_for(1)
    assert " ".join(email["Subject"].split()) == (
        "You're invited to join Riverside Workers Committee on Riverside Majority"
    )


@pytest.mark.parametrize(
    ("action", "title"),
    [
        ("edit", "Rename this passkey or security key"),
        ("remove", "Remove this passkey or security key?"),
    ],
)
def test_renaming_or_removing_a_security_key_speaks_our_words(
    client, team_organizer, action, title
):
    from allauth.mfa.models import Authenticator

    key = Authenticator.objects.create(
        user=team_organizer,
        type=Authenticator.Type.WEBAUTHN,
        data={"name": "Work phone", "credential": {}},
    )
    client.post("/accounts/login/", {"login": "nina@example.org", "password": factories.PASSWORD})
    client.post(
        "/accounts/2fa/authenticate/",
        {"code": factories.totp_code(factories.totp_secret(team_organizer))},
    )
    client.post("/accounts/reauthenticate/", {"password": factories.PASSWORD})

    response = client.get(f"/accounts/2fa/webauthn/keys/{key.pk}/{action}/")
    page = assert_ours(response.content.decode())

    assert heading(page) == title
    assert "Security Key" not in page
