"""A lead reads the wide tables on a phone (390 px): the overview's overdue follow-ups, a
tenant campaign's buildings and a workplace's unit table. No table pushes the page sideways:
each scrolls in its own named box that a keyboard can scroll, its first column staying put."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import FollowUp
from members.models import Membership
from tests import factories
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every table wider than the screen must sit in a scroll box that fits it, is focusable and
# has a name; the names of the tables that break the rule come back.
UNWRAPPED_TABLES = """() => [...document.querySelectorAll("table")].filter(table => {
  if (table.getBoundingClientRect().width <= window.innerWidth) return false;
  const box = table.closest(".table-wrap");
  return !(box && box.tabIndex === 0 && box.getAttribute("role") === "region"
           && (box.getAttribute("aria-label") || box.getAttribute("aria-labelledby"))
           && box.getBoundingClientRect().right <= window.innerWidth);
}).map(table => table.className)"""


# Waits for a box to have scrolled sideways (wait_for_function would need the eval the CSP bars).
SCROLLED = """box => new Promise(done => {
  const until = performance.now() + 5000;
  const look = () => box.scrollLeft > 0 || performance.now() > until
    ? done(box.scrollLeft) : requestAnimationFrame(look);
  look();
})"""


def test_a_lead_reads_every_wide_table_on_a_phone(page: Page, live_server):
    committee = factories.committee(name="Riverside Workers Committee")
    lead = factories.member_of(committee, Membership.Role.LEAD, email="rosa@example.org")
    harbor = factories.campaign(committee=committee, code_name="Harbor")
    receiving = factories.unit(site=factories.site(campaign=harbor), name="Receiving and returns")
    maple = factories.campaign(committee=committee, code_name="Maple", kind="tenant")
    court = factories.site(campaign=maple, name="Maple Court Apartments")
    floor = factories.unit(site=court, name="Floor 1")
    for i, (campaign, unit) in enumerate([(harbor, receiving), (maple, floor)] * 2):
        person = factories.person(committee=committee, given_name=f"Person {i}")
        if unit == floor:
            unit = factories.unit(site=court, name=f"1{'AB'[i // 2]}", parent=floor)
        factories.on_roster(campaign=campaign, person=person, unit=unit)
        data = ConversationData(happened_at=timezone.now(), channel="in_person", assessment=2)
        conversation_log(campaign=campaign, person=person, organizer=lead, data=data)
        FollowUp.objects.create(
            campaign=campaign,
            person=person,
            organizer=lead,
            due_on=timezone.localdate() - timedelta(days=3),
            description="Bring the petition to the whole floor and ask about the repairs",
        )

    log_in(page, live_server.url, "rosa@example.org", factories.PASSWORD)
    page.goto(f"{live_server.url}/committees/{committee.pk}/overview/")
    expect(page.get_by_role("region", name="Table of overdue follow-ups")).to_be_visible()
    assert page.evaluate(UNWRAPPED_TABLES) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    page.goto(f"{live_server.url}/campaigns/{maple.pk}/dashboard/")
    building = page.locator("details.rollup-site").first
    expect(building).to_contain_text("2 people · 100% ever talked with")
    expect(
        page.get_by_role("region", name="Floors and apartments of Maple Court Apartments")
    ).to_be_hidden()
    building.locator("summary").click()
    expect(building.get_by_role("row", name="1A")).to_be_visible()
    assert page.evaluate(UNWRAPPED_TABLES) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    page.goto(f"{live_server.url}/campaigns/{harbor.pk}/dashboard/")
    units = page.get_by_role("region", name="Table of units")
    expect(page.get_by_text("Swipe sideways for more columns.").first).to_be_visible()
    name_cell = units.get_by_role("rowheader").first
    left = name_cell.bounding_box()["x"]
    units.focus()
    page.keyboard.press("ArrowRight")  # a keyboard scrolls the table sideways
    scrolled = units.evaluate(SCROLLED)
    assert scrolled > 0
    assert name_cell.bounding_box()["x"] == left  # the unit's name stays in view
    assert page.evaluate(UNWRAPPED_TABLES) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    for path in [f"/committees/{committee.pk}/outbox/", f"/committees/{committee.pk}/audit/"]:
        page.goto(live_server.url + path)
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 390, path
