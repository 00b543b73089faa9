"""Field mode on the server: a one-on-one the phone kept while offline is sent later with a key
of its own (campaigns.conversations.field) and saved once, whatever the network did to it;
the session, service worker and manifest a phone needs for that.

Nina (team_organizer) logs talks with Maria Lopez, on the Harbor roster at a Chicago site;
Paul is another organizer on Harbor's team; Omar (outside_organizer) is on another campaign.
"""

import base64
import datetime
import json
import re
import struct
import threading
import uuid
import zoneinfo

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.db import connections
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from campaigns.conversations.field import ASSETS, log_key_from
from campaigns.models import Conversation, TeamMember
from campaigns.roster.services import roster_remove
from members.models import Membership
from tests import factories
from tests.conversations.test_conversation_views import log_url

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
QUEUED = "X-Majority-Queued"
GONE = "You can no longer log a one-on-one with this person"
FUTURE = "When: This is in the future: log a conversation once it has happened."
LOGGED = "Logged your conversation with Maria Lopez."


@pytest.fixture
def paul(committee, campaign):
    """Another organizer on Harbor's team: he may log with Maria too."""
    user = factories.member_of(
        committee, Membership.Role.ORGANIZER, email="paul@example.org", name="Paul Kim"
    )
    factories.on_team(campaign=campaign, user=user)
    return user


@pytest.fixture
def nina(client, team_organizer):
    client.force_login(team_organizer)
    return client


def kept_log(user, key=None, **fields) -> dict:
    """What static/js/field-queue.js sends for a log typed offline."""
    return {
        "happened_at": "2026-03-02T12:30",
        "channel": "in_person",
        "notes": "Worried about the schedule change",
        "log_key": str(key or uuid.uuid4()),
        "queued_by": str(user.pk),
        **fields,
    }


def send(client: Client, entry, data: dict, how: str = "1"):
    return client.post(log_url(entry), data, headers={QUEUED: how})


# --- Sent once -----------------------------------------------------------------------------------


def test_a_kept_log_sent_again_is_one_conversation(nina, team_organizer, maria):
    log = kept_log(team_organizer)

    first = send(nina, maria, log)
    again = send(nina, maria, {**log, "csrfmiddlewaretoken": "a-fresh-token"})

    person = reverse("person_detail", args=[maria.person_id])
    assert (first.status_code, first.json()) == (201, {"result": "saved", "person": person})
    assert (again.status_code, again.json()) == (200, {"result": "already", "person": person})
    saved = Conversation.objects.get(person=maria.person)
    assert (saved.organizer, saved.notes) == (team_organizer, "Worried about the schedule change")


def test_the_same_key_with_other_notes_is_refused_and_the_saved_one_kept(
    nina, team_organizer, maria
):
    log = kept_log(team_organizer)
    assert send(nina, maria, log).status_code == 201

    response = send(nina, maria, {**log, "notes": "Agreed to come to the meeting"})

    assert response.status_code == 409
    assert response.json()["result"] == "conflict"
    assert (
        "A different version of this conversation was already saved"
        in (response.json()["errors"][0])
    )
    assert "Maria Lopez" in response.json()["errors"][0]
    saved = Conversation.objects.get(person=maria.person)
    assert saved.notes == "Worried about the schedule change"


def test_the_same_log_sent_for_another_person_is_refused_not_taken_as_saved(
    nina, committee, campaign, team_organizer, maria
):
    """A tampered queue entry: Maria's log, its key and words, pointed at Jose's page."""
    person = factories.person(committee=committee, given_name="Jose", family_name="Ruiz")
    jose = factories.on_roster(campaign=campaign, person=person)
    log = kept_log(team_organizer)
    assert send(nina, maria, log).status_code == 201

    response = send(nina, jose, log)

    assert (response.status_code, response.json()["result"]) == (409, "conflict")
    assert not Conversation.objects.filter(person=jose.person).exists()


def test_another_organizers_key_is_refused_and_nothing_is_saved_for_him(
    client, nina, team_organizer, paul, maria
):
    log = kept_log(team_organizer)
    assert send(nina, maria, log).status_code == 201
    client.force_login(paul)

    response = send(client, maria, {**log, "queued_by": str(paul.pk)})

    assert response.status_code == 403
    assert response.json()["result"] == "key_taken"
    assert "Worried" not in response.content.decode()  # nothing said about Nina's log
    assert not Conversation.objects.filter(organizer=paul).exists()
    assert Conversation.objects.get().organizer == team_organizer


@pytest.mark.parametrize(
    "key",
    [
        "",
        "not-a-key",
        "{12345678-1234-5678-1234-567812345678}",
        "12345678123456781234567812345678",
        "urn:uuid:12345678-1234-5678-1234-567812345678",
    ],
)
def test_a_kept_log_with_a_damaged_key_is_refused(nina, team_organizer, maria, key):
    response = send(nina, maria, kept_log(team_organizer, log_key=key))

    assert response.status_code == 400
    assert response.json()["result"] == "bad_key"
    assert "its key is missing or wrong" in response.json()["errors"][0]
    assert not Conversation.objects.exists()


def test_a_kept_log_without_a_key_is_refused(nina, team_organizer, maria):
    log = kept_log(team_organizer)
    del log["log_key"]

    response = send(nina, maria, log)

    assert (response.status_code, response.json()["result"]) == (400, "bad_key")
    assert not Conversation.objects.exists()


def test_a_log_typed_by_another_account_on_the_phone_is_not_saved(
    nina, team_organizer, paul, maria
):
    response = send(nina, maria, kept_log(paul))

    assert response.status_code == 403
    assert response.json()["result"] == "other_user"
    assert "typed by another account on this phone" in response.json()["errors"][0]
    assert not Conversation.objects.exists()


# --- Refused, with the reason --------------------------------------------------------------------


def test_someone_taken_off_the_roster_while_offline_is_gone(nina, team_organizer, maria):
    roster_remove(entry=maria, reason="Left the job")

    response = send(nina, maria, kept_log(team_organizer))

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["result"] == "gone"
    assert GONE in response.json()["errors"][0]
    assert not Conversation.objects.exists()


def test_a_log_saved_before_its_person_left_the_roster_is_saved_when_sent_again(
    nina, team_organizer, maria
):
    """The answer to the first send was lost; the person left the roster before the retry:
    the phone is told the log is saved (it is), not that it can no longer be."""
    log = kept_log(team_organizer)
    assert send(nina, maria, log).status_code == 201
    roster_remove(entry=maria, reason="Left the job")

    again = send(nina, maria, log)

    assert (again.status_code, again.json()["result"]) == (200, "already")
    assert Conversation.objects.filter(person=maria.person).count() == 1
    assert send(nina, maria, {**log, "notes": "Other words"}).json()["result"] == "gone"


def test_a_log_saved_before_its_organizer_left_the_team_is_saved_when_sent_again(
    nina, campaign, team_organizer, maria
):
    log = kept_log(team_organizer)
    assert send(nina, maria, log).status_code == 201
    TeamMember.objects.filter(campaign=campaign, user=team_organizer).delete()

    again = send(nina, maria, log)

    assert (again.status_code, again.json()["result"]) == (200, "already")
    assert send(nina, maria, kept_log(team_organizer)).json()["result"] == "gone"
    assert Conversation.objects.filter(person=maria.person).count() == 1


def test_an_organizer_off_the_campaign_is_told_it_is_gone(client, outside_organizer, maria):
    client.force_login(outside_organizer)

    response = send(client, maria, kept_log(outside_organizer))

    assert (response.status_code, response.json()["result"]) == (404, "gone")
    assert "Maria" not in response.content.decode()
    assert not Conversation.objects.exists()


@time_machine.travel(datetime.datetime(2026, 3, 2, 19, 0, tzinfo=datetime.UTC), tick=False)
def test_a_when_in_the_future_is_refused_as_the_form_would_say_it(nina, team_organizer, maria):
    response = send(nina, maria, kept_log(team_organizer, happened_at="2026-03-02T18:00"))

    assert response.status_code == 422
    assert response.json() == {"result": "invalid", "errors": [FUTURE]}
    assert not Conversation.objects.exists()


def test_a_kept_log_without_how_is_refused_naming_the_field(nina, team_organizer, maria):
    response = send(nina, maria, kept_log(team_organizer, channel=""))

    assert response.status_code == 422
    assert response.json() == {"result": "invalid", "errors": ["How: This field is required."]}
    assert not Conversation.objects.exists()


def test_a_kept_log_sent_after_the_session_ended_goes_to_the_login_page(
    client, team_organizer, maria
):
    response = send(client, maria, kept_log(team_organizer))

    assert response.status_code == 302  # fetch(redirect: "manual") sees it and keeps the log
    assert response["Location"].startswith(reverse("account_login"))
    assert not Conversation.objects.exists()


# --- What the organizer sees ---------------------------------------------------------------------


def test_a_log_sent_as_save_was_tapped_says_so_on_the_next_page(nina, team_organizer, maria):
    assert send(nina, maria, kept_log(team_organizer), how="now").status_code == 201

    page = nina.get(reverse("person_detail", args=[maria.person_id])).content.decode()

    assert LOGGED in page


def test_a_log_sent_in_the_background_leaves_no_message(nina, team_organizer, maria):
    assert send(nina, maria, kept_log(team_organizer), how="1").status_code == 201

    page = nina.get(reverse("person_detail", args=[maria.person_id])).content.decode()

    assert LOGGED not in page


def test_the_page_form_tapped_twice_saves_once(nina, team_organizer, maria):
    log = kept_log(team_organizer)
    del log["queued_by"]

    first = nina.post(log_url(maria), log)
    second = nina.post(log_url(maria), log)

    assert first.status_code == second.status_code == 302
    assert Conversation.objects.filter(person=maria.person).count() == 1


def test_the_page_form_with_a_key_already_used_for_other_notes_keeps_what_was_typed(
    nina, team_organizer, maria
):
    log = kept_log(team_organizer)
    del log["queued_by"]
    assert nina.post(log_url(maria), log).status_code == 302

    response = nina.post(log_url(maria), {**log, "notes": "Something else entirely"})

    assert response.status_code == 422
    page = response.content.decode()
    assert "A different conversation was already saved from this form." in page
    assert "Something else entirely" in page
    assert Conversation.objects.get().notes == "Worried about the schedule change"


@time_machine.travel(datetime.datetime(2026, 3, 3, 2, 0, tzinfo=datetime.UTC), tick=False)
def test_the_time_kept_is_the_time_typed_at_the_persons_site_not_when_it_was_sent(
    nina, team_organizer, maria
):
    """Typed at 12:30 in Chicago, sent that evening when the phone found a signal."""
    assert send(nina, maria, kept_log(team_organizer)).status_code == 201

    saved = Conversation.objects.get()
    assert saved.happened_at == datetime.datetime(2026, 3, 2, 12, 30, tzinfo=CHICAGO)


@pytest.mark.django_db(transaction=True)
def test_two_sends_of_one_log_at_the_same_moment_save_it_once(team_organizer, maria):
    """Two tabs (or the service worker and the page) send the same kept log at once."""
    log = kept_log(team_organizer)
    tabs = [Client(), Client()]
    for tab in tabs:
        tab.force_login(team_organizer)
    together = threading.Barrier(len(tabs))
    statuses = []

    def send_from(tab: Client) -> None:
        try:
            together.wait()
            statuses.append(send(tab, maria, log).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send_from, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses) == [200, 201]
    assert Conversation.objects.filter(person=maria.person).count() == 1


# --- The session a phone sends in ----------------------------------------------------------------


def test_the_field_session_gives_an_organizer_the_same_key_at_every_login(
    team_organizer, paul, maria
):
    phone, laptop, pauls = Client(), Client(), Client()
    phone.force_login(team_organizer)
    laptop.force_login(team_organizer)
    pauls.force_login(paul)

    mine = phone.get(reverse("field_session")).json()
    again = laptop.get(reverse("field_session")).json()
    his = pauls.get(reverse("field_session")).json()

    assert mine["user"] == team_organizer.pk
    assert len(base64.b64decode(mine["key"])) == 32  # an AES-256 key
    assert mine["key"] == again["key"]
    assert his["key"] != mine["key"]
    assert mine["hours"] == django_settings.FIELD_CACHE_HOURS


def test_the_field_sessions_csrf_token_lets_the_queue_send(team_organizer, maria):
    phone = Client(enforce_csrf_checks=True)
    phone.force_login(team_organizer)
    token = phone.get(reverse("field_session")).json()["csrf"]

    response = phone.post(
        log_url(maria), kept_log(team_organizer), headers={QUEUED: "1", "X-CSRFToken": token}
    )

    assert response.status_code == 201
    assert Conversation.objects.filter(person=maria.person).count() == 1


def test_a_member_has_no_field_session(client, member):
    client.force_login(member)

    assert client.get(reverse("field_session")).status_code == 404


def test_an_idle_timeout_drops_the_kept_pages_but_not_the_waiting_logs(
    client, team_organizer, maria
):
    """The phone sends its kept logs after a long time with no signal: the session has timed
    out, so it is asked to log in again, and the browser is told to drop its cache only (the
    queue lives in its storage, and is sent after the login)."""
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)) as clock:
        client.force_login(team_organizer)
        clock.shift(datetime.timedelta(hours=1))

        response = send(client, maria, kept_log(team_organizer))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert response["Clear-Site-Data"] == '"cache"'
    assert not Conversation.objects.exists()
    client.force_login(team_organizer)
    assert client.post(reverse("account_logout"))["Clear-Site-Data"] == '"cache", "storage"'


# --- What a phone installs -----------------------------------------------------------------------


def test_the_service_worker_is_public_javascript_for_the_whole_site(client):
    response = client.get(reverse("service_worker"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    for asset in ASSETS:
        assert f"/static/{asset}" in body
    assert "/static/js/field-sw.js" in body


def test_the_manifest_opens_my_list_with_icons_that_exist(client):
    response = client.get(reverse("web_manifest"))

    manifest = json.loads(response.content)
    assert response["Content-Type"] == "application/manifest+json"
    assert (manifest["name"], manifest["start_url"]) == ("Majority", "/my-list/")
    for icon in manifest["icons"]:
        found = finders.find(icon["src"].removeprefix("/static/"))
        assert found, f"{icon['src']} is not a file under static/"
        if icon["type"] == "image/png":
            with open(found, "rb") as png:
                width, height = struct.unpack(">II", png.read(24)[16:24])
            assert f"{width}x{height}" == icon["sizes"]


# --- The key a log is sent with ------------------------------------------------------------------

CANONICAL = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I | re.A)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)
KEYS = st.one_of(
    st.uuids().map(str),
    st.uuids().map(lambda key: str(key).upper()),
    st.uuids().map(lambda key: key.hex),
    st.uuids().map(lambda key: f"{{{key}}}"),
    st.uuids().map(lambda key: f" {key}"),
    TEXT,
)
# What the browser sends with a log that is not what was said: a fresh CSRF token, whose queue
# it was, the draft it came from, where to go next, whether it opened under My list.
NOT_SAID = ["csrfmiddlewaretoken", "queued_by", "draft_token", "next", "in_place"]
CONTENT_NAMES = TEXT.filter(lambda name: name not in {*NOT_SAID, "log_key"})
CONTENT = st.lists(st.tuples(CONTENT_NAMES, TEXT), max_size=8)


def posted(pairs) -> QueryDict:
    post = QueryDict(mutable=True)
    for name, value in pairs:
        post.appendlist(name, value)
    return post


@hypothesis_settings(max_examples=50)
@given(pairs=st.lists(st.tuples(st.one_of(st.just("log_key"), TEXT), TEXT), max_size=8))
def test_any_post_gives_a_key_only_for_a_uuid_as_a_browser_writes_it(pairs):
    post = posted(pairs)

    key = log_key_from(post)

    raw = post.get("log_key")
    assert (key is not None) == bool(raw is not None and CANONICAL.fullmatch(raw))


@hypothesis_settings(max_examples=50)
@given(key=KEYS)
def test_a_key_is_read_only_when_it_is_a_uuid_as_a_browser_writes_it(key):
    found = log_key_from(posted([("log_key", key), ("notes", "x")]))

    if CANONICAL.fullmatch(key):
        assert found is not None and found.key == uuid.UUID(key)
    else:
        assert found is None


@hypothesis_settings(max_examples=50)
@given(
    key=st.uuids().map(str),
    content=CONTENT,
    order=st.randoms(use_true_random=False),
    noise=st.lists(st.tuples(st.sampled_from(NOT_SAID), TEXT)),
)
def test_a_log_sent_again_is_the_same_whatever_else_the_browser_sends(key, content, order, noise):
    first = log_key_from(posted([("log_key", key), *content]))
    shuffled = [*content, *noise]
    order.shuffle(shuffled)

    again = log_key_from(posted([*shuffled, ("log_key", key)]))

    assert again == first


@hypothesis_settings(max_examples=50)
@given(key=st.uuids().map(str), content=CONTENT, notes=TEXT)
def test_other_words_under_the_same_key_are_another_log(key, content, notes):
    before = log_key_from(posted([("log_key", key), *content]))

    after = log_key_from(posted([("log_key", key), *content, ("notes", notes)]))

    assert after.key == before.key
    assert after.digest != before.digest
