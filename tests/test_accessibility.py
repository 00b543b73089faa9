"""axe-core in a real browser: the pages an organizer and a lead use most (those the journeys
walk) have no serious or critical accessibility violation, on a phone (390 px) and on a laptop
(1280 px). One browser context; each role logs in once."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import Action, Rsvp
from tests import factories
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1280)
SERIOUS = {"serious", "critical"}


@pytest.fixture
def harbor(committee, campaign, lead, team_organizer):
    """A small campaign: two units, three people (one talked with, with a follow-up due), and
    a meeting next week with answers."""
    site = factories.site(campaign=campaign, name="Warehouse")
    units = [factories.unit(site=site, name=name) for name in ("Receiving", "Shipping")]
    people = []
    for index, name in enumerate(("Ana", "Ben", "Cal")):
        person = factories.person(committee=committee, given_name=name, family_name="Ortiz")
        factories.on_roster(campaign=campaign, person=person, unit=units[index % 2])
        people.append(person)
    now = timezone.now()
    data = ConversationData(
        happened_at=now - timedelta(days=2),
        channel="in_person",
        assessment=2,
        notes="Worried about the night shift.",
        follow_up_on=timezone.localdate() - timedelta(days=1),
    )
    conversation_log(campaign=campaign, person=people[0], organizer=team_organizer, data=data)
    meeting = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="General meeting",
        starts_at=now + timedelta(days=7),
        ends_at=now + timedelta(days=7, hours=2),
        location="12 Dock St",
        created_by=lead,
    )
    Rsvp.objects.create(action=meeting, person=people[0], response="yes", invited_at=now)
    Rsvp.objects.create(action=meeting, person=people[1], response="maybe", invited_at=now)
    return {"campaign": campaign, "person": people[0], "action": meeting}


def serious_violations(page: Page, where: str) -> list[tuple[str, str]]:
    """(rule, what to tell) for each serious or critical violation: page, rule and nodes."""
    results = Axe().run(page)
    return [
        (
            violation["id"],
            f"{where}: {violation['id']} ({violation['impact']}) {violation['help']} at "
            + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5]),
        )
        for violation in results.response["violations"]
        if violation["impact"] in SERIOUS
    ]


def check(page: Page, url: str, name: str, who: str) -> list[tuple[str, str]]:
    response = page.goto(url)
    assert response.ok, f"{name} ({url}) answered {response.status} to {who}"
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 844})
        found += serious_violations(page, f"{name} at {width} px as {who}")
    return found


def test_the_pages_organizers_and_leads_use_have_no_serious_axe_violations(
    page: Page, live_server, committee, lead, team_organizer, harbor
):
    campaign, person, action = harbor["campaign"], harbor["person"], harbor["action"]
    person_page = reverse("person_detail", args=[person.pk])
    log_form = reverse("conversation_new", args=[campaign.pk, person.pk])
    dashboard = reverse("campaign_dashboard", args=[campaign.pk])
    pages = {
        team_organizer: {
            "My list": reverse("my_list"),
            "the log search": reverse("log_search") + "?q=Ana",
            "the log form": log_form,
            "the person page": person_page,
            "the action page": reverse("action_detail", args=[action.pk]),
            "the chart": reverse("campaign_chart", args=[campaign.pk]),
            "adding someone": reverse("roster_add", args=[campaign.pk]),
            "check-in": reverse("action_checkin", args=[action.pk]),
            "the actions list": reverse("action_list"),
        },
        lead: {
            "the campaign dashboard": dashboard,
            "the committee overview": reverse("committee_overview", args=[committee.pk]),
            "the action page": reverse("action_detail", args=[action.pk]),
            "the Team page": reverse("team", args=[committee.pk]),
            "the person page": person_page,
            "the turnout page": reverse("action_turnout", args=[action.pk]),
            "the campaigns list": reverse("campaign_list"),
            "the outbox": reverse("outbox", args=[committee.pk]),
            "the audit trail": reverse("audit_log", args=[committee.pk]),
            "an import": reverse("import_new", args=[campaign.pk]),
            "lockdown": reverse("lockdown", args=[committee.pk]),
            "a person's data": reverse("person_data", args=[person.pk]),
            "erasing a person": reverse("person_erase", args=[person.pk]),
            "reminder timing": reverse("committee_settings", args=[committee.pk]),
            "an action's form": reverse("action_edit", args=[action.pk]),
        },
    }

    found = []
    for name, path in [
        ("the login page", reverse("account_login")),
        ("the login-code page", reverse("account_request_login_code")),
    ]:
        found += check(page, live_server.url + path, name, "a visitor")
    page.get_by_label("Email").fill(team_organizer.email)
    page.get_by_role("button", name="Email me a login code").click()
    found += check(page, page.url, "the page asking for the emailed code", "a visitor")
    found += check(
        page, live_server.url + reverse("api_docs"), "the API documentation", "a visitor"
    )
    for user, paths in pages.items():
        page.context.clear_cookies()
        log_in(page, live_server.url, user.email, factories.PASSWORD)
        for name, path in paths.items():
            found += check(page, live_server.url + path, name, user.name)

    assert not found, "\n".join(told for _, told in found)
