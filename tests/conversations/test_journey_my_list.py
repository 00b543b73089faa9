"""An organizer opens My list on a phone (390 x 844): the first screen says what to do next,
the sections fold away, and a long section shows ten more in place."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.models import FollowUp
from campaigns.roster.services import assessment_record
from tests import factories
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREEN_HEIGHT = 844


def on_my_roster(campaign, committee, organizer, name: str, level: int | None = None):
    person = factories.person(committee=committee, given_name=name, family_name="Lopez")
    entry = factories.on_roster(campaign=campaign, person=person, organizer=organizer)
    if level:
        assessment_record(entry=entry, level=level, happened_at=timezone.now(), recorded_by=None)
    return entry


def test_an_organizer_sees_what_to_do_next_on_the_first_screen_of_a_phone(
    page: Page, live_server, campaign, committee, team_organizer, tmp_path
):
    today = timezone.localdate()
    for i, days in enumerate([4, 2]):
        entry = on_my_roster(campaign, committee, team_organizer, f"Late{i}")
        FollowUp.objects.create(
            campaign=campaign,
            person=entry.person,
            organizer=team_organizer,
            due_on=today - timedelta(days=days),
            description="Bring a union card",
        )
    for i in range(1, 16):
        on_my_roster(campaign, committee, team_organizer, f"New{i:02}")
    for i in range(1, 6):
        on_my_roster(campaign, committee, team_organizer, f"Quiet{i}", level=3)

    log_in(page, live_server.url, team_organizer.email, factories.PASSWORD)

    overdue = page.locator("#mylist-overdue")
    heading = page.get_by_role("heading", name="Overdue follow-ups")
    first_row = overdue.locator(".mylist-item").first
    expect(first_row).to_contain_text("Late0 Lopez")
    expect(first_row).to_contain_text("4 days late: Bring a union card")
    for element in (heading, first_row):
        box = element.bounding_box()
        assert box is not None and box["y"] + box["height"] <= SCREEN_HEIGHT, "below the fold"
    jump = page.get_by_role("navigation", name="Sections of my list")
    expect(jump.get_by_role("link")).to_have_text(
        ["Overdue 2", "Not assessed 15", "Not talked with 5"]
    )
    shot = Path(os.environ.get("MYLIST_SCREENSHOTS", tmp_path)) / "my-list-390.png"
    page.screenshot(path=shot)

    # A section folds away on its heading.
    heading.click()
    expect(first_row).to_be_hidden()
    heading.click()
    expect(first_row).to_be_visible()

    # Ten of the fifteen people not assessed yet, then the other five in place.
    page.wait_for_load_state()  # htmx binds "Show more" once its deferred script ran
    unassessed = page.locator("#mylist-unassessed")
    expect(unassessed.locator(".mylist-item")).to_have_count(10)
    page.evaluate("window.stillHere = true")
    unassessed.get_by_role("link", name="Show 5 more").click()
    expect(unassessed.locator(".mylist-item")).to_have_count(15)
    expect(unassessed.get_by_role("link", name="New11 Lopez", exact=True)).to_be_focused()
    expect(unassessed.get_by_role("link", name="Show 5 more")).to_have_count(0)
    assert page.evaluate("window.stillHere") is True, "Show more loaded a page"
