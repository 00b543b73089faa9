"""A lead sets up an action on a phone, invites a unit after seeing how many that is, and
finds the invitees on the action page (a real browser at 390 px against a live server)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.models import OutboxMessage, Rsvp
from members.models import Membership
from tests import factories
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_creates_an_action_and_invites_a_unit(page: Page, live_server):
    committee = factories.committee(name="Riverside Workers Committee")
    lead = factories.member_of(
        committee, Membership.Role.LEAD, email="rosa@example.org", name="Rosa Delgado"
    )
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    site = factories.site(campaign=campaign, name="Brooklyn warehouse")
    site.time_zone = "America/New_York"
    site.save()
    floor = factories.unit(site=site, name="Floor 2")
    other = factories.unit(site=site, name="Floor 3")
    for name, unit, dnc in [
        ("Ana", floor, False),
        ("Ben", floor, False),
        ("Cal", floor, True),
        ("Dee", other, False),
    ]:
        person = factories.person(
            committee=committee, given_name=name, family_name="Ruiz", do_not_contact=dnc
        )
        factories.on_roster(campaign=campaign, person=person, unit=unit)
    day = (timezone.now() + timedelta(days=30)).strftime("%Y-%m-%d")

    log_in(page, live_server.url, lead.email, factories.PASSWORD)
    page.goto(live_server.url + "/actions/")
    page.get_by_role("link", name="New action").click()

    # The form: the campaign, its site (whose zone the page names), the time, the place.
    page.get_by_label("Title").fill("Floor 2 meeting")
    page.get_by_label("Campaign (optional)").select_option(label="Harbor")
    page.get_by_label("Site (optional)").select_option(
        label="Harbor · Brooklyn warehouse (America/New_York)"
    )
    expect(page.locator("#action-zone-note")).to_contain_text("America/New_York")
    page.get_by_label("Starts").fill(f"{day}T18:00")
    page.get_by_label("Ends").fill(f"{day}T19:30")
    page.get_by_label("Address (optional)").fill("12 Dock St, Brooklyn")
    page.get_by_role("button", name="Create the action").click()

    expect(page.get_by_role("heading", name="Floor 2 meeting")).to_be_visible()
    expect(page.get_by_text("Created the action.")).to_be_visible()
    expect(page.locator(".action-when")).to_contain_text("6 p.m.")
    page.get_by_role("link", name="Invite people").click()

    # Pick the unit: the count shows before anything is sent.
    page.get_by_label("Unit").select_option(label="Brooklyn warehouse › Floor 2")
    expect(page.locator("#invite-preview")).to_contain_text(
        "This will invite 2 people (0 already invited)."
    )
    expect(page.locator("#invite-preview")).to_contain_text(
        "1 person on do-not-contact is left out."
    )
    assert not Rsvp.objects.exists()
    page.get_by_role("button", name="Send the invitations").click()

    expect(page.get_by_text("Invited 2 people; their emails are on the way.")).to_be_visible()
    invitees = page.locator("#invitees")
    expect(invitees).to_contain_text("Ana Ruiz")
    expect(invitees).to_contain_text("Ben Ruiz")
    expect(invitees).not_to_contain_text("Cal Ruiz")
    expect(invitees).not_to_contain_text("Dee Ruiz")
    assert OutboxMessage.objects.filter(kind="action_invitation").count() == 2
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
