"""The team page: leads invite organizers and members; everyone else is kept out."""

import re

import pytest

from members.models import Invitation, Membership
from tests.conftest import body_text


def team_url(committee) -> str:
    return f"/committees/{committee.pk}/team/"


def test_it_shows_the_lead_the_team_and_the_invite_form(client, lead, organizer, committee):
    client.force_login(lead)

    response = client.get(team_url(committee))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Marcus Bell" in page and "Rosa Delgado" in page
    assert "Send invitation" in page


def test_it_shows_an_organizer_the_team_without_the_invite_form(client, organizer, committee):
    client.force_login(organizer)

    response = client.get(team_url(committee))

    assert response.status_code == 200
    assert "Send invitation" not in response.content.decode()


def test_it_forbids_an_organizer_to_invite(client, organizer, committee):
    client.force_login(organizer)

    response = client.post(team_url(committee), {"email": "new@example.org", "role": "lead"})

    assert response.status_code == 403
    assert not Invitation.objects.exists()


def test_it_forbids_a_member_to_read_the_team(client, member, committee):
    client.force_login(member)

    assert client.get(team_url(committee)).status_code == 403


def test_it_hides_the_team_from_a_lead_of_another_committee(client, outsider, lead, committee):
    client.force_login(outsider)

    response = client.get(team_url(committee))

    assert response.status_code == 404
    assert "Rosa Delgado" not in response.content.decode()


def test_it_sends_the_invitation_email_with_a_working_link(
    client, lead, committee, mailbox, django_capture_on_commit_callbacks
):
    client.force_login(lead)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            team_url(committee), {"email": "New.Person@Example.org", "role": "organizer"}
        )

    assert response.status_code == 302
    [email] = mailbox.wait_for(1)
    assert email["To"] == "new.person@example.org"
    assert "Riverside Workers Committee" in email["Subject"]
    link = re.search(r"http://\S+/invitations/\S+/", body_text(email)).group(0)
    assert client.get(link.removeprefix("http://127.0.0.1:8000")).status_code == 200
    invitation = Invitation.objects.get()
    assert invitation.sent_at is not None
    assert invitation.send_attempts == 1
    page = client.get(team_url(committee)).content.decode()
    assert "new.person@example.org" in page and "Sent" in page


def test_it_keeps_what_was_typed_when_the_email_is_bad(client, lead, committee):
    client.force_login(lead)

    response = client.post(team_url(committee), {"email": "rosa@", "role": "member"})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Enter a valid email address." in page
    assert 'value="rosa@"' in page
    assert re.search(r'<option value="member" selected>', page)
    assert not Invitation.objects.exists()


def test_it_refuses_to_invite_someone_already_on_the_team(client, lead, organizer, committee):
    client.force_login(lead)

    response = client.post(team_url(committee), {"email": "MARCUS@example.org", "role": "lead"})

    assert response.status_code == 422
    assert "already on this committee" in response.content.decode()
    assert Membership.objects.get(user=organizer).role == Membership.Role.ORGANIZER


def test_it_answers_htmx_with_the_list_the_cleared_form_and_the_message(
    client, lead, committee, mailbox, django_capture_on_commit_callbacks
):
    client.force_login(lead)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            team_url(committee),
            {"email": "ana@example.org", "role": "member"},
            headers={"HX-Request": "true"},
        )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "ana@example.org" in page
    assert 'id="invite-fields" hx-swap-oob="true"' in page
    assert 'value="ana@example.org"' not in page  # the form is cleared for the next one
    assert "Invitation sent to ana@example.org." in page


def test_it_inviting_twice_refreshes_one_invitation(
    client, lead, committee, mailbox, django_capture_on_commit_callbacks
):
    client.force_login(lead)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(team_url(committee), {"email": "ana@example.org", "role": "member"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(team_url(committee), {"email": "ANA@example.org", "role": "organizer"})

    invitation = Invitation.objects.get()
    assert invitation.role == Membership.Role.ORGANIZER
    assert len(mailbox.wait_for(2)) == 2


@pytest.mark.parametrize("action", ["cancel", "resend"])
def test_it_lets_only_leads_manage_invitations(client, organizer, lead, committee, action):
    invitation = Invitation.objects.create(
        committee=committee, email="ana@example.org", role="member", invited_by=lead
    )
    url = f"/committees/{committee.pk}/invitations/{invitation.pk}/{action}/"
    client.force_login(organizer)

    assert client.post(url).status_code == 403
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_it_withdraws_an_invitation_so_its_link_stops_working(client, lead, committee, mailbox):
    from members.services import invitation_token

    invitation = Invitation.objects.create(
        committee=committee, email="ana@example.org", role="member", invited_by=lead
    )
    link = f"/invitations/{invitation_token(invitation)}/"
    client.force_login(lead)

    response = client.post(f"/committees/{committee.pk}/invitations/{invitation.pk}/cancel/")

    assert response.status_code == 302
    client.logout()
    assert client.get(link).status_code == 404


def test_it_hides_another_committees_invitation(client, lead, outsider, other_committee):
    invitation = Invitation.objects.create(
        committee=other_committee, email="x@example.org", role="member", invited_by=outsider
    )
    client.force_login(lead)
    committee_id = lead.memberships.get().committee_id

    url = f"/committees/{committee_id}/invitations/{invitation.pk}/cancel/"
    assert client.post(url).status_code == 404
    assert Invitation.objects.filter(pk=invitation.pk).exists()
