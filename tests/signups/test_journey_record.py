"""An organizer on a phone (390 px) records a paper card from My list, sees it on the person
page and on the chart, and records it revoked: each form opens in place."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.models import Signature
from campaigns.roster.services import assessment_record
from tests import factories
from tests.signups.record_story import card_drive
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_organizer_records_a_card_from_my_list_and_revokes_it_from_the_person_page(
    page: Page, live_server, campaign, committee, team_organizer, tmp_path
):
    shots = Path(os.environ.get("SIGNUP_SCREENSHOTS", tmp_path))
    drive = card_drive(campaign, opens_on=timezone.localdate() - timedelta(days=20))
    site = factories.site(campaign=campaign, name="Warehouse")
    unit = factories.unit(site=site, name="Receiving")
    people = {}
    for given, level in [("Ana", 1), ("Ben", 2), ("Cy", 3), ("Dee", 2)]:
        person = factories.person(committee=committee, given_name=given, family_name="Lopez")
        entry = factories.on_roster(
            campaign=campaign, person=person, organizer=team_organizer, unit=unit
        )
        assessment_record(entry=entry, level=level, happened_at=timezone.now(), recorded_by=None)
        people[given] = person
    log_in(page, live_server.url, team_organizer.email, factories.PASSWORD)

    # My list: the supporters who have not signed, with a paper signature in place.
    page.goto(live_server.url + "/my-list/")
    unsigned = page.locator("#mylist-unsigned")
    expect(unsigned.locator(".mylist-item")).to_have_count(3)
    page.wait_for_load_state()
    unsigned.scroll_into_view_if_needed()
    page.screenshot(path=shots / "my-list-unsigned-390.png", full_page=True)
    unsigned.get_by_role("link", name="Record a paper signature for Ben Lopez").click()
    form = unsigned.locator(".signup-editing")
    expect(form.get_by_label("Collected by")).to_have_value(str(team_organizer.pk))
    form.get_by_label("Where the paper is kept").fill("Blue binder")
    form.get_by_role("button", name="Record the signature").click()
    expect(unsigned.locator(".signup-standing")).to_contain_text("Signed on")
    expect(page.locator("#messages")).to_contain_text("Recorded: Ben Lopez signed on")
    assert Signature.objects.get(person=people["Ben"]).paper_kept_at == "Blue binder"

    # The chart: marks on the chips, a pen for who has not signed.
    page.goto(live_server.url + reverse("campaign_chart", args=[campaign.pk]))
    expect(page.get_by_role("img", name="Signed")).to_have_count(1)
    expect(page.locator(".chip-sign")).to_have_count(3)
    page.screenshot(path=shots / "chart-marks-390.png", full_page=True)
    page.get_by_role("link", name="Record a paper signature for Dee Lopez").click()
    expect(page.locator("#chart-sign-slot .signup-editing")).to_be_visible()
    page.screenshot(path=shots / "chart-form-390.png")

    # The person page: signed, then recorded revoked.
    page.goto(live_server.url + reverse("person_detail", args=[people["Ben"].pk]))
    section = page.locator(".people-signups")
    expect(section).to_contain_text("Signed on")
    section.scroll_into_view_if_needed()
    page.screenshot(path=shots / "person-signups-390.png", full_page=True)
    section.get_by_role("link", name="Record that Ben Lopez revoked their signature").click()
    section.get_by_label("Reason").fill("Changed their mind")
    section.get_by_role("button", name="Record revoked").click()
    expect(section.locator(".signup-standing")).to_contain_text("Revoked on")
    assert drive.signatures.get().revocation.reason == "Changed their mind"


def test_a_lead_at_a_laptop_reads_the_sign_up_panel_and_the_chart(
    page: Page, live_server, campaign, committee, lead, tmp_path
):
    shots = Path(os.environ.get("SIGNUP_SCREENSHOTS", tmp_path))
    page.set_viewport_size({"width": 1280, "height": 900})
    today = timezone.localdate()
    drive = card_drive(campaign, opens_on=today - timedelta(days=70))
    site = factories.site(campaign=campaign, name="Warehouse")
    unit = factories.unit(site=site, name="Receiving")
    for number in range(10):
        person = factories.person(committee=committee, given_name=f"P{number}", family_name="Roe")
        factories.on_roster(campaign=campaign, person=person, unit=unit)
        if number < 6:
            drive.signatures.create(
                person=person, method="paper", signed_on=today - timedelta(days=7 * number)
            )
    log_in(page, live_server.url, lead.email, factories.PASSWORD)

    page.goto(live_server.url + reverse("campaign_dashboard", args=[campaign.pk]))
    panel = page.locator(".dash-signups")
    expect(panel).to_contain_text("60%")
    expect(panel).to_contain_text("more signature for the supermajority (67%)")
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=shots / "dashboard-signups-1280.png")
    page.goto(live_server.url + reverse("campaign_chart", args=[campaign.pk]) + "?signed=not")
    expect(page.locator("a.chip")).to_have_count(4)
    page.screenshot(path=shots / "chart-not-signed-1280.png", full_page=True)
