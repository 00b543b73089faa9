"""At the door, on a phone (390 px): an organizer opens check-in, finds a misspelt name, taps
Check in, adds a walk-in nobody had on the list, and the turnout page counts them right."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.models import Action, RosterEntry, Rsvp
from members.models import Membership, Person
from tests import factories
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting():
    committee = factories.committee(name="Riverside Workers Committee")
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    organizer = factories.member_of(
        committee, Membership.Role.ORGANIZER, email="nina@example.org", name="Nina Okafor"
    )
    factories.on_team(campaign=campaign, user=organizer)
    starts = timezone.now() + timedelta(minutes=20)
    action = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Thursday meeting",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        location="Union hall",
    )
    answers = [
        ("Maria", "Lopez", "yes"),
        ("Ben", "Cole", "yes"),
        ("Cy", "Park", "yes"),
        ("Dana", "Reyes", "maybe"),
        ("Eli", "Brown", ""),
    ]
    for given, family, response in answers:
        person = factories.person(committee=committee, given_name=given, family_name=family)
        factories.on_roster(campaign=campaign, person=person)
        Rsvp.objects.create(
            action=action, person=person, invited_at=timezone.now(), response=response
        )
    return action


def test_an_organizer_checks_people_in_at_the_door_and_reads_the_turnout(
    page: Page, live_server, meeting
):
    log_in(page, live_server.url, "nina@example.org", factories.PASSWORD)
    page.goto(f"{live_server.url}/actions/{meeting.pk}/check-in/")
    page.wait_for_load_state()  # htmx listens for typing only once its deferred script ran

    expect(page.get_by_role("heading", name="Thursday meeting")).to_be_visible()
    expect(page.locator("#checkin-count")).to_have_text("0 checked in")
    expect(page.locator(".checkin-name")).to_have_text(
        ["Ben Cole", "Maria Lopez", "Cy Park", "Dana Reyes", "Eli Brown"]
    )

    # A misspelt name finds her; one tap checks her in, and the count follows.
    page.get_by_label("Find a name").fill("Mria Lopes")
    expect(page.locator(".checkin-name")).to_have_text(["Maria Lopez"])
    page.get_by_role("button", name="Check in Maria Lopez").click()
    expect(page.get_by_role("button", name="Undo check-in of Maria Lopez")).to_be_visible()
    expect(page.locator("#checkin-count")).to_have_text("1 checked in")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390  # no sideways scroll

    # Ben is checked in by mistake, and one more tap undoes it.
    page.get_by_label("Find a name").fill("ben")
    page.get_by_role("button", name="Check in Ben Cole").click()
    expect(page.locator("#checkin-count")).to_have_text("2 checked in")
    page.get_by_role("button", name="Undo check-in of Ben Cole").click()
    expect(page.get_by_role("button", name="Check in Ben Cole")).to_be_visible()
    expect(page.locator("#checkin-count")).to_have_text("1 checked in")

    # Someone nobody invited walks in.
    page.get_by_label("Find a name").fill("Rafa Ortiz")
    expect(page.get_by_text("No one on this action's list matches")).to_be_visible()
    page.get_by_role("link", name="Not on the list? Find or add “Rafa Ortiz”").click()
    expect(page.get_by_role("heading", name="Someone new")).to_be_visible()
    expect(page.get_by_label("Given name")).to_have_value("Rafa")  # from the search
    expect(page.get_by_label("Family name")).to_have_value("Ortiz")
    page.get_by_role("textbox", name="Phone").fill("(312) 555-0177")
    page.get_by_role("button", name="Add and check in").click()
    expect(page.get_by_text("Rafa Ortiz is checked in as a walk-in.")).to_be_visible()
    expect(page.locator("#checkin-count")).to_have_text("2 checked in")

    page.get_by_role("link", name="Turnout").click()
    expect(page.locator("#turnout-invited")).to_have_text("5")
    expect(page.locator("#turnout-yes")).to_have_text("3")
    expect(page.locator("#turnout-attended")).to_have_text("2")
    expect(page.locator("#turnout-walk-ins")).to_have_text("1")
    expect(page.locator("#turnout-rate")).to_have_text("33%")  # 1 of the 3 yeses came
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 390

    rafa = Person.objects.get(given_name="Rafa", family_name="Ortiz")
    assert RosterEntry.objects.filter(campaign=meeting.campaign, person=rafa).exists()
