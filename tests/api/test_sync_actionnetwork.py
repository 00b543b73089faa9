"""sync_actionnetwork against a stand-in Action Network on loopback: it reads every page of
people with the key in OSDI-API-Token, writes them through the API's matching rules, applies
the remote tags, changes nothing on a second run, and resumes from the last mark."""

import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from members.audit import audit_lines
from members.models import AuditEvent, Person, PersonEmail, Tag
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "actionnetwork"
KEY = "an-key-0123456789"
TAG = "71f8feef-61c8-4e6b-9745-ec1d7752f298"


class StandIn(BaseHTTPRequestHandler):
    """Serves the recorded responses; notes each request's path, query and key."""

    routes = {
        "/api/v2/people": "people_page1.json",
        "/api/v2/tags": "tags.json",
        f"/api/v2/tags/{TAG}/taggings": "taggings.json",
    }

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        self.server.seen.append((url.path, query, self.headers.get("OSDI-API-Token")))  # type: ignore[attr-defined]
        name = self.routes.get(url.path)
        if url.path == "/api/v2/people" and query.get("page") == ["2"]:
            name = "people_page2.json"
        if name is None:
            self.send_error(404)
            return
        base = f"http://127.0.0.1:{self.server.server_port}/api/v2"
        body = (FIXTURES / name).read_text().replace("{base}", base).encode()
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


def sync(committee, server, *extra: str) -> str:
    out = StringIO()
    url = f"http://127.0.0.1:{server.server_port}/api/v2"
    call_command(
        "sync_actionnetwork", f"--committee={committee.pk}", f"--url={url}", *extra, stdout=out
    )
    return out.getvalue()


def people_requests(server) -> list[dict]:
    return [query for path, query, _key in server.seen if path == "/api/v2/people"]


def test_it_pulls_people_and_tags_and_changes_nothing_the_second_time(server, monkeypatch):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    committee = factories.committee()
    known = factories.person(committee=committee, given_name="Jane", family_name="")
    PersonEmail.objects.create(person=known, email="JaneDoe@mail.com")

    first = sync(committee, server)

    assert "2 added, 1 updated, 0 unchanged" in first
    assert "Tags applied: 2" in first
    assert {key for _path, _query, key in server.seen} == {KEY}
    assert len(people_requests(server)) == 2  # both pages
    people = Person.objects.filter(committee=committee)
    assert people.count() == 3
    known.refresh_from_db()
    assert known.family_name == "Doe"
    assert known.email_ok is False  # unsubscribed there: unsubscribed here
    john = people.get(emails__email="johnsmith@mail.com")
    assert john.phones.get().number == "+12025550143"
    assert john.sms_ok is True
    tag = Tag.objects.get(committee=committee, name="Volunteers")
    assert set(tag.people.values_list("given_name", flat=True)) == {"John", "Luis"}

    second = sync(committee, server, "--since=2000-01-01T00:00:00Z")

    assert "0 added, 0 updated, 3 unchanged" in second
    assert "Tags applied: 0" in second
    assert people.count() == 3
    assert PersonEmail.objects.filter(person__committee=committee).count() == 3
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
    assert [line.text for line in lines] == [f"Synced 3 people from {url}"]


def test_it_skips_a_bad_person_reports_it_and_keeps_the_mark(server, monkeypatch, tmp_path):
    monkeypatch.setenv("ACTIONNETWORK_TOKEN", KEY)
    page = json.loads((FIXTURES / "people_page2.json").read_text())
    page["_embedded"]["osdi:people"][0]["email_addresses"] = [{"address": "not an address"}]
    broken = tmp_path / "people_page2.json"
    broken.write_text(json.dumps(page))
    for name in ("people_page1.json", "tags.json", "taggings.json"):
        (tmp_path / name).write_text((FIXTURES / name).read_text())
    monkeypatch.setattr("tests.api.test_sync_actionnetwork.FIXTURES", tmp_path)
    committee = factories.committee()

    with pytest.raises(CommandError) as error:
        sync(committee, server)

    assert error.value.returncode == 1
    assert Person.objects.filter(committee=committee).count() == 2  # the others are written
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
    for name in ("people_page1.json", "tags.json", "taggings.json"):
        (tmp_path / name).write_text((FIXTURES / name).read_text())
    monkeypatch.setattr("tests.api.test_sync_actionnetwork.FIXTURES", tmp_path)
    committee = factories.committee()

    out = sync(committee, server)

    assert "1 left out (no email or phone)" in out
    assert Person.objects.filter(committee=committee).count() == 2
    server.seen.clear()
    sync(committee, server)
    assert "modified_date gt" in people_requests(server)[0]["filter"][0]


def test_it_refuses_to_run_without_a_key(server, monkeypatch):
    monkeypatch.delenv("ACTIONNETWORK_TOKEN", raising=False)
    committee = factories.committee()

    with pytest.raises(CommandError, match="ACTIONNETWORK_TOKEN"):
        sync(committee, server)

    assert server.seen == []
