"""On a phone the navigation is one row: what the role does most, then "More" for the rest
(a <details>: it opens by tap or keyboard without a script). On a laptop all of it shows."""

import pytest
from playwright.sync_api import Page, expect

from members.models import Membership
from tests import factories
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_on_a_phone_finds_everything_in_one_row_and_more(page: Page, live_server):
    committee = factories.committee(name="Riverside Workers Committee")
    factories.member_of(committee, Membership.Role.LEAD, email="rosa@example.org")
    log_in(page, live_server.url, "rosa@example.org", factories.PASSWORD)
    page.goto(f"{live_server.url}/committees/{committee.pk}/overview/")
    nav = page.get_by_role("navigation", name="Main")

    assert nav.bounding_box()["height"] < 60  # one row: it was three (about 170 px)
    assert page.locator(".topbar").bounding_box()["height"] <= 60
    for label in ["Overview", "Campaigns", "Actions"]:
        expect(nav.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(nav.get_by_role("link", name="Messages")).to_be_hidden()

    nav.get_by_text("More").focus()
    page.keyboard.press("Enter")
    expect(nav.get_by_role("link", name="Audit")).to_be_visible()
    nav.get_by_role("link", name="Messages").click()

    expect(page.get_by_role("heading", name="Outbox", level=1)).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    page.set_viewport_size({"width": 1280, "height": 800})
    expect(nav.get_by_text("More")).to_be_hidden()
    expect(nav.get_by_role("link", name="Audit")).to_be_visible()
    assert page.locator(".topbar").bounding_box()["height"] <= 60
