"""The issue's journey, on phones at 390 px: a lead sees Receiving at exactly half (not a
majority: one more), sends the unit its signing links, a worker signs on the link in her
inbox, and the lead sees Receiving cross 50 %. Real browser, live server, loopback SMTP.
Screenshots are kept in $JOURNEY_SCREENSHOTS when set, to look at."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from campaigns.models import Signature, SignupDrive
from campaigns.signups.services import DriveData, drive_create, signature_record
from members.models import Membership, PersonEmail
from tests import factories
from tests.conftest import body_text
from tests.signups.signing import ENGLISH, SPANISH, TARGET, la_committee
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def shot(page: Page, folder: Path, name: str) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def receiving(page: Page):
    return page.locator("tr.count-unit", has_text="Receiving")


def test_a_worker_signs_on_her_link_and_the_lead_sees_the_unit_cross_half(
    browser: Browser, live_server, mailbox, settings, tmp_path
):
    folder = Path(os.environ.get("JOURNEY_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    settings.SITE_URL = live_server.url
    committee = la_committee(factories.committee(name="Riverside Workers Committee"))
    lead = factories.member_of(committee, Membership.Role.LEAD, email="rosa@example.org")
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    receiving_unit = factories.unit(site=factories.site(campaign=campaign), name="Receiving")
    people = {}
    for name in ("Ana", "Ben", "Cal", "Dee"):
        people[name] = factories.person(committee=committee, given_name=name, family_name="Ruiz")
        factories.on_roster(campaign=campaign, person=people[name], unit=receiving_unit)
    PersonEmail.objects.create(person=people["Ana"], email="ana@example.org", is_primary=True)
    drive = drive_create(
        campaign=campaign,
        data=DriveData(
            kind=SignupDrive.Kind.CARD,
            title="Harbor union card",
            texts={"en": ENGLISH, "es": SPANISH},
            opens_on=timezone.localdate() - timedelta(days=30),
        ),
        actor=lead,
    )
    for name in ("Ben", "Cal"):  # two paper cards of four: exactly half
        signature_record(
            drive=drive,
            person=people[name],
            signed_on=timezone.localdate() - timedelta(days=3),
            method=Signature.Method.PAPER,
        )

    # The lead, on a phone: Receiving at 50 %, the majority not met, one more needed.
    lead_phone = browser.new_context(viewport=PHONE)
    desk = lead_phone.new_page()
    log_in(desk, live_server.url, lead.email, factories.PASSWORD)
    desk.goto(f"{live_server.url}/campaigns/{campaign.pk}/drives/")
    desk.get_by_role("link", name="Harbor union card").click()
    expect(receiving(desk).locator('[data-col="percent"]')).to_have_text("50 %")
    expect(receiving(desk).locator('[data-col="goal-50"]')).to_have_text("1 more")
    shot(desk, folder, "majority-1-half")

    # Sends the unit its links: Ana and Dee have not signed.
    desk.get_by_role("link", name="Send signing links").click()
    desk.get_by_label("Who", exact=True).select_option(label="Unit: Main site › Receiving")
    desk.get_by_role("button", name="Count them").click()
    expect(desk.get_by_text("2 people who have not signed get a link.")).to_be_visible()
    desk.get_by_role("button", name="Send 2 links").click()
    expect(desk.get_by_text("Signing links are on their way to 2 people.")).to_be_visible()

    # Ana's email: the code name, never the employer; she signs on her own phone.
    email = mailbox.wait_for_one_to("ana@example.org")
    assert "Harbor" in email["Subject"]
    assert TARGET not in email["Subject"] + body_text(email)
    link = re.search(r"https?://\S+/s/\S+/", body_text(email)).group(0)
    ana_phone = browser.new_context(viewport=PHONE)
    mine = ana_phone.new_page()
    mine.goto(link)
    expect(mine.get_by_text(ENGLISH)).to_be_visible()
    assert Signature.objects.count() == 2  # opening it changed nothing
    mine.get_by_label("Your full name").fill("Ana Ruiz")
    mine.get_by_label("I have read this text").check()
    mine.get_by_role("button", name="Sign").click()
    expect(mine.get_by_text("Signed. Thank you!")).to_be_visible()
    shot(mine, folder, "majority-2-signed")
    ana_phone.close()

    # The lead counts again: three of four, past half and past two thirds.
    desk.goto(f"{live_server.url}/campaigns/{campaign.pk}/drives/{drive.pk}/")
    expect(receiving(desk).locator('[data-col="percent"]')).to_have_text("75 %")
    expect(receiving(desk).locator('[data-col="goal-50"]')).to_contain_text("met")
    expect(receiving(desk).locator('[data-col="goal-67"]')).to_contain_text("met")
    shot(desk, folder, "majority-3-crossed")
    lead_phone.close()
