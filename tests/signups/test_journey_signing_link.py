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
from campaigns.signups.services import DriveData, drive_create
from members.models import PersonEmail
from tests import factories
from tests.conftest import body_text
from tests.signups.signing import ENGLISH, SPANISH, TARGET, la_committee

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
