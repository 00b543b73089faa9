"""A lead, on a phone, sets when the committee's reminders go (finding the page under "More"),
then changes one action's reminders; the people coming get theirs at the new times (a real
browser at 390 px against a live server)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.actions.services.rsvps import rsvp_set
from campaigns.models import Action, OutboxMessage
from members.models import Committee, Membership
from tests import factories
from tests.test_journeys import log_in, nav_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DAY, HOUR = 24 * 60, 60


def test_a_lead_sets_the_committees_reminders_and_one_actions(page: Page, live_server):
    committee = factories.committee(name="Riverside Workers Committee")
    lead = factories.member_of(
        committee, Membership.Role.LEAD, email="rosa@example.org", name="Rosa Delgado"
    )
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    starts = (timezone.now() + timedelta(days=10)).replace(second=0, microsecond=0)
    action = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Card signing party",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone=committee.time_zone,
        location="Union hall",
        reminder_offsets=[DAY, 2 * HOUR],
    )
    ana = factories.person(committee=committee, given_name="Ana", family_name="Reyes")
    rsvp_set(action=action, person=ana, response="yes", source="app")
    log_in(page, live_server.url, lead.email, factories.PASSWORD)

    # The committee's defaults and quiet hours: More → System → Reminder timing on a phone.
    page.goto(live_server.url + "/actions/")
    nav_more(page, "System")
    page.get_by_role("link", name="Reminder timing").click()
    expect(page.get_by_role("heading", name="Reminder timing")).to_be_visible()
    page.get_by_text("2 hours before").click()  # untick
    page.get_by_label("Add a reminder").fill("3")
    page.locator("#id_reminder_unit").select_option(label="days")
    page.get_by_label("Quiet from").fill("22:00")
    page.get_by_label("Quiet until").fill("07:00")
    page.get_by_role("button", name="Save the reminder timing").click()
    expect(page.get_by_text("Reminder timing saved.")).to_be_visible()
    expect(page.get_by_label("3 days before")).to_be_checked()
    expect(page.get_by_label("2 hours before")).not_to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    committee = Committee.objects.get(pk=committee.pk)
    assert committee.reminder_offsets == [3 * DAY, DAY]
    assert (committee.quiet_hours_start.hour, committee.quiet_hours_end.hour) == (22, 7)

    # One action's own reminders: a mistake first (a duplicate), then the fix.
    page.goto(f"{live_server.url}/actions/{action.pk}/edit/")
    expect(page.get_by_label("1 day before")).to_be_checked()
    page.get_by_label("Add a reminder").fill("24")
    page.locator("#id_reminder_unit").select_option(label="hours")
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("There is already a reminder 1 day before.")).to_be_visible()
    expect(page.get_by_label("Add a reminder")).to_have_value("24")  # kept
    page.get_by_label("Add a reminder").fill("30")
    page.locator("#id_reminder_unit").select_option(label="minutes")
    page.get_by_label("2 hours before").uncheck()
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_role("heading", name="Card signing party")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    action.refresh_from_db()
    assert action.reminder_offsets == [DAY, 30]
    pending = OutboxMessage.objects.filter(
        action=action, person=ana, kind="action_reminder", status="pending"
    )
    assert sorted(pending.values_list("due_at", flat=True)) == [
        action.reminder_time(DAY),
        starts - timedelta(minutes=30),
    ]
    assert not OutboxMessage.objects.filter(kind="action_rescheduled").exists()  # same time
