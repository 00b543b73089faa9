"""A lead offboards an organizer from the Team page: the confirmation opens in place, and once
confirmed the organizer's open browser is logged out and cannot log in again."""

import pytest
from playwright.sync_api import Browser, Page, expect

from members.models import Membership
from tests import factories
from tests.test_journeys import log_in, nav_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_deactivates_an_organizer_whose_phone_is_lost(
    page: Page, browser: Browser, live_server
):
    committee = factories.committee(name="Riverside Workers Committee")
    factories.member_of(committee, Membership.Role.LEAD, email="rosa@example.org", name="Rosa")
    factories.member_of(
        committee, Membership.Role.ORGANIZER, email="marcus@example.org", name="Marcus Bell"
    )
    phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(phone, live_server.url, "marcus@example.org", factories.PASSWORD)
    expect(phone.get_by_role("heading", name="Welcome, Marcus")).to_be_visible()

    log_in(page, live_server.url, "rosa@example.org", factories.PASSWORD)
    nav_more(page, "Team")
    page.wait_for_load_state()  # htmx is loaded deferred
    row = page.get_by_role("listitem").filter(has_text="marcus@example.org")
    row.get_by_role("link", name="Deactivate").click()

    # The confirmation opens on the Team page itself, and says what will happen.
    expect(page.get_by_role("heading", name="Deactivate Marcus Bell’s login?")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/committees/{committee.pk}/team/")
    page.get_by_role("button", name="Deactivate the login").click()

    expect(page.get_by_text("Marcus Bell can no longer log in")).to_be_visible()
    expect(row.get_by_text("Deactivated")).to_be_visible()
    phone.reload()
    expect(phone.get_by_role("heading", name="Log in")).to_be_visible()
    phone.get_by_label("Email").fill("marcus@example.org")
    phone.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_text("This login is deactivated")).to_be_visible()
