"""Field mode in a real browser at 390 px, offline as Playwright's offline mode makes it: an
organizer logs one-on-ones with no signal, and they arrive once when the phone is back.

The service worker keeps My list and the log pages of the people on it
(static/js/field-sw.js); a log saved offline waits in the browser's queue
(static/js/field-queue.js) and is sent by itself on the `online` event."""

import datetime
import os
import time
import uuid
import zoneinfo
from pathlib import Path

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone
from playwright.sync_api import BrowserContext, Page, expect

from campaigns.conversations.services.log import ConversationData, LogKey, conversation_log_once
from campaigns.models import Conversation
from campaigns.roster.services import roster_remove
from members.models import Membership
from members.sessions import sessions_end
from tests import factories
from tests.test_accessibility import serious_violations
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
QUEUE_KEY = """() => new Promise((resolve) => {
  const open = indexedDB.open("majority-field");
  open.onsuccess = () => {
    const key = open.result.transaction("meta").objectStore("meta").get("key");
    key.onsuccess = () => resolve(Boolean(key.result));
  };
})"""
KEPT_PATHS = """async () => (await (await caches.open("majority-field")).keys())
  .map((request) => new URL(request.url).pathname)"""


@pytest.fixture(autouse=True)
def _a_day_apart_from_utc(committee):
    """The committee where the date is not UTC's right now (UTC-11 before 10:00 UTC, UTC+14
    after): a time typed there must be kept as typed, not read as UTC or the server's."""
    hour = datetime.datetime.now(datetime.UTC).hour
    committee.time_zone = "Pacific/Pago_Pago" if hour < 10 else "Pacific/Kiritimati"
    committee.save(update_fields=["time_zone"])
    here = timezone.localdate(timezone=zoneinfo.ZoneInfo(committee.time_zone))
    assert here != timezone.now().astimezone(datetime.UTC).date()


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
    page: Page,
    context: BrowserContext,
    live_server,
    committee,
    team_organizer,
    maria,
    jose,
    tmp_path,
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
    assert serious_violations(page, "My list offline, two waiting") == []
    shots = Path(os.environ.get("FIELD_SCREENSHOTS", tmp_path))
    page.screenshot(path=shots / "field-my-list-offline-390.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=shots / "field-my-list-offline-1280.png")
    page.set_viewport_size({"width": 390, "height": 844})
    page.get_by_role("link", name="Jose Ruiz", exact=True).first.click()
    expect(page.get_by_text("You're offline: this is the copy saved at")).to_be_visible()
    page.screenshot(path=shots / "field-log-offline-390.png")
    page.go_back()
    expect(page.locator("[data-field-count]")).to_have_text("2 waiting")

    context.set_offline(False)  # the browser's `online` event: sent with no tap
    until(lambda: page.evaluate(QUEUE_ROWS) == 0)
    expect(page.locator("[data-field-count]")).to_be_hidden()
    expect(waiting).to_have_count(0)
    saved = Conversation.objects.filter(person=maria.person).order_by("happened_at")
    assert [c.happened_at for c in saved] == [first, second]
    assert [c.notes for c in saved] == [
        "Worried about the schedule change",
        "Agreed to come to the meeting",
    ]


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

    context.route(log_url, save_then_lose_the_answer, times=1)
    # The form opens in place under Maria's row; htmx posts it, and the answer never comes.
    page.get_by_role("link", name="Log a one-on-one with Maria Lopez").click()
    form = page.locator("form.log-form-in-place")
    form.get_by_text("In person", exact=True).click()
    form.get_by_label("Notes").fill("Talked at shift change")
    form.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved on this phone. It will send by itself")).to_be_visible()
    assert lost and Conversation.objects.count() == 1

    # Sent again by itself (Background Sync, or the page on `online`): the server answers
    # that it has it, and the browser lets it go. A log leaves the queue only on that answer.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    until(lambda: page.evaluate(QUEUE_ROWS) == 0)
    expect(page.locator("[data-field-count]")).to_be_hidden()
    assert Conversation.objects.filter(person=maria.person).count() == 1


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


def test_a_session_that_ended_offline_asks_to_log_in_then_sends(
    page: Page, context: BrowserContext, live_server, settings, committee, team_organizer, maria
):
    # Logging in twice within one authenticator code's 30 seconds would be refused as a replay.
    settings.MFA_REQUIRED = False
    Authenticator.objects.filter(user=team_organizer).delete()
    open_my_list_for_the_field(page, live_server, team_organizer, maria)
    context.set_offline(True)
    at = typed(committee, 0.5)
    log_offline(page, "Maria Lopez", at, "Asked about the raise")
    sessions_end(user_ids={team_organizer.pk})  # a lockdown, or a timeout, while out of signal

    context.set_offline(False)
    banner = page.locator("[data-field-banner]")
    expect(banner).to_have_text("Log in to send 1 conversation typed on this phone.")
    banner.get_by_role("link").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    # No one is signed in: the kept pages and the queue's key are gone; the log stays, sealed.
    expect(banner).to_have_text("Log in to send 1 conversation typed on this phone.")
    assert page.evaluate(KEPT_PATHS) == []
    assert page.evaluate(QUEUE_ROWS) == 1
    assert page.evaluate(QUEUE_KEY) is False

    log_in(page, live_server.url, team_organizer.email, factories.PASSWORD)
    expect(banner).to_have_text("Sent: 1 conversation.", timeout=15_000)
    assert [c.happened_at for c in Conversation.objects.filter(person=maria.person)] == [at]


def test_someone_else_signing_in_finds_nothing_of_the_last_organizer(
    page: Page, context: BrowserContext, live_server, committee, campaign, team_organizer, maria
):
    open_my_list_for_the_field(page, live_server, team_organizer, maria)
    context.set_offline(True)
    log_offline(page, "Maria Lopez", typed(committee, 1), "Knows the night crew")
    sessions_end(user_ids={team_organizer.pk})
    context.set_offline(False)

    other = factories.member_of(committee, Membership.Role.ORGANIZER, email="next@example.org")
    factories.on_team(campaign=campaign, user=other)
    page.goto(live_server.url + "/accounts/logout/")  # the session is over: the login page
    log_in(page, live_server.url, other.email, factories.PASSWORD)
    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    expect(page.locator("[data-field-count]")).to_be_hidden()
    expect(page.locator("[data-field-banner]")).to_be_hidden()
    assert page.evaluate(QUEUE_ROWS) == 0
    assert Conversation.objects.count() == 0


def test_a_log_refused_for_a_mistake_is_fixed_and_sent_under_its_key(
    page: Page, context: BrowserContext, live_server, committee, team_organizer, maria
):
    open_my_list_for_the_field(page, live_server, team_organizer, maria)
    context.set_offline(True)
    log_offline(page, "Maria Lopez", typed(committee, -3), "Signed a card")  # 3 h ahead: a typo

    context.set_offline(False)
    item = page.locator("#field-waiting .field-item")
    expect(item).to_contain_text("When: This is in the future", timeout=15_000)
    item.get_by_role("link", name="Fix").click()
    # The page opens with what was typed, and says what to fix.
    expect(page.get_by_label("Notes")).to_have_value("Signed a card")
    expect(page.get_by_role("alert")).to_contain_text("When: This is in the future")
    fixed = typed(committee, 0.25)
    page.get_by_label("When").fill(fixed.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Logged your conversation with Maria Lopez.")).to_be_visible()
    until(lambda: page.evaluate(QUEUE_ROWS) == 0)
    assert [(c.happened_at, c.notes) for c in Conversation.objects.all()] == [
        (fixed, "Signed a card")
    ]


def test_a_key_saved_with_other_words_keeps_both_versions_for_the_organizer(
    page: Page, live_server, committee, team_organizer, maria
):
    """A log kept under a key the server already saved with other words (a tab that kept an
    earlier draft of it): 409, and neither version is lost."""
    key = uuid.uuid4()
    at = typed(committee, 2)
    data = ConversationData(happened_at=at, channel="in_person", notes="The first version")
    conversation_log_once(
        campaign=maria.campaign,
        person=maria.person,
        organizer=team_organizer,
        data=data,
        key=LogKey(key=key, digest="0" * 64),
    )
    open_my_list_for_the_field(page, live_server, team_organizer, maria)
    body = (
        f"happened_at={at:%Y-%m-%dT%H:%M}&channel=in_person&notes=The+second+version&log_key={key}"
    )
    log = {
        "key": str(key),
        "action": f"/campaigns/{maria.campaign_id}/people/{maria.person_id}/log/",
        "person": "Maria Lopez",
        "campaign": "Harbor",
        "typed": f"{at:%Y-%m-%dT%H:%M}",
        "body": body,
    }
    page.evaluate(
        "(log) => MajorityField.put(String(log.user), log.log)",
        {
            "user": team_organizer.pk,
            "log": log,
        },
    )
    page.reload()  # the page sends what waits

    item = page.locator("#field-waiting .field-item")
    expect(item).to_contain_text("A different version of this conversation was already saved")
    item.get_by_role("button", name="Save as a new conversation").click()
    until(lambda: page.evaluate(QUEUE_ROWS) == 0)
    notes = sorted(Conversation.objects.values_list("notes", flat=True))
    assert notes == ["The first version", "The second version"]
