"""Field mode in a real browser at 390 px, offline as Playwright's offline mode makes it: an
organizer logs one-on-ones with no signal, and they arrive once when the phone is back.

The service worker keeps My list and the log pages of the people on it
(static/js/field-sw.js); a log saved offline waits in the browser's queue
(static/js/field-queue.js) and is sent by itself on the `online` event."""

import datetime
import time
import zoneinfo

import pytest
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from campaigns.models import Conversation
from campaigns.roster.services import roster_remove
from members.models import Membership
from tests import factories
from tests.test_journeys import log_in, nav_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

QUEUE_ROWS = """() => new Promise((resolve) => {
  const open = indexedDB.open("majority-field");
  open.onsuccess = () => {
    const db = open.result;
    if (!db.objectStoreNames.contains("queue")) return resolve(0);
    const count = db.transaction("queue").objectStore("queue").count();
    count.onsuccess = () => resolve(count.result);
  };
})"""
KEPT_PATHS = """async () => (await (await caches.open("majority-field")).keys())
  .map((request) => new URL(request.url).pathname)"""


@pytest.fixture
def maria(campaign, committee, team_organizer):
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    return factories.on_roster(campaign=campaign, person=person, organizer=team_organizer)


@pytest.fixture
def jose(campaign, committee, team_organizer):
    person = factories.person(committee=committee, given_name="Jose", family_name="Ruiz")
    return factories.on_roster(campaign=campaign, person=person, organizer=team_organizer)


def until(condition, seconds: float = 15) -> None:
    """Poll a condition read from the page (the page's CSP forbids wait_for_function's eval)."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the browser never got there"
        time.sleep(0.1)


def typed(committee, hours_ago: float) -> datetime.datetime:
    """A time as the organizer types it (the committee's wall clock, to the minute)."""
    zone = zoneinfo.ZoneInfo(committee.time_zone)
    at = timezone.now().astimezone(zone) - datetime.timedelta(hours=hours_ago)
    return at.replace(second=0, microsecond=0)


def open_my_list_for_the_field(page: Page, live_server, organizer, *entries) -> None:
    """Log in online; My list and each person's log page are kept before the signal goes."""
    log_in(page, live_server.url, organizer.email, factories.PASSWORD)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    wanted = {"/my-list/"} | {
        f"/campaigns/{entry.campaign_id}/people/{entry.person_id}/log/" for entry in entries
    }
    controlled = "() => Boolean(navigator.serviceWorker.controller)"
    until(lambda: page.evaluate(controlled) and wanted <= set(page.evaluate(KEPT_PATHS)))
    expect(page.get_by_text("Saved on this phone for offline use at")).to_be_visible()


def log_offline(page: Page, name: str, at: datetime.datetime, notes: str) -> None:
    page.get_by_role("link", name=name, exact=True).first.click()
    expect(page.get_by_role("heading", name=f"One-on-one with {name}")).to_be_visible()
    page.get_by_label("When").fill(at.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_text("In person", exact=True).click()
    page.get_by_label("Notes").fill(notes)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()  # back on My list


def test_two_conversations_logged_offline_arrive_once_with_their_typed_times(
    page: Page, context: BrowserContext, live_server, committee, team_organizer, maria, jose
):
    open_my_list_for_the_field(page, live_server, team_organizer, maria, jose)

    context.set_offline(True)
    first, second = typed(committee, 3), typed(committee, 1.5)
    log_offline(page, "Maria Lopez", first, "Worried about the schedule change")
    banner = page.locator("[data-field-banner]")
    expect(banner).to_have_text("Offline — 1 conversation will send when you're back online.")
    log_offline(page, "Maria Lopez", second, "Agreed to come to the meeting")

    expect(banner).to_have_text("Offline — 2 conversations will send when you're back online.")
    expect(page.locator("[data-field-count]")).to_have_text("2 waiting")
    waiting = page.locator("#field-waiting .field-item")
    expect(waiting).to_have_count(2)
    expect(waiting.first).to_contain_text("Maria Lopez")
    expect(waiting.first).to_contain_text("Waiting to send")
    row = page.locator(".mylist-item", has_text="Maria Lopez")
    expect(row.locator(".field-tag")).to_have_text("Waiting to send")
    assert Conversation.objects.count() == 0

    context.set_offline(False)  # the browser's `online` event: sent with no tap
    expect(page.locator("[data-field-count]")).to_be_hidden(timeout=15_000)
    expect(waiting).to_have_count(0)
    saved = Conversation.objects.filter(person=maria.person).order_by("happened_at")
    assert [c.happened_at for c in saved] == [first, second]
    assert [c.notes for c in saved] == [
        "Worried about the schedule change",
        "Agreed to come to the meeting",
    ]
    assert page.evaluate(QUEUE_ROWS) == 0


def test_a_log_whose_answer_was_lost_is_sent_again_and_saved_once(
    page: Page, context: BrowserContext, live_server, committee, team_organizer, maria
):
    open_my_list_for_the_field(page, live_server, team_organizer, maria)
    log_url = f"**/campaigns/{maria.campaign_id}/people/{maria.person_id}/log/"
    lost = []

    def save_then_lose_the_answer(route):
        route.fetch()  # the server saves it...
        lost.append(route.request.url)
        route.abort("internetdisconnected")  # ...and the phone never hears back

    context.route(log_url, save_then_lose_the_answer)
    # The form opens in place under Maria's row; htmx posts it, and the answer never comes.
    page.get_by_role("link", name="Log a one-on-one with Maria Lopez").click()
    form = page.locator("form.log-form-in-place")
    form.get_by_text("In person", exact=True).click()
    form.get_by_label("Notes").fill("Talked at shift change")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved on this phone. It will send by itself")).to_be_visible()
    expect(page.locator("[data-field-count]")).to_have_text("1 waiting")
    assert lost and Conversation.objects.count() == 1

    context.unroute(log_url)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-field-count]")).to_be_hidden(timeout=15_000)
    assert Conversation.objects.filter(person=maria.person).count() == 1
    assert page.evaluate(QUEUE_ROWS) == 0


def test_logging_out_while_logs_wait_leaves_nothing_for_the_next_user(
    page: Page, context: BrowserContext, live_server, committee, campaign, team_organizer, maria
):
    open_my_list_for_the_field(page, live_server, team_organizer, maria)
    context.set_offline(True)
    log_offline(page, "Maria Lopez", typed(committee, 1), "Her sister works nights too")
    # Back in signal, but the server cannot be reached for logs: the one typed still waits.
    context.route("**/people/*/log/", lambda route: route.abort("connectionrefused"))
    context.set_offline(False)
    expect(page.locator("[data-field-count]")).to_have_text("1 waiting")

    page.once("dialog", lambda dialog: dialog.accept())
    nav_more(page, "Log out", role="button")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert page.evaluate(QUEUE_ROWS) == 0
    assert page.evaluate(KEPT_PATHS) == []

    context.unroute("**/people/*/log/")
    other = factories.member_of(committee, Membership.Role.ORGANIZER, email="next@example.org")
    factories.on_team(campaign=campaign, user=other)
    log_in(page, live_server.url, other.email, factories.PASSWORD)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    expect(page.locator("[data-field-count]")).to_be_hidden()
    expect(page.get_by_text("Her sister works nights too")).to_have_count(0)
    assert Conversation.objects.count() == 0


def test_a_log_the_server_refuses_stays_with_its_reason_until_discarded(
    page: Page, context: BrowserContext, live_server, committee, team_organizer, maria
):
    open_my_list_for_the_field(page, live_server, team_organizer, maria)
    context.set_offline(True)
    log_offline(page, "Maria Lopez", typed(committee, 1), "Moved to the night shift")
    roster_remove(entry=maria, reason="Left the job")  # while the phone had no signal

    context.set_offline(False)
    item = page.locator("#field-waiting .field-item")
    expect(item).to_contain_text("Not saved", timeout=15_000)
    expect(item).to_contain_text("You can no longer log a one-on-one with this person")
    expect(page.locator("[data-field-count]")).to_have_text("1 waiting")
    assert Conversation.objects.count() == 0

    page.reload()  # nothing is dropped silently: still there on the next visit
    expect(item).to_contain_text("Not saved")
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Discard").click()
    expect(item).to_have_count(0)
    assert page.evaluate(QUEUE_ROWS) == 0
