"""From the invitation in a member's inbox to the turnout figure: Tomás gets the email at the
loopback SMTP server, answers yes from its link on his phone without logging in, saves the
action to his calendar, and at the door his organizer checks him in."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from campaigns.actions.services.rsvps import action_invite
from campaigns.models import Action, Rsvp, Site
from members.models import Membership, Person, PersonEmail, User
from tests import factories
from tests.conftest import body_text
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHICAGO = ZoneInfo("America/Chicago")


def meeting_in_ten_days(
    committee, *, code_name: str, site_name: str, title: str, location: str, **tomas_fields
) -> tuple[Action, Person, User]:
    """A general meeting at 18:00 Chicago time ten days from now at a campaign's site, made by
    organizer Nina; Tomás, on the roster with an email address, is yet to be invited."""
    campaign = factories.campaign(committee=committee, code_name=code_name)
    site = Site.objects.create(campaign=campaign, name=site_name, time_zone="America/Chicago")
    nina = factories.member_of(
        committee, Membership.Role.ORGANIZER, email="nina@example.org", name="Nina Okafor"
    )
    factories.on_team(campaign=campaign, user=nina)
    tomas = factories.person(
        committee=committee, given_name="Tomás", family_name="Rivera", **tomas_fields
    )
    PersonEmail.objects.create(person=tomas, email="tomas@example.org", is_primary=True)
    factories.on_roster(campaign=campaign, person=tomas)
    day = timezone.localdate(timezone.now().astimezone(CHICAGO)) + timedelta(days=10)
    starts = datetime(day.year, day.month, day.day, 18, 0, tzinfo=CHICAGO)
    action = Action.objects.create(
        committee=committee,
        campaign=campaign,
        site=site,
        title=title,
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone="America/Chicago",
        location=location,
        created_by=nina,
    )
    return action, tomas, nina


def test_a_member_answers_from_the_email_and_is_checked_in_at_the_door(
    page: Page, browser: Browser, live_server, mailbox, settings, tmp_path
):
    settings.SITE_URL = live_server.url
    committee = factories.committee(name="Riverside Workers Committee")
    action, tomas, nina = meeting_in_ten_days(
        committee,
        code_name="Harbor",
        site_name="Warehouse",
        title="General meeting",
        location="Union hall, 12 Dock Street",
    )
    starts = action.starts_at
    action_invite(action=action, people=[tomas], by=nina)  # sent by a worker once committed

    # Tomás opens the email on his phone and answers, with no login.
    email = mailbox.wait_for_one_to("tomas@example.org")
    link = re.search(r"https?://\S+/r/\S+/", body_text(email)).group(0)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True)
    mine = phone.new_page()
    mine.goto(link)
    expect(mine.get_by_text("You haven't answered yet.")).to_be_visible()
    assert Rsvp.objects.get(action=action, person=tomas).response == ""  # opening changed nothing
    mine.get_by_role("button", name="Yes, I'll come").click()
    expect(mine.get_by_text("You're coming. See you there!")).to_be_visible()
    assert Rsvp.objects.get(action=action, person=tomas).response == "yes"

    # He saves it to his calendar: 18:00 on the meeting's own clock.
    with mine.expect_download() as download:
        mine.get_by_role("link", name="Add it to my calendar (.ics)").click()
    saved = tmp_path / "meeting.ics"
    download.value.save_as(saved)
    (event,) = icalendar.Calendar.from_ical(saved.read_bytes()).walk("VEVENT")
    start = event.decoded("DTSTART")
    assert start == starts
    assert str(start.tzinfo) == "America/Chicago" and start.hour == 18
    assert event["DTSTART"].params["TZID"] == "America/Chicago"
    phone.close()

    # At the door, Nina checks him in; the turnout follows.
    log_in(page, live_server.url, "nina@example.org", factories.PASSWORD)
    page.goto(f"{live_server.url}/actions/{action.pk}/check-in/")
    page.wait_for_load_state()  # htmx listens for typing only once its deferred script ran
    page.get_by_label("Find a name").fill("Tomas")
    page.get_by_role("button", name="Check in Tomás Rivera").click()
    expect(page.locator("#checkin-count")).to_have_text("1 checked in")
    page.get_by_role("link", name="Turnout").click()
    expect(page.locator("#turnout-yes")).to_have_text("1")
    expect(page.locator("#turnout-attended")).to_have_text("1")
    expect(page.locator("#turnout-rate")).to_have_text("100%")
