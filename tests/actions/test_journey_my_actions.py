"""A member answers an invitation on their phone, in a real browser (390 px wide)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.models import Action, Rsvp
from members.models import Membership
from tests import factories
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_says_yes_then_no_without_a_reload(page: Page, live_server):
    committee = factories.committee(name="Riverside Workers Committee")
    lead = factories.member_of(committee, Membership.Role.LEAD)
    member = factories.member_of(committee, Membership.Role.MEMBER, email="tomas@example.org")
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    person = factories.person(committee=committee, given_name="Tomás", user=member)
    factories.on_roster(campaign=campaign, person=person)
    starts = timezone.now() + timedelta(days=3)
    action = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="General meeting",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="Union hall",
        created_by=lead,
    )
    Rsvp.objects.create(action=action, person=person, invited_at=timezone.now())

    log_in(page, live_server.url, "tomas@example.org", factories.PASSWORD)
    page.goto(live_server.url + "/my-actions/")

    invited = page.locator("#my-invited")
    upcoming = page.locator("#my-upcoming")
    expect(invited.get_by_role("heading", name="General meeting")).to_be_visible()
    expect(upcoming.get_by_text("Nothing coming up yet.")).to_be_visible()
    page.evaluate("window.sameDocument = true")

    invited.get_by_role("button", name="Yes", exact=True).click()

    expect(upcoming.get_by_role("heading", name="General meeting")).to_be_visible()
    expect(upcoming.get_by_text("Thanks! You are on the list.")).to_be_visible()
    expect(invited.get_by_text("No invitations waiting for your answer.")).to_be_visible()
    yes = upcoming.get_by_role("button", name="Yes", exact=True)
    expect(yes).to_have_attribute("aria-pressed", "true")
    assert page.evaluate("window.sameDocument") is True  # htmx swapped, no reload

    upcoming.get_by_role("button", name="No", exact=True).click()

    expect(upcoming.get_by_text("Your answer: no")).to_be_visible()
    expect(yes).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.sameDocument") is True
    assert Rsvp.objects.get(action=action, person=person).response == "no"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing sticks out sideways on a phone
