"""sync_actionnetwork against a stand-in Action Network on loopback: it reads every page of
people with the key in OSDI-API-Token, writes them through the API's matching rules, applies
the remote tags, makes the remote events actions and their attendances RSVPs, changes nothing
on a second run, and resumes each collection from its own mark."""

import json
import re
import threading
import urllib.parse
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
import time_machine
from django.core.management import CommandError, call_command

from campaigns.actions.services.rsvps import rsvp_set
from campaigns.models import Action, OutboxMessage, Rsvp
from members.audit import audit_lines
from members.models import AuditEvent, Person, PersonEmail, Tag
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "actionnetwork"
KEY = "an-key-0123456789"
TAG = "71f8feef-61c8-4e6b-9745-ec1d7752f298"
MEETING = "8a625981-67a4-4457-8b55-2e30b267b2c2"  # past at NOW: answers and who came
RALLY = "b2f1c7a4-5d3e-4f6a-9c8b-1e2d3c4b5a69"  # ahead at NOW: answers take places
ROSA = "c945d6fe-929e-11e3-a2e9-12313d316c29"  # came to the meeting, not in the people pages
NOW = datetime(2014, 3, 26, 12, 0, tzinfo=UTC)


class StandIn(BaseHTTPRequestHandler):
    """Serves the recorded responses, keeping only the records modified after the date a
    `filter=modified_date gt '…'` asks for; notes each request's path, query and key."""

    routes = {
        "/api/v2/people": "people_page1.json",
        "/api/v2/tags": "tags.json",
        f"/api/v2/tags/{TAG}/taggings": "taggings.json",
        "/api/v2/events": "events.json",
        f"/api/v2/events/{MEETING}/attendances": "attendances_meeting.json",
        f"/api/v2/events/{RALLY}/attendances": "attendances_rally.json",
        f"/api/v2/people/{ROSA}": "person_rosa.json",
        "/api/v2/people/3f9e1b2c-7a6d-4e5f-8b9a-0c1d2e3f4a5b": "person_no_contact.json",
    }

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        self.server.seen.append((url.path, query, self.headers.get("OSDI-API-Token")))  # type: ignore[attr-defined]
        name = self.routes.get(url.path)
        if url.path == "/api/v2/people" and query.get("page") == ["2"]:
            name = "people_page2.json"
        if name is None or not (FIXTURES / name).exists():
            self.send_error(404)
            return
        base = f"http://127.0.0.1:{self.server.server_port}/api/v2"
        data = json.loads((FIXTURES / name).read_text().replace("{base}", base))
        after = re.fullmatch(r"modified_date gt '(.+)'", query.get("filter", [""])[0])
        for rel, items in data.get("_embedded", {}).items():
            data["_embedded"][rel] = [
                i for i in items if not after or i["modified_date"] > after[1]
            ]
        body = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/hal+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    httpd.seen = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def sync(committee, server, *extra: str, stderr: StringIO | None = None) -> str:
    out = StringIO()
    url = f"http://127.0.0.1:{server.server_port}/api/v2"
    call_command(
        "sync_actionnetwork",
        f"--committee={committee.pk}",
        f"--url={url}",
        *extra,
        stdout=out,
        stderr=stderr or StringIO(),
    )
    return out.getvalue()


def people_requests(server) -> list[dict]:
    return requests_to(server, "/api/v2/people")


def requests_to(server, path: str) -> list[dict]:
    return [query for seen, query, _key in server.seen if seen == path]


def fixtures_in(folder: Path, *, but: list[str]) -> None:
    """Copies of the recorded responses, to change some of them in a test."""
    for fixture in FIXTURES.glob("*.json"):
        if fixture.name not in but:
            (folder / fixture.name).write_text(fixture.read_text())


def test_it_pulls_people_and_tags_and_changes_nothing_the_second_time(server, monkeypatch):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    committee = factories.committee()
    known = factories.person(committee=committee, given_name="Jane", family_name="")
    PersonEmail.objects.create(person=known, email="JaneDoe@mail.com")

    first = sync(committee, server)

    assert "3 added, 1 updated, 0 unchanged" in first  # Rosa: read from her attendance
    assert "Tags applied: 2" in first
    assert {key for _path, _query, key in server.seen} == {KEY}
    assert len(people_requests(server)) == 2  # both pages
    people = Person.objects.filter(committee=committee)
    assert people.count() == 4
    known.refresh_from_db()
    assert known.family_name == "Doe"
    assert known.email_ok is False  # unsubscribed there: unsubscribed here
    john = people.get(emails__email="johnsmith@mail.com")
    assert john.phones.get().number == "+12025550143"
    assert john.sms_ok is True
    tag = Tag.objects.get(committee=committee, name="Volunteers")
    assert set(tag.people.values_list("given_name", flat=True)) == {"John", "Luis"}

    second = sync(committee, server, "--since=2000-01-01T00:00:00Z")

    assert "0 added, 0 updated, 4 unchanged" in second
    assert "Tags applied: 0" in second
    assert people.count() == 4
    assert PersonEmail.objects.filter(person__committee=committee).count() == 4
    assert Tag.objects.filter(committee=committee).count() == 1
    assert tag.people.count() == 2


def test_it_resumes_from_the_last_runs_mark(server, tmp_path):
    key_file = tmp_path / "key"
    key_file.write_text(KEY + "\n")
    committee = factories.committee()

    sync(committee, server, f"--token-file={key_file}")
    first, _page2 = people_requests(server)
    assert "filter" not in first
    server.seen.clear()
    sync(committee, server, f"--token-file={key_file}")

    resumed = people_requests(server)[0]
    assert resumed["filter"] == ["modified_date gt '2014-03-25T15:00:22Z'"]
    assert resumed["per_page"] == ["25"]


def test_the_audit_log_says_who_changed_the_people(server, monkeypatch):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    committee = factories.committee()

    sync(committee, server)

    events = list(AuditEvent.objects.filter(committee=committee))
    lines = audit_lines(events, committee=committee, campaigns={})
    url = f"http://127.0.0.1:{server.server_port}/api/v2"
    assert [line.text for line in lines] == [f"Synced 4 people from {url}"]


def test_it_skips_a_bad_person_reports_it_and_keeps_the_mark(server, monkeypatch, tmp_path):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    page = json.loads((FIXTURES / "people_page2.json").read_text())
    page["_embedded"]["osdi:people"][0]["email_addresses"] = [{"address": "not an address"}]
    broken = tmp_path / "people_page2.json"
    broken.write_text(json.dumps(page))
    fixtures_in(tmp_path, but=["people_page2.json"])
    monkeypatch.setattr("tests.api.test_sync_actionnetwork.FIXTURES", tmp_path)
    committee = factories.committee()

    with pytest.raises(CommandError) as error:
        sync(committee, server)

    assert error.value.returncode == 1
    assert Person.objects.filter(committee=committee).count() == 3  # the others are written
    server.seen.clear()
    with pytest.raises(CommandError):
        sync(committee, server)
    assert "filter" not in people_requests(server)[0]  # the mark did not move


def test_someone_with_no_email_or_phone_is_left_out_and_the_mark_still_moves(
    server, monkeypatch, tmp_path
):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    page = json.loads((FIXTURES / "people_page2.json").read_text())
    page["_embedded"]["osdi:people"][0]["email_addresses"] = []
    page["_embedded"]["osdi:people"][0]["phone_numbers"] = []
    (tmp_path / "people_page2.json").write_text(json.dumps(page))
    fixtures_in(tmp_path, but=["people_page2.json"])
    monkeypatch.setattr("tests.api.test_sync_actionnetwork.FIXTURES", tmp_path)
    committee = factories.committee()

    out = sync(committee, server)

    assert "2 left out (no email or phone)" in out  # and Sam, who came to the meeting
    assert Person.objects.filter(committee=committee).count() == 3
    server.seen.clear()
    sync(committee, server)
    assert "modified_date gt" in people_requests(server)[0]["filter"][0]


def test_it_refuses_to_run_without_a_key(server, monkeypatch):
    monkeypatch.delenv("ACTIONNETWORK_TOKEN", raising=False)
    committee = factories.committee()

    with pytest.raises(CommandError, match="ACTIONNETWORK_TOKEN"):
        sync(committee, server)

    assert server.seen == []


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def chicago():
    committee = factories.committee()
    committee.time_zone = "America/Chicago"
    committee.save(update_fields=["time_zone"])
    return committee


def answers(action) -> set[tuple]:
    rsvps = Rsvp.objects.filter(action=action).select_related("person")
    return {(r.person.given_name, r.response, r.attended, r.get_source_display()) for r in rsvps}


def test_events_become_actions_and_attendances_their_rsvps(server, monkeypatch, now, chicago):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)

    out = sync(chicago, server)

    assert "Events: 2 added, 0 updated, 0 unchanged" in out
    assert "Attendances: 4 added, 0 updated, 0 unchanged" in out
    assert "1 left out (no email or phone)" in out  # Sam, who came with neither
    meeting = Action.objects.get(committee=chicago, title="Tenant union general meeting")
    # 18:00 without an offset, in the committee's zone (daylight time): 23:00 UTC; no end.
    assert meeting.starts_at == meeting.ends_at == datetime(2014, 3, 22, 23, 0, tzinfo=UTC)
    assert (meeting.campaign, meeting.visibility, meeting.kind, meeting.time_zone) == (
        None,
        Action.Visibility.INVITED,
        Action.Kind.OTHER,
        "America/Chicago",
    )
    assert meeting.description == "Bring a neighbour & your lease.\nChildcare on site."
    assert meeting.location == "Community Hall\n1600 Pennsylvania Ave\nWashington, DC 20009"
    assert answers(meeting) == {
        ("John", "yes", True, "From another tool"),
        ("Jane", "no", None, "From another tool"),
        ("Rosa", "yes", True, "From another tool"),
    }
    rosa = Person.objects.get(committee=chicago, emails__email="rosa.diaz@example.org")
    assert rosa.family_name == "Diaz"  # read from the attendance's link to her
    assert not Person.objects.filter(committee=chicago, given_name="Sam").exists()
    rally = Action.objects.get(committee=chicago, title="Rally at the landlord's office")
    assert (rally.starts_at, rally.ends_at, rally.capacity) == (
        datetime(2014, 4, 5, 15, 0, tzinfo=UTC),
        datetime(2014, 4, 5, 17, 0, tzinfo=UTC),
        50,
    )
    assert answers(rally) == {("Luis", "yes", None, "From another tool")}
    # An answer to an action ahead is an answer like the app's: Luis gets his reminders.
    reminders = OutboxMessage.objects.filter(action=rally, kind=OutboxMessage.Kind.ACTION_REMINDER)
    assert set(reminders.values_list("person__given_name", flat=True)) == {"Luis"}


def test_a_second_run_changes_nothing(server, monkeypatch, now, chicago):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    sync(chicago, server)
    actions = list(Action.objects.filter(committee=chicago).values_list("pk", "updated_at"))
    rsvps = list(Rsvp.objects.values_list("pk", "response", "attended", "updated_at"))
    now.shift(3600)

    out = sync(chicago, server, "--since=2000-01-01T00:00:00Z")

    assert "Events: 0 added, 0 updated, 2 unchanged" in out
    assert "Attendances: 0 added, 0 updated, 4 unchanged" in out
    assert list(Action.objects.filter(committee=chicago).values_list("pk", "updated_at")) == actions
    assert list(Rsvp.objects.values_list("pk", "response", "attended", "updated_at")) == rsvps


def test_a_later_run_resumes_events_and_attendances_from_their_own_marks(
    server, monkeypatch, now, chicago
):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    sync(chicago, server)
    assert "filter" not in requests_to(server, "/api/v2/events")[0]
    server.seen.clear()

    out = sync(chicago, server)

    assert requests_to(server, "/api/v2/events")[0]["filter"] == [
        "modified_date gt '2014-03-24T10:00:00Z'"
    ]
    # Neither event changed, yet their attendances are asked for: they may have new ones.
    for event in (MEETING, RALLY):
        asked = requests_to(server, f"/api/v2/events/{event}/attendances")
        assert asked[0]["filter"] == ["modified_date gt '2014-03-25T09:00:00Z'"]
    # Rosa, read by her link with a later date, did not move the people's mark.
    assert people_requests(server)[0]["filter"] == ["modified_date gt '2014-03-25T15:00:22Z'"]
    assert "Events: 0 added, 0 updated, 0 unchanged" in out
    assert Action.objects.filter(committee=chicago).count() == 2


def test_an_answer_given_here_after_the_remote_one_is_kept(server, monkeypatch, now, chicago):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    sync(chicago, server)
    rally = Action.objects.get(committee=chicago, title="Rally at the landlord's office")
    luis = Person.objects.get(committee=chicago, given_name="Luis")
    now.shift(3600)
    rsvp_set(action=rally, person=luis, response=Rsvp.Response.NO, source=Rsvp.Source.APP)

    out = sync(chicago, server, "--since=2000-01-01T00:00:00Z")

    assert "Attendances: 0 added, 0 updated, 4 unchanged" in out
    assert answers(rally) == {("Luis", "no", None, "In the app")}


def test_a_bad_attendance_is_reported_and_no_mark_moves(
    server, monkeypatch, now, chicago, tmp_path
):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    page = json.loads((FIXTURES / "attendances_meeting.json").read_text())
    page["_embedded"]["osdi:attendances"][1]["status"] = "maybe"  # Jane's: not OSDI's word
    (tmp_path / "attendances_meeting.json").write_text(json.dumps(page))
    fixtures_in(tmp_path, but=["attendances_meeting.json", "person_rosa.json"])  # Rosa: 404
    monkeypatch.setattr("tests.api.test_sync_actionnetwork.FIXTURES", tmp_path)
    errors = StringIO()

    with pytest.raises(CommandError) as error:
        sync(chicago, server, stderr=errors)

    assert error.value.returncode == 1
    assert "attendance 2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d: unknown status 'maybe'" in (
        errors.getvalue()
    )
    assert "attendance 5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b: its person could not be read" in (
        errors.getvalue()
    )
    meeting = Action.objects.get(committee=chicago, title="Tenant union general meeting")
    assert answers(meeting) == {("John", "yes", True, "From another tool")}  # the others stand
    server.seen.clear()
    with pytest.raises(CommandError):
        sync(chicago, server)
    assert "filter" not in requests_to(server, "/api/v2/events")[0]
    assert "filter" not in requests_to(server, f"/api/v2/events/{MEETING}/attendances")[0]


def test_an_event_cancelled_there_is_cancelled_here_and_who_is_coming_hears(
    server, monkeypatch, now, chicago, tmp_path
):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    sync(chicago, server)
    page = json.loads((FIXTURES / "events.json").read_text())
    page["_embedded"]["osdi:events"][1].update(
        status="cancelled", modified_date="2014-03-26T11:00:00Z"
    )
    (tmp_path / "events.json").write_text(json.dumps(page))
    fixtures_in(tmp_path, but=["events.json"])
    monkeypatch.setattr("tests.api.test_sync_actionnetwork.FIXTURES", tmp_path)

    out = sync(chicago, server)

    assert "Events: 0 added, 1 updated, 0 unchanged" in out
    rally = Action.objects.get(committee=chicago, title="Rally at the landlord's office")
    assert rally.is_cancelled
    told = OutboxMessage.objects.filter(action=rally, kind=OutboxMessage.Kind.ACTION_CANCELLED)
    assert list(told.values_list("person__given_name", flat=True)) == ["Luis"]
