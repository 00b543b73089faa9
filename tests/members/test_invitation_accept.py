"""Following the invitation link: a new person sets a password; a known one logs in to join."""

from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import signing
from django.utils import timezone

from members.models import Invitation, Membership, User
from members.services import invitation_token, invitations_links_revoke


@pytest.fixture
def invitation(committee, lead):
    return Invitation.objects.create(
        committee=committee, email="ana@example.org", role="organizer", invited_by=lead
    )


def link(invitation) -> str:
    return f"/invitations/{invitation_token(invitation)}/"


def test_it_asks_the_invited_person_for_a_name_and_password(client, invitation):
    response = client.get(link(invitation))

    assert response.status_code == 200
    page = response.content.decode()
    assert "You are invited to join as Organizer" in page
    assert "ana@example.org" in page


def test_no_copy_of_the_page_is_kept_by_the_browser_or_a_proxy(client, invitation):
    response = client.get(link(invitation))

    assert "no-store" in response["Cache-Control"]


def test_it_creates_the_account_with_the_role_and_a_proven_email(client, invitation, committee):
    response = client.post(
        link(invitation),
        {"name": "Ana Flores", "password1": "union-strong-2026", "password2": "union-strong-2026"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    user = User.objects.get(email="ana@example.org")
    assert user.name == "Ana Flores"
    assert user.check_password("union-strong-2026")
    assert Membership.objects.get(user=user, committee=committee).role == "organizer"
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_by == user

    # and they can log in right away: no second email to verify
    response = client.post(
        "/accounts/login/", {"login": "ana@example.org", "password": "union-strong-2026"}
    )
    assert response.status_code == 302
    assert client.get("/")["Location"] == "/accounts/2fa/"  # an organizer enrols first


def test_it_keeps_what_was_typed_when_passwords_differ(client, invitation):
    response = client.post(
        link(invitation),
        {"name": "Ana Flores", "password1": "union-strong-2026", "password2": "union-strong-2025"},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "The two passwords differ." in page
    assert 'value="Ana Flores"' in page
    assert not User.objects.filter(email="ana@example.org").exists()


def test_it_refuses_a_weak_password_with_the_reason(client, invitation):
    response = client.post(
        link(invitation), {"name": "Ana", "password1": "12345678", "password2": "12345678"}
    )

    assert response.status_code == 422
    assert "This password is too common." in response.content.decode()


def test_it_works_only_once(client, invitation):
    data = {"name": "Ana", "password1": "union-strong-2026", "password2": "union-strong-2026"}
    client.post(link(invitation), data)

    response = client.get(link(invitation))

    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_it_expires(client, invitation, settings):
    url = link(invitation)
    later = timezone.now() + timedelta(days=settings.INVITATION_MAX_AGE_DAYS, hours=1)

    with time_machine.travel(later):
        response = client.get(url)

    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_it_rejects_a_tampered_link(client, invitation):
    token = invitation_token(invitation)

    response = client.get(f"/invitations/{token[:-2]}xx/")

    assert response.status_code == 404
    assert not User.objects.filter(email="ana@example.org").exists()


def test_the_link_names_no_id_and_opens_only_its_own_invitation(
    client, invitation, committee, lead
):
    bo = Invitation.objects.create(
        committee=committee, email="bo@example.org", role="member", invited_by=lead
    )
    token = invitation_token(invitation)

    assert ":" not in token  # not Django's signed (compressed) id
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="members.invitation")
    assert "ana@example.org" in client.get(link(invitation)).content.decode()
    assert "ana@example.org" not in client.get(link(bo)).content.decode()


def test_a_link_in_the_old_signed_format_no_longer_works(client, invitation):
    """Links emailed before the tokens became opaque carried the invitation's id: they end;
    the page asks for a new one, which a lead sends from the Team page."""
    old = signing.dumps(invitation.pk, salt="members.invitation", compress=True)

    response = client.get(f"/invitations/{old}/")

    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    assert "ana@example.org" not in response.content.decode()


def test_lockdown_ends_the_links_sent_and_a_new_one_works(client, invitation, committee):
    sent = link(invitation)

    assert invitations_links_revoke(committee) == 1

    assert client.get(sent).status_code == 404
    assert client.get(link(invitation)).status_code == 200  # sent again after the lockdown


def test_it_lets_someone_with_an_account_join_after_logging_in(
    client, invitation, member, committee
):
    invitation.email = member.email
    invitation.save()

    response = client.get(link(invitation))
    assert "Log in to accept" in response.content.decode()

    client.force_login(member)
    response = client.get(link(invitation))
    assert "Join Riverside Workers Committee" in response.content.decode()
    response = client.post(link(invitation))

    assert response.status_code == 302
    assert Membership.objects.get(user=member, committee=committee).role == "organizer"


def test_it_does_not_let_another_logged_in_user_take_the_invitation(client, invitation, organizer):
    client.force_login(organizer)

    response = client.post(link(invitation))

    assert response.status_code == 200
    assert "This invitation is for ana@example.org" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
