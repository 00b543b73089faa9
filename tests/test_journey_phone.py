"""Issue 15's phone journey at 390 px: My list → log a one-on-one → the person page → the
campaign dashboard, with a screenshot of each (kept in $JOURNEY_SCREENSHOTS when set, to look
at; otherwise in the test's temporary folder). Each page must fit the phone's width."""

import os
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests import factories
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page: Page, folder: Path, name: str) -> None:
    """Screenshot the whole page; it must not scroll sideways on a phone."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def test_an_organizer_walks_my_list_log_person_and_dashboard_on_a_phone(
    page: Page, live_server, committee, campaign, team_organizer, tmp_path
):
    folder = Path(os.environ.get("JOURNEY_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    unit = factories.unit(site=factories.site(campaign=campaign, name="Warehouse"), name="Dock")
    maria = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    factories.on_roster(campaign=campaign, person=maria, unit=unit, organizer=team_organizer)
    assert page.viewport_size == {"width": 390, "height": 844}

    log_in(page, live_server.url, team_organizer.email, factories.PASSWORD)
    unassessed = page.locator("section", has=page.get_by_role("heading", name="Not assessed yet"))
    expect(unassessed).to_contain_text("Maria Lopez")
    page.wait_for_load_state()
    shot(page, folder, "1-my-list")

    unassessed.get_by_role("link", name="Log a one-on-one with Maria Lopez").click()
    form = unassessed.locator("form.log-form")
    form.get_by_label("Notes").fill("Wants the night shift differential back")
    form.get_by_label("Supporter, will act publicly").check()
    form.get_by_label("In 3 days").check()
    shot(page, folder, "2-log")
    form.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Logged your conversation with Maria Lopez.")).to_be_visible()

    page.goto(live_server.url + reverse("person_detail", args=[maria.pk]))
    talks = page.get_by_role("heading", name="One-on-ones", exact=True)
    expect(talks).to_be_visible()
    assert talks.bounding_box()["y"] < 844, "the one-on-ones start on the first screen"
    expect(page.get_by_text("Wants the night shift differential back")).to_be_visible()
    shot(page, folder, "3-person")

    page.goto(live_server.url + reverse("campaign_dashboard", args=[campaign.pk]))
    expect(page.get_by_role("heading", name="Dashboard", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Where we stand")).to_be_visible()
    shot(page, folder, "4-dashboard")
    assert sorted(p.name for p in folder.glob("*.png")) == [
        "1-my-list.png",
        "2-log.png",
        "3-person.png",
        "4-dashboard.png",
    ]
