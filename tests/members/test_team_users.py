"""A committee lead manages the committee's users from the Team page: deactivate (and every
way in ends), reactivate, change a role, remove from the committee; never leaving the
committee without a lead. Organizers see their own campaigns' teams and the leads only."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import NoReverseMatch, reverse

from campaigns.models import TeamMember
from members import links
from members.audit import audit_events, audit_lines
from members.models import AuditEvent, Membership, User
from tests import factories

Kind = AuditEvent.Kind


def team_url(committee) -> str:
    return reverse("team", args=[committee.pk])


def manage_url(name: str, committee, user) -> str:
    return reverse(name, args=[committee.pk, user.pk])


def logged_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def log_in_with_password(client: Client, user):
    return client.post(
        reverse("account_login"), {"login": user.email, "password": factories.PASSWORD}
    )


def audit_text(committee) -> list[str]:
    events = list(audit_events(committee=committee))
    return [line.text for line in audit_lines(events, committee=committee, campaigns={})]


# --- Who sees whom -------------------------------------------------------------------------------


def test_an_organizer_sees_their_campaigns_team_and_the_leads_not_every_login(
    client, committee, lead, team_organizer, outside_organizer, member
):
    teammate = factories.member_of(committee, Membership.Role.ORGANIZER, name="Ines Team")
    factories.on_team(campaign=TeamMember.objects.get(user=team_organizer).campaign, user=teammate)
    client.force_login(team_organizer)

    page = client.get(team_url(committee)).content.decode()

    assert "Rosa Delgado" in page  # the committee's lead
    assert "Ines Team" in page and "Nina Okafor" in page  # the Harbor team
    assert "Omar Haddad" not in page  # on another campaign only
    assert "Tomás Rivera" not in page  # a member
    assert "Pending invitations" not in page
    assert "Deactivate" not in page


def test_a_lead_sees_everyone_with_what_they_can_do(
    client, committee, lead, team_organizer, outside_organizer, member
):
    client.force_login(lead)

    page = client.get(team_url(committee)).content.decode()

    for name in ["Nina Okafor", "Omar Haddad", "Tomás Rivera"]:
        assert name in page
    assert manage_url("user_deactivate", committee, member) in page
    assert manage_url("membership_role", committee, member) in page
    assert manage_url("membership_remove", committee, member) in page
    assert reverse("lockdown", args=[committee.pk]) in page


# --- Deactivating --------------------------------------------------------------------------------


def test_deactivating_asks_first_and_changes_nothing_until_confirmed(
    client, committee, lead, organizer
):
    client.force_login(lead)

    page = client.get(manage_url("user_deactivate", committee, organizer)).content.decode()

    assert "Deactivate Marcus Bell’s login?" in page
    assert "Everything they recorded stays" in page
    assert User.objects.get(pk=organizer.pk).is_active


def test_deactivating_logs_the_user_out_on_every_device_for_good(committee, lead, organizer):
    laptop, phone, lead_browser = Client(), Client(), Client()
    laptop.force_login(organizer)
    phone.force_login(organizer)
    lead_browser.force_login(lead)
    assert logged_in(laptop) and logged_in(phone)

    response = lead_browser.post(manage_url("user_deactivate", committee, organizer))

    assert response.status_code == 302
    page = lead_browser.get(response["Location"]).content.decode()
    assert "Marcus Bell can no longer log in" in page and "Deactivated" in page
    assert not logged_in(laptop) and not logged_in(phone)
    assert logged_in(lead_browser)
    user_sessions = [
        s
        for s in Session.objects.all()
        if s.get_decoded().get("_auth_user_id") == str(organizer.pk)
    ]
    assert user_sessions == []
    # Reactivating lets them log in again; the ended sessions do not come back.
    assert lead_browser.post(manage_url("user_reactivate", committee, organizer)).status_code == 302
    assert User.objects.get(pk=organizer.pk).is_active
    assert not logged_in(laptop) and not logged_in(phone)
    assert audit_text(committee)[:2] == [
        "Reactivated Marcus Bell's login",
        "Deactivated Marcus Bell's login; 2 sessions ended",
    ]


def test_a_deactivated_user_cannot_log_in_with_a_password(client, committee, lead, organizer):
    Client().force_login(lead)
    lead_browser = Client()
    lead_browser.force_login(lead)
    lead_browser.post(manage_url("user_deactivate", committee, organizer))

    response = log_in_with_password(client, organizer)

    assert response["Location"] == reverse("account_inactive")
    assert "This login is deactivated" in client.get(response["Location"]).content.decode()
    assert not logged_in(client)


def test_a_deactivated_user_gets_no_login_code(client, committee, lead, member, mailoutbox):
    lead_browser = Client()
    lead_browser.force_login(lead)
    lead_browser.post(manage_url("user_deactivate", committee, member))

    response = client.post(reverse("account_request_login_code"), {"email": member.email})
    # The page moves on as for any address (it tells no one who has an account)...
    assert response.status_code == 302
    # ...but the email holds no code, and no code opens the account.
    assert not any(re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", m.body) for m in mailoutbox)
    client.post(response["Location"], {"code": "ABCD-EFGH"})
    assert not logged_in(client)


def test_a_login_code_asked_for_before_the_deactivation_stops_working(
    client, committee, lead, member, mailoutbox
):
    response = client.post(reverse("account_request_login_code"), {"email": member.email})
    confirm = response["Location"]
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", mailoutbox[0].body).group(0)
    lead_browser = Client()
    lead_browser.force_login(lead)

    lead_browser.post(manage_url("user_deactivate", committee, member))
    client.post(confirm, {"code": code})

    assert not logged_in(client)
    event = AuditEvent.objects.get(kind=Kind.USER_DEACTIVATE)
    assert event.detail["pending_logins"] == 1, event.detail


def test_a_deactivated_user_cannot_log_in_with_a_security_key(client, committee, lead, organizer):
    """A security key is a second factor here (passkey login is off): allauth checks that the
    account is active once the password is right, before any second factor is asked for, so
    a deactivated user never reaches the key. Someone halfway there, password typed and the
    key not yet touched, has their pending login ended with their sessions."""
    Authenticator.objects.filter(user=organizer).delete()
    Authenticator.objects.create(user=organizer, type=Authenticator.Type.WEBAUTHN, data={})
    halfway = Client()
    assert log_in_with_password(halfway, organizer)["Location"] == reverse("mfa_authenticate")
    lead_browser = Client()
    lead_browser.force_login(lead)

    lead_browser.post(manage_url("user_deactivate", committee, organizer))

    assert halfway.get(reverse("mfa_authenticate"))["Location"] == reverse("account_login")
    assert log_in_with_password(client, organizer)["Location"] == reverse("account_inactive")
    with pytest.raises(NoReverseMatch):
        reverse("mfa_login_webauthn")  # no login with a key alone


def test_a_lead_cannot_deactivate_the_committees_only_lead(client, committee, lead, organizer):
    client.force_login(lead)

    response = client.post(manage_url("user_deactivate", committee, lead))

    assert response.status_code == 422
    assert (
        "You are the only lead of this committee: make someone else a lead first, or no one "
        "would be left to manage it." in response.content.decode()
    )
    assert User.objects.get(pk=lead.pk).is_active
    assert logged_in(client)


def test_a_user_of_another_committee_too_is_removed_rather_than_deactivated(
    client, committee, other_committee, lead, organizer
):
    Membership.objects.create(committee=other_committee, user=organizer, role="member")
    client.force_login(lead)

    response = client.post(manage_url("user_deactivate", committee, organizer))

    assert response.status_code == 422
    assert "also on another committee" in response.content.decode()
    assert User.objects.get(pk=organizer.pk).is_active


# --- Roles and removal ---------------------------------------------------------------------------


def test_a_lead_changes_a_role_and_it_is_audited(client, committee, lead, team_organizer):
    client.force_login(lead)

    response = client.post(
        manage_url("membership_role", committee, team_organizer), {"role": "member"}
    )

    assert response.status_code == 302
    assert Membership.objects.get(user=team_organizer).role == "member"
    assert not TeamMember.objects.filter(user=team_organizer).exists()  # off every team
    assert audit_text(committee)[0] == "Nina Okafor went from Organizer to Member"


def test_a_bad_role_is_refused_with_the_form_again(client, committee, lead, organizer):
    client.force_login(lead)

    response = client.post(manage_url("membership_role", committee, organizer), {"role": "boss"})

    assert response.status_code == 422
    assert "Select a valid choice." in response.content.decode()
    assert Membership.objects.get(user=organizer).role == "organizer"


def test_the_only_lead_cannot_demote_themself(client, committee, lead):
    client.force_login(lead)

    response = client.post(manage_url("membership_role", committee, lead), {"role": "organizer"})

    assert response.status_code == 422
    assert "You are the only lead of this committee" in response.content.decode()
    assert Membership.objects.get(user=lead).role == "lead"


def test_a_lead_can_step_down_when_another_lead_remains(client, committee, lead):
    factories.member_of(committee, Membership.Role.LEAD, name="Second Lead")
    client.force_login(lead)

    response = client.post(manage_url("membership_role", committee, lead), {"role": "organizer"})

    assert response.status_code == 302
    assert Membership.objects.get(user=lead).role == "organizer"


def test_removing_someone_takes_them_off_the_committee_and_its_teams(
    client, committee, campaign, lead, team_organizer
):
    client.force_login(lead)
    page = client.get(manage_url("membership_remove", committee, team_organizer)).content.decode()
    assert "Remove Nina Okafor from the committee?" in page

    response = client.post(manage_url("membership_remove", committee, team_organizer))

    assert response.status_code == 302
    assert not Membership.objects.filter(user=team_organizer).exists()
    assert not TeamMember.objects.filter(user=team_organizer).exists()
    assert User.objects.filter(pk=team_organizer.pk, is_active=True).exists()  # keeps a login
    nina = Client()
    nina.force_login(team_organizer)
    assert nina.get(reverse("campaign_chart", args=[campaign.pk])).status_code == 404
    assert audit_text(committee)[0] == "Removed Nina Okafor (Organizer) from the committee"


def test_the_only_lead_cannot_leave(client, committee, lead):
    client.force_login(lead)

    response = client.post(manage_url("membership_remove", committee, lead))

    assert response.status_code == 422
    assert Membership.objects.filter(user=lead, role="lead").exists()


def test_a_user_of_another_committee_is_not_found(client, committee, lead, outsider):
    client.force_login(lead)

    for name in ["user_deactivate", "membership_role", "membership_remove"]:
        assert client.post(manage_url(name, committee, outsider)).status_code == 404
    assert User.objects.get(pk=outsider.pk).is_active


def test_a_lead_can_deactivate_themself_when_another_lead_remains(client, committee, lead):
    factories.member_of(committee, Membership.Role.LEAD, name="Second Lead")
    client.force_login(lead)

    response = client.post(manage_url("user_deactivate", committee, lead))

    assert response["Location"] == reverse("account_login")
    assert not logged_in(client)
    assert not User.objects.get(pk=lead.pk).is_active


def test_deactivating_ends_the_emailed_links_that_let_the_user_in(
    client, committee, lead, member, monkeypatch
):
    """Each area that emails links (RSVP, calendar feed, snooze) registers how to end them."""
    asked = []
    monkeypatch.setitem(links.REVOKERS, "calendar", lambda c, u: asked.append((c, u)) or 1)
    client.force_login(lead)

    client.post(manage_url("user_deactivate", committee, member))

    assert asked == [(committee, member)]
    event = AuditEvent.objects.get(kind=Kind.USER_DEACTIVATE)
    assert event.detail["links"] == {**event.detail["links"], "calendar": 1}
    assert sum(event.detail["links"].values()) == 1, "the other areas' revokers found none"
