"""In a real browser at 390 px: a lead makes another lead the treasurer from the Team page;
the treasurer opens System → Dues, offers a monthly plan of 10.00 and a sliding scale, and
archives the sliding scale. No serious accessibility violation on either page."""

import pytest
from playwright.sync_api import Browser, Page, expect

from campaigns.models import DuesPlan
from members.models import Membership
from tests import factories
from tests.test_accessibility import serious_violations
from tests.test_journeys import log_in, nav_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_makes_a_treasurer_who_sets_up_the_dues_plans(
    page: Page, browser: Browser, live_server, committee, lead
):
    factories.member_of(
        committee, Membership.Role.LEAD, email="ines@example.org", name="Ines Books"
    )
    log_in(page, live_server.url, lead.email, factories.PASSWORD)
    nav_more(page, "Team")
    page.wait_for_load_state()  # htmx is loaded deferred
    row = page.get_by_role("listitem").filter(has_text="ines@example.org")
    row.get_by_role("link", name="Make treasurer").click()
    expect(page.get_by_role("heading", name="Make Ines Books the treasurer?")).to_be_visible()
    assert serious_violations(page, "Make treasurer") == []
    page.get_by_role("button", name="Make treasurer").click()
    expect(page.get_by_text("Ines Books is now the treasurer.")).to_be_visible()
    expect(row.get_by_text("Treasurer", exact=True)).to_be_visible()

    books = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(books, live_server.url, "ines@example.org", factories.PASSWORD)
    nav_more(books, "System")
    books.get_by_role("link", name="Dues").click()
    expect(books.get_by_role("heading", name="Dues", exact=True)).to_be_visible()
    assert serious_violations(books, "Dues") == []

    books.get_by_label("Name").fill("Monthly")
    books.get_by_label("Amount").fill("10.005")
    books.get_by_role("button", name="Add the plan").click()
    expect(books.get_by_text("USD amounts have at most 2 decimals.")).to_be_visible()
    expect(books.get_by_label("Amount")).to_have_value("10.005")  # kept as typed
    assert serious_violations(books, "Dues, a plan refused") == []
    books.get_by_label("Amount").fill("10.00")
    books.get_by_role("button", name="Add the plan").click()
    expect(books.get_by_text("The plan “Monthly” is offered to members.")).to_be_visible()

    books.get_by_label("Name").fill("Sliding scale")
    books.get_by_role("button", name="Add the plan").click()
    offered = books.locator("#plans-offered")
    monthly = offered.get_by_role("listitem").filter(has=books.get_by_text("Monthly", exact=True))
    expect(monthly).to_contain_text("10.00 USD")
    expect(offered.get_by_role("listitem").filter(has_text="Sliding scale")).to_be_visible()

    books.get_by_role("button", name="Archive: Sliding scale").click()
    expect(books.get_by_text("“Sliding scale” is archived")).to_be_visible()
    archived = books.locator("#plans-archived")
    expect(archived.get_by_role("listitem")).to_contain_text("Sliding scale")
    expect(offered.get_by_role("listitem")).to_have_count(1)
    assert serious_violations(books, "Dues with an archived plan") == []
    plans = DuesPlan.objects.filter(committee=committee).order_by("name")
    assert [(p.name, p.amount, p.archived_at is not None) for p in plans] == [
        ("Monthly", 1000, False),
        ("Sliding scale", None, True),
    ]
