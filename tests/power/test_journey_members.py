"""The treasurer, a committee lead, on a 390 px phone: records from Ana's page that she
joined on a plan, records her first payment with a typo first (three decimals: said, and
what was typed kept), reads her standing on her page and the committee's on the Power page;
an organizer of her campaign then sees her standing but no amount."""

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import DuesPlan
from members.clock import today_for
from members.models import Membership
from tests import factories
from tests.test_accessibility import serious_violations
from tests.test_journeys import log_in, nav_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_treasurer_records_a_member_and_a_payment(
    page: Page, live_server, committee, campaign, team_organizer, browser
):
    treasurer = factories.member_of(committee, Membership.Role.LEAD, email="books@example.org")
    Membership.objects.filter(user=treasurer).update(is_treasurer=True)
    DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)
    ana = factories.person(committee=committee, given_name="Ana", family_name="Lima")
    factories.on_roster(campaign=campaign, person=ana)
    log_in(page, live_server.url, treasurer.email, factories.PASSWORD)

    page.goto(f"{live_server.url}/people/{ana.pk}/")
    membership = page.locator("#person-membership")
    expect(membership).to_contain_text("Not a member of the committee.")
    membership.get_by_role("link", name="Record as member").click()
    page.get_by_label("How they joined").select_option(label="Signed a membership card")
    page.get_by_label("Member number").fill("A-17")
    page.get_by_label("Dues plan").select_option(label="Monthly (10.00 USD, monthly)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Membership saved.")).to_be_visible()
    expect(membership).to_contain_text("A-17")
    expect(membership).to_contain_text("In good standing")  # this month's dues: in grace
    assert serious_violations(page, "person page with membership") == []

    membership.get_by_role("link", name="Record a payment").click()
    expect(page.get_by_label("Amount")).to_have_value("10.00")
    page.get_by_label("Amount").fill("10.005")
    page.get_by_label("Note").fill("At the general meeting")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("USD amounts have at most 2 decimals.")).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value("At the general meeting")
    assert serious_violations(page, "payment form with an error") == []
    page.get_by_label("Amount").fill("10")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("Payment recorded.")).to_be_visible()
    expect(membership.get_by_role("table")).to_contain_text("10.00 USD")
    month = today_for(committee).strftime("%B %Y")  # the committee's month, not the server's
    expect(membership).to_contain_text(month)

    nav_more(page, "Power")
    expect(page.get_by_role("heading", name="Power", exact=True)).to_be_visible()
    expect(page.locator("[data-stat=members]")).to_contain_text("1")
    expect(page.locator("[data-stat=good]")).to_contain_text("1")
    expect(page.locator("[data-stat=dues]")).to_contain_text("10.00 USD")
    assert serious_violations(page, "Power page") == []

    organizer = browser.new_context(viewport={"width": 390, "height": 844})
    theirs = organizer.new_page()
    log_in(theirs, live_server.url, team_organizer.email, factories.PASSWORD)
    theirs.goto(f"{live_server.url}/people/{ana.pk}/")
    expect(theirs.locator("#person-membership")).to_contain_text("In good standing")
    expect(theirs.locator("#person-membership")).not_to_contain_text("10.00")
    organizer.close()
