"""A committee lead opens the join page and a stranger joins on it from a phone at 390 px:
on a sliding scale with a pledge, a mistyped pledge first. The lead then finds them under
"New from the join form" to follow up."""

import pytest
from playwright.sync_api import Browser, Page, expect

from campaigns.models import DuesPlan, Member
from campaigns.power.join import standard_wording
from tests import factories
from tests.test_accessibility import serious_violations
from tests.test_journeys import log_in, nav_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_stranger_joins_on_a_sliding_scale_with_a_pledge(
    page: Page, browser: Browser, live_server, committee, lead
):
    DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)
    DuesPlan.objects.create(committee=committee, name="Sliding scale", amount=None)
    log_in(page, live_server.url, lead.email, factories.PASSWORD)
    nav_more(page, "System")
    page.get_by_role("link", name="Join page").click()
    expect(page.get_by_role("heading", name="The page is closed")).to_be_visible()
    page.get_by_role("button", name="Open the join page").click()
    expect(page.get_by_role("status")).to_contain_text("The join page is open.")
    assert serious_violations(page, "Join page settings") == []
    address = page.locator(".join-url a").inner_text()

    stranger = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    stranger.goto(address)
    expect(stranger.get_by_role("heading", name="Join Riverside Workers Committee")).to_be_visible()
    assert serious_violations(stranger, "Join page") == []
    stranger.get_by_label("Your name").fill("Ana Ruiz")
    stranger.get_by_role("textbox", name="Email").fill("ana@example.org")
    stranger.get_by_label("You may email me").check()
    stranger.get_by_label("Sliding scale: you choose the amount").check()
    stranger.get_by_label("Your pledge each time").fill("12.505")
    stranger.get_by_label("Bank transfer").check()
    stranger.get_by_role("button", name="Join").click()

    expect(stranger.get_by_text("USD amounts have at most 2 decimals.")).to_be_visible()
    expect(stranger.get_by_label("Your name")).to_have_value("Ana Ruiz")
    expect(stranger.get_by_label("Bank transfer")).to_be_checked()
    assert serious_violations(stranger, "Join page with a mistake") == []
    stranger.get_by_label("Your pledge each time").fill("12.50")
    stranger.get_by_role("button", name="Join").click()

    expect(stranger.get_by_role("heading", name="Thank you for joining!")).to_be_visible()
    assert serious_violations(stranger, "Joined") == []
    member = Member.objects.select_related("person", "plan").get()
    assert (member.person.given_name, member.plan.name) == ("Ana Ruiz", "Sliding scale")
    assert (member.pledge, member.pay_method, member.from_join_form) == (1250, "bank", True)
    assert member.consent_text == standard_wording(committee)

    page.reload()
    follow_up = page.get_by_role("listitem").filter(has_text="Ana Ruiz")
    expect(follow_up).to_contain_text("not on a roster yet")
    follow_up.get_by_role("link", name="Ana Ruiz").click()
    expect(page.get_by_role("heading", name="Ana Ruiz")).to_be_visible()
