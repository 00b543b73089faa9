"""Lockdown: a committee lead logs everyone of the committee out everywhere but their own
browser, ends pending login codes and every emailed link that lets someone in, in one
confirmed step; the page says what it ended and how people get back in."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from members import links
from members.models import AuditEvent, Invitation, Membership
from members.services import invitation_token
from tests import factories


def lockdown_url(committee) -> str:
    return reverse("lockdown", args=[committee.pk])


def logged_in(client: Client) -> bool:
    return client.get(reverse("home")).status_code == 200


def devices(user, count: int) -> list[Client]:
    found = []
    for _ in range(count):
        client = Client()
        client.force_login(user)
        found.append(client)
    return found


@pytest.fixture
def ended_links(monkeypatch):
    """An area that issues emailed links, as RSVP links and calendar feeds register."""
    asked = []

    def revoke(committee, user):
        asked.append((committee, user))
        return 3

    monkeypatch.setitem(links.REVOKERS, "rsvp", revoke)
    return asked


def test_it_asks_first_and_ends_nothing_on_the_way(client, committee, lead, organizer, member):
    phone = devices(organizer, 1)[0]
    client.force_login(lead)

    page = client.get(lockdown_url(committee)).content.decode()

    assert "Log everyone out and end every link?" in page
    assert "The committee’s 3 users are logged out on every phone and computer" in page
    assert logged_in(phone)
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKDOWN).exists()


def test_it_logs_out_every_device_of_every_user_but_the_leads_own_browser(
    committee, lead, organizer, member, outsider, ended_links, mailoutbox
):
    laptop, lead_phone = devices(lead, 2)
    others = devices(organizer, 2) + devices(member, 3)
    outsiders_laptop = devices(outsider, 1)[0]  # another committee's lead: not ours to end
    halfway = Client()  # a login code emailed to the member, not yet typed
    halfway.post(reverse("account_request_login_code"), {"email": member.email})
    code = re.search(r"[A-Z0-9]{4}-[A-Z0-9]{4}", mailoutbox[0].body).group(0)
    invitation = Invitation.objects.create(
        committee=committee, email="ana@example.org", role="member", invited_by=lead
    )
    invitation_link = reverse("invitation_accept", args=[invitation_token(invitation)])

    response = laptop.post(lockdown_url(committee), follow=True)

    assert response.redirect_chain == [(lockdown_url(committee), 302)]
    page = response.content.decode()
    assert "Everyone is logged out" in page
    assert "6 sessions logged out." in page  # the lead's phone, 2 + 3 devices
    assert "1 login partway done" in page
    assert "3 links ended" in page
    assert "1 pending invitation withdrawn." in page and "ana@example.org" in page
    assert "Members use the new links in the next emails they get" in page
    assert "must add the calendar again" in page
    assert logged_in(laptop)
    assert not any(logged_in(device) for device in [lead_phone, *others])
    assert logged_in(outsiders_laptop)
    halfway.post(reverse("account_confirm_login_code"), {"code": code})
    assert not logged_in(halfway)
    assert Client().get(invitation_link).status_code == 404
    assert ended_links == [(committee, None)]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LOCKDOWN)
    assert (event.actor, event.count) == (lead, 6)
    assert event.detail == {
        "sessions": 6,
        "pending_logins": 1,
        "links": {**event.detail["links"], "rsvp": 3},  # the other areas' revokers found none
        "invitations": 1,
    }
    assert sum(event.detail["links"].values()) == 3
    reloaded = laptop.get(lockdown_url(committee)).content.decode()
    assert "Everyone is logged out" not in reloaded, "reloading reports nothing, ends nothing"
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.LOCKDOWN).count() == 1
    audit_page = laptop.get(reverse("audit_log", args=[committee.pk])).content.decode()
    assert "Lockdown: 6 sessions logged out, 3 emailed links and 1 invitations ended" in audit_page


def test_people_get_back_in_by_logging_in_again(client, committee, lead, organizer):
    phone = devices(organizer, 1)[0]
    laptop = devices(lead, 1)[0]
    laptop.post(lockdown_url(committee))
    assert not logged_in(phone)

    response = phone.post(
        reverse("account_login"), {"login": organizer.email, "password": factories.PASSWORD}
    )
    phone.post(
        response["Location"], {"code": factories.totp_code(factories.totp_secret(organizer))}
    )

    assert logged_in(phone)


@pytest.mark.parametrize("role", [Membership.Role.ORGANIZER, Membership.Role.MEMBER])
def test_only_a_lead_locks_down(client, committee, lead, role):
    user = factories.member_of(committee, role)
    lead_phone = devices(lead, 1)[0]
    client.force_login(user)

    assert client.post(lockdown_url(committee)).status_code == 403
    assert logged_in(lead_phone)


def test_the_team_page_leads_a_lead_to_it(client, committee, lead):
    client.force_login(lead)

    page = client.get(reverse("team", args=[committee.pk])).content.decode()

    assert f'href="{lockdown_url(committee)}"' in page
