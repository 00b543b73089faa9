"""Pull people and their tags from an Action Network–compatible API into a committee.

People are written through the API's own signup rules (campaigns.api.signup.person_signup_in,
for the whole committee): matched by email, then phone, fields not sent kept, consent only
ever going down. So running it twice changes nothing the second time, and a person already
here is updated rather than doubled.

Resuming: each successful run is recorded as an audit event (kind "API use") holding the
highest `modified_date` it read; the next run for the same committee and URL asks only for
people modified after it. A run with errors does not move the mark, so that the people it
could not write are read again next time. No new table: the audit log is where a lead
already looks for who changed what.

Event attendances are not synced: an Action Network event is not one of our actions, and an
RSVP needs an action here to belong to (see the summary's last line).
"""

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from campaigns.api.osdi import OsdiError
from campaigns.api.signup import PersonSent, person_sent, person_signup_in
from campaigns.people.services import person_tag_add, tag_get_or_create
from members.audit import audit_record
from members.models import AuditEvent, Committee, Person
from members.selectors import person_matching

PER_PAGE = 25
MAX_PAGES = 10_000  # a server whose "next" never ends is not a list of people
TIMEOUT = 30  # seconds for one request
SYNC = "actionnetwork"  # the audit event's detail["sync"]


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unreachable: int = 0  # no email and no phone: nothing to match or reach them by
    tags_applied: int = 0
    pages: int = 0
    errors: list[str] = field(default_factory=list)
    high_water: str = ""  # the largest modified_date read (ISO strings in UTC sort as dates)


class Command(BaseCommand):
    help = (
        "Pull people and tags from an Action Network-compatible API (e.g. "
        "https://actionnetwork.org/api/v2) into a committee. Give the API key in a file "
        "(--token-file) or in ACTIONNETWORK_TOKEN rather than with --token, which other users "
        "of the machine can see in the process list. Resumes from the last successful run "
        "unless --since is given. Exits with status 1 if any record could not be written."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--committee", type=int, required=True, help="Our committee's id.")
        parser.add_argument("--url", required=True, help="The remote API root.")
        parser.add_argument("--token-file", help="A file holding the remote API key.")
        parser.add_argument("--token", help="The remote API key (prefer --token-file).")
        parser.add_argument(
            "--since",
            help="Only people modified after this date (ISO 8601); default: the last run's mark.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        committee = Committee.objects.filter(pk=options["committee"]).first()
        if committee is None:
            raise CommandError(f"No committee {options['committee']}.")
        root = options["url"].rstrip("/")
        if urllib.parse.urlsplit(root).scheme not in {"http", "https"}:
            raise CommandError("--url must start with https:// (or http://).")
        remote = Remote(root, _token(options))
        since = options["since"] or sync_mark(committee=committee, url=root)
        summary = Summary()
        people = self._people(committee, remote, since, summary)
        self._tags(committee, remote, people, summary)
        if not summary.errors:
            audit_record(
                actor=None,
                kind=AuditEvent.Kind.API,
                committee=committee,
                count=summary.added + summary.updated,
                detail={"sync": SYNC, "url": root, "high_water": summary.high_water or since},
            )
        self._report(summary, since)

    def _people(
        self, committee: Committee, remote: "Remote", since: str, summary: Summary
    ) -> dict[str, Person]:
        """Every remote person modified since the mark, written here; remote id → ours."""
        params = {"per_page": str(PER_PAGE)}
        if since:
            params["filter"] = f"modified_date gt '{since}'"
        people: dict[str, Person] = {}
        for page in remote.pages("people", params, summary):
            for remote_person in page.get("_embedded", {}).get("osdi:people", []):
                remote_id = _id(remote_person)
                try:
                    sent = person_sent({"person": remote_person}, helper=True)
                    if not (sent.email or sent.phone):
                        # Not an error to retry: Majority keeps people it can match and reach.
                        summary.unreachable += 1
                        _mark(summary, remote_person)
                        continue
                    before = _state_of(committee, sent)
                    person, added = person_signup_in(committee=committee, scope=None, sent=sent)
                except OsdiError as error:
                    summary.errors.append(f"person {remote_id}: {error}")
                    continue
                if added:
                    summary.added += 1
                elif before == _state(Person.objects.get(pk=person.pk)):
                    summary.unchanged += 1
                else:
                    summary.updated += 1
                people[remote_id] = person
                _mark(summary, remote_person)
        return people

    def _tags(
        self, committee: Committee, remote: "Remote", people: dict[str, Person], summary: Summary
    ) -> None:
        """Each remote tag's taggings of the people read in this run, as our committee tags."""
        for page in remote.pages("tags", {"per_page": str(PER_PAGE)}, summary):
            for remote_tag in page.get("_embedded", {}).get("osdi:tags", []):
                name = " ".join(str(remote_tag.get("name") or "").split())[:100]
                href = remote_tag.get("_links", {}).get("osdi:taggings", {}).get("href")
                if not name or not href:
                    summary.errors.append(f"tag {_id(remote_tag)}: no name or no taggings link")
                    continue
                tag = None
                for taggings in remote.pages(href, {"per_page": str(PER_PAGE)}, summary):
                    for tagging in taggings.get("_embedded", {}).get("osdi:taggings", []):
                        person_href = tagging.get("_links", {}).get("osdi:person", {}).get("href")
                        person = people.get(_tail(person_href or ""))
                        if person is None:  # not modified since the mark, or not written
                            continue
                        tag = tag or tag_get_or_create(committee=committee, name=name)
                        if person_tag_add(person=person, tag=tag):
                            summary.tags_applied += 1

    def _report(self, summary: Summary, since: str) -> None:
        for error in summary.errors:
            self.stderr.write(f"Skipped {error}")
        self.stdout.write(
            f"People modified since {since or 'the beginning'}: {summary.added} added, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.unreachable} left out (no email or phone). "
            f"Tags applied: {summary.tags_applied}. Pages read: {summary.pages}."
        )
        self.stdout.write("Event attendances: not synced (remote events are not our actions).")
        if summary.errors:
            raise CommandError(
                f"{len(summary.errors)} record(s) skipped; the resume mark was not moved.",
                returncode=1,
            )


class Remote:
    """The remote API: GETs with the key in OSDI-API-Token, pages followed by _links.next."""

    def __init__(self, root: str, token: str) -> None:
        self.root, self.token = root, token

    def get(self, url: str) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in handle)
            url, headers={"OSDI-API-Token": self.token, "Accept": "application/hal+json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                body = json.load(response)
        except (OSError, ValueError) as error:
            raise CommandError(f"Could not read {url}: {error}") from None
        if not isinstance(body, dict):
            raise CommandError(f"{url} did not answer a JSON object.")
        return body

    def pages(
        self, path: str, params: dict[str, str], summary: Summary
    ) -> Iterator[dict[str, Any]]:
        """Each page of a collection (a path under the root, or a whole URL), in order."""
        url = path if "://" in path else f"{self.root}/{path}"
        url = f"{url}{'&' if '?' in url else '?'}{urllib.parse.urlencode(params)}"
        seen: set[str] = set()
        while url and url not in seen and len(seen) < MAX_PAGES:
            seen.add(url)
            page = self.get(url)
            summary.pages += 1
            yield page
            embedded = page.get("_embedded") or {}
            if not any(embedded.values()):
                return
            url = (page.get("_links") or {}).get("next", {}).get("href")


def sync_mark(*, committee: Committee, url: str) -> str:
    """The highest modified_date of the last successful run for this committee and URL."""
    event = (
        AuditEvent.objects.filter(
            committee=committee,
            kind=AuditEvent.Kind.API,
            detail__sync=SYNC,
            detail__url=url,
        )
        .order_by("-at", "-pk")
        .first()
    )
    return str(event.detail.get("high_water") or "") if event else ""


def _token(options: dict[str, Any]) -> str:
    if options["token_file"]:
        with open(options["token_file"]) as file:
            token = file.read().strip()
    else:
        token = options["token"] or os.environ.get("ACTIONNETWORK_TOKEN", "")
    if not token:
        raise CommandError("Give the API key with --token-file or ACTIONNETWORK_TOKEN.")
    return token


def _id(resource: dict[str, Any]) -> str:
    """A remote resource's id: the end of its self link (what taggings point at)."""
    return _tail(resource.get("_links", {}).get("self", {}).get("href") or "")


def _tail(href: str) -> str:
    return href.rstrip("/").rsplit("/", 1)[-1]


def _state(person: Person) -> tuple:
    """What a sync may change on a person, to tell an update from nothing."""
    return (
        person.given_name,
        person.family_name,
        person.email_ok,
        person.sms_ok,
        sorted(person.emails.values_list("email", flat=True)),
        sorted(person.phones.values_list("pk", flat=True)),
        sorted(person.tags.values_list("pk", flat=True)),
    )


def _state_of(committee: Committee, sent: PersonSent) -> tuple | None:
    person = person_matching(committee=committee, email=sent.email, phone=sent.phone)
    return _state(person) if person is not None else None


def _mark(summary: Summary, remote_person: dict[str, Any]) -> None:
    """The resume mark: the latest modified_date read (ISO strings in UTC sort as dates)."""
    modified = remote_person.get("modified_date")
    if isinstance(modified, str) and modified > summary.high_water:
        summary.high_water = modified
