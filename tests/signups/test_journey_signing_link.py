"""From the signing link in a worker's inbox to a signature taken back, on a phone at 390 px:
an organizer sends Ana her link; the email reaches the loopback SMTP server; Ana opens it
(nothing changes), types her name, ticks the box and signs; her confirmation arrives with the
text she signed, and its link takes the signature back. Screenshots are kept in
$JOURNEY_SCREENSHOTS when set, to look at."""

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from campaigns.models import Signature, SignatureRevocation, SignupDrive
from campaigns.signups.sending import signing_links_send
from campaigns.signups.services import DriveData, drive_create, drive_public_set
from members.models import PersonEmail
from tests import factories
from tests.conftest import body_text
from tests.signups.signing import ENGLISH, SPANISH, TARGET, la_committee
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page: Page, folder: Path, name: str) -> None:
    """Screenshot the whole page; it must not scroll sideways on a phone."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
    page.screenshot(path=folder / f"{name}.png", full_page=True)


def test_a_worker_signs_on_her_link_and_takes_it_back(
    browser: Browser, live_server, mailbox, settings, tmp_path
):
    folder = Path(os.environ.get("JOURNEY_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    settings.SITE_URL = live_server.url
    committee = la_committee(factories.committee(name="Riverside Workers Committee"))
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    ana = factories.person(committee=committee, given_name="Ana", family_name="Reyes")
    PersonEmail.objects.create(person=ana, email="ana@example.org", is_primary=True)
    factories.on_roster(campaign=campaign, person=ana)
    drive = drive_create(
        campaign=campaign,
        data=DriveData(
            kind=SignupDrive.Kind.CARD,
            title="Harbor union card",
            texts={"en": ENGLISH, "es": SPANISH},
            opens_on=timezone.localdate() - timedelta(days=30),
        ),
        actor=None,
    )
    signing_links_send(drive=drive, people=[ana], actor=None)  # sent once committed

    email = mailbox.wait_for_one_to("ana@example.org")
    assert TARGET not in email["Subject"] + body_text(email)
    link = re.search(r"https?://\S+/s/\S+/", body_text(email)).group(0)
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    mine = phone.new_page()
    mine.goto(link)
    expect(mine.get_by_text(ENGLISH)).to_be_visible()
    assert not Signature.objects.exists()  # opening changed nothing
    shot(mine, folder, "signing-1-page")

    mine.get_by_role("button", name="Sign").click()
    expect(mine.get_by_text("Type your full name to sign.")).to_be_visible()
    shot(mine, folder, "signing-2-empty-name")
    mine.get_by_label("Your full name").fill("Ana María Reyes")
    mine.get_by_label("I have read this text").check()
    mine.get_by_role("button", name="Sign").click()
    expect(mine.get_by_text("Signed. Thank you!")).to_be_visible()
    shot(mine, folder, "signing-3-signed")
    signature = Signature.objects.get()
    assert (signature.typed_name, signature.method) == ("Ana María Reyes", "link")

    confirmation = mailbox.wait_for(2)[1]
    assert confirmation["Subject"] == "Harbor: your signature is recorded"
    body = body_text(confirmation)
    assert ENGLISH in body and "Ana María Reyes" in body
    revoke = re.search(r"https?://\S+/s/\S+/revoke/", body).group(0)
    mine.goto(revoke)
    mine.get_by_role("button", name="Take back my signature").click()
    expect(mine.get_by_text("Your signature is taken back.")).to_be_visible()
    shot(mine, folder, "signing-4-taken-back")
    assert SignatureRevocation.objects.get().by_signer
    phone.close()


def test_a_stranger_signs_on_the_public_page_and_a_lead_sends_links(
    page: Page, browser: Browser, live_server, lead, committee, tmp_path
):
    """The public page on a phone, then the lead's send page at a laptop's width."""
    folder = Path(os.environ.get("JOURNEY_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    la_committee(committee)
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    site = factories.site(campaign=campaign, name="Warehouse")
    night = factories.unit(site=site, name="Night shift")
    for name in ("Ana", "Bo", "Cy"):
        person = factories.person(committee=committee, given_name=name)
        PersonEmail.objects.create(person=person, email=f"{name.lower()}@example.org")
        factories.on_roster(campaign=campaign, person=person, unit=night)
    drive = drive_create(
        campaign=campaign,
        data=DriveData(
            kind=SignupDrive.Kind.PETITION,
            title="Fix the loading dock",
            texts={"en": "We, the workers of the night shift, ask for a safe loading dock."},
            opens_on=timezone.localdate() - timedelta(days=3),
        ),
        actor=None,
    )
    drive_public_set(drive=drive, open_page=True, actor=None)

    page.goto(f"{live_server.url}/sign/{drive.public_key}/")
    expect(page.get_by_text("ask for a safe loading dock")).to_be_visible()
    page.get_by_label("Your full name").fill("Dee Park")
    page.get_by_label("Email").fill("dee@example.org")
    page.get_by_label("I have read this text").check()
    shot(page, folder, "public-1-page")
    page.get_by_role("button", name="Sign").click()
    expect(page.get_by_role("heading", name="Thank you!")).to_be_visible()
    shot(page, folder, "public-2-signed")
    assert Signature.objects.get().created_person

    laptop = browser.new_context(viewport={"width": 1280, "height": 800})
    desk = laptop.new_page()
    log_in(desk, live_server.url, lead.email, factories.PASSWORD)
    desk.goto(f"{live_server.url}/campaigns/{campaign.pk}/drives/{drive.pk}/send/")
    expect(desk.get_by_text("3 people who have not signed get a link.")).to_be_visible()
    desk.get_by_label("Who", exact=True).select_option(label="Unit: Warehouse › Night shift")
    desk.get_by_role("button", name="Count them").click()
    desk.wait_for_url(re.compile(r"[?&]place="))  # the count is a page of its own (a GET form)
    shot(desk, folder, "send-1-count")
    desk.get_by_role("button", name="Send 3 links").click()
    expect(desk.get_by_text("Signing links are on their way to 3 people.")).to_be_visible()
    expect(desk.get_by_text("0 people who have not signed get a link.")).to_be_visible()
    shot(desk, folder, "send-2-sent")
    laptop.close()
