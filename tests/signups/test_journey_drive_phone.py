"""A lead reads a drive's counting page on a phone (390 px) and at a laptop (1280 px): the
table scrolls in its own named box, its first column staying put; the page never scrolls
sideways. Screenshots go to SCREENSHOTS (when set) to be looked at."""

# ruff: noqa: F811 - the fixtures are imported (a conftest here would be shared with others)

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from members.models import Membership
from tests import factories
from tests.dashboards.test_journey_phone_tables import UNWRAPPED_TABLES
from tests.signups.drive_world import clock, drive  # noqa: F401
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page: Page, name: str) -> None:
    if folder := os.environ.get("SCREENSHOTS"):
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_a_lead_reads_the_counting_page_on_a_phone_and_a_laptop(page: Page, live_server, drive):
    lead = Membership.objects.get(committee=drive.campaign.committee, role="lead").user
    url = f"{live_server.url}/campaigns/{drive.campaign_id}/drives/{drive.pk}/"

    log_in(page, live_server.url, lead.email, factories.PASSWORD)
    page.goto(url)
    expect(page.get_by_role("heading", name="Lighthouse union card")).to_be_visible()
    expect(page.get_by_text("4 of 10 people in Lighthouse (40 %)")).to_be_visible()
    table = page.get_by_role("region", name="Signatures by site and unit")
    expect(table.get_by_role("row", name="Night")).to_contain_text("50 %")
    assert page.evaluate(UNWRAPPED_TABLES) == []
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    shoot(page, "drive-detail-390.png")
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_text("Someone has signed this text")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    shoot(page, "drive-edit-390.png")
    page.goto(url)
    page.get_by_label("Unit", exact=True).select_option(label="Warehouse › Inbound")
    page.get_by_role("button", name="Printable list").click()
    expect(page.get_by_text("3 of 8 people in Warehouse › Inbound (37 %)")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390
    shoot(page, "drive-print-390.png")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(url)
    expect(table.get_by_role("row", name="Outbound")).to_contain_text("1 more")
    shoot(page, "drive-detail-1280.png")
