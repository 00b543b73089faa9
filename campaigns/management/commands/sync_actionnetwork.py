"""Pull people, their tags and event attendances from an Action Network–compatible API into a
committee.

People are written through the API's own signup rules (campaigns.api.signup.person_signup_in,
for the whole committee): matched by email, then phone, fields not sent kept, consent only
ever going down. So running it twice changes nothing the second time, and a person already
here is updated rather than doubled.

Events become committee-wide actions seen by invitation only (nothing is published), linked
for good to the remote event by its self link (Action.synced_from): seen again, an action is
changed only where the event differs. Attendances become RSVPs, answered through the same
services as the app's forms (places, waitlist, reminders; history once the action is over),
marked as from another tool. An answer the person gave here after the remote one changed is
theirs and is kept.

Resuming: each successful run is recorded as an audit event (kind "API use") holding the
highest `modified_date` it read, one mark per collection (people, events, attendances: pages
are read at different moments, so one collection's later dates must not make another skip
records); the next run for the same committee and URL asks only for what was modified after.
The attendances of every event synced before are read again with that filter: an event that
did not change may have new RSVPs. A run with errors does not move the marks, so that the
records it could not write are read again next time. No new table: the audit log is where a
lead already looks for who changed what.
"""

import html
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags

from campaigns.actions.services.actions import action_cancel, action_is_over
from campaigns.actions.services.checkin import attendance_set
from campaigns.actions.services.reminders import reminders_replan
from campaigns.actions.services.rsvps import rsvp_record, waitlist_promote
from campaigns.api.events import STATUS
from campaigns.api.osdi import OsdiError
from campaigns.api.signup import PersonSent, person_sent, person_signup_in
from campaigns.models import Action, Rsvp
from campaigns.people.services import person_tag_add, tag_get_or_create
from members.audit import audit_record
from members.models import AuditEvent, Committee, Person
from members.selectors import person_matching

PER_PAGE = 25
MAX_PAGES = 10_000  # a server whose "next" never ends is not a list of people
TIMEOUT = 30  # seconds for one request
SYNC = "actionnetwork"  # the audit event's detail["sync"]
# The audit event's detail keys for the marks, one per collection.
MARKS = ("high_water", "events_high_water", "attendances_high_water")
# OSDI's attendance status as our answer, as our API says it the other way; "needs action"
# is no answer yet (Rsvp.Response.NONE).
RESPONSES = {status: response for response, status in STATUS.items()}


class Unusable(Exception):
    """A remote record that cannot be written here; the message says why."""


class Gone(CommandError):
    """The remote server has no such thing (404)."""


@dataclass
class Summary:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    unreachable: int = 0  # no email and no phone: nothing to match or reach them by
    tags_applied: int = 0
    events: Counter = field(default_factory=Counter)  # added, updated, unchanged
    attendances: Counter = field(default_factory=Counter)
    pages: int = 0
    errors: list[str] = field(default_factory=list)
    # The largest modified_date read in each collection (ISO strings in UTC sort as dates).
    high_water: str = ""
    events_high_water: str = ""
    attendances_high_water: str = ""


class Command(BaseCommand):
    help = (
        "Pull people, tags and event attendances from an Action Network-compatible API (e.g. "
        "https://actionnetwork.org/api/v2) into a committee: events become committee-wide "
        "actions for invited people, attendances their RSVPs. Give the API key in a file "
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
            help="Only records modified after this date (ISO 8601); default: the last run's marks.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        committee = Committee.objects.filter(pk=options["committee"]).first()
        if committee is None:
            raise CommandError(f"No committee {options['committee']}.")
        root = options["url"].rstrip("/")
        if urllib.parse.urlsplit(root).scheme not in {"http", "https"}:
            raise CommandError("--url must start with https:// (or http://).")
        remote = Remote(root, _token(options))
        since = {
            key: options["since"] or sync_mark(committee=committee, url=root, key=key)
            for key in MARKS
        }
        summary = Summary()
        people = self._people(committee, remote, since["high_water"], summary)
        self._tags(committee, remote, people, summary)
        events = self._events(committee, remote, since["events_high_water"], summary)
        self._attendances(
            committee, remote, events, people, since["attendances_high_water"], summary
        )
        if not summary.errors:
            marks = {key: getattr(summary, key) or since[key] for key in MARKS}
            audit_record(
                actor=None,
                kind=AuditEvent.Kind.API,
                committee=committee,
                count=summary.added + summary.updated,
                detail={"sync": SYNC, "url": root, **marks},
            )
        self._report(summary, since["high_water"])

    def _people(
        self, committee: Committee, remote: "Remote", since: str, summary: Summary
    ) -> dict[str, Person | None]:
        """Every remote person modified since the mark, written here; remote id → ours (None:
        left out, with no email or phone)."""
        people: dict[str, Person | None] = {}
        for page in remote.pages("people", _params(since), summary):
            for remote_person in page.get("_embedded", {}).get("osdi:people", []):
                try:
                    people[_id(remote_person)] = _person_write(committee, remote_person, summary)
                except OsdiError as error:
                    summary.errors.append(f"person {_id(remote_person)}: {error}")
                    continue
                _mark(summary, remote_person, "high_water")
        return people

    def _tags(
        self,
        committee: Committee,
        remote: "Remote",
        people: dict[str, Person | None],
        summary: Summary,
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
                        person = people.get(_tail(_link(tagging, "osdi:person")))
                        if person is None:  # not modified since the mark, or not written
                            continue
                        tag = tag or tag_get_or_create(committee=committee, name=name)
                        if person_tag_add(person=person, tag=tag):
                            summary.tags_applied += 1

    def _events(
        self, committee: Committee, remote: "Remote", since: str, summary: Summary
    ) -> dict[str, tuple[Action, str]]:
        """Every remote event modified since the mark, as our action; its self link → the
        action and the event's attendances link."""
        events: dict[str, tuple[Action, str]] = {}
        for page in remote.pages("events", _params(since), summary):
            for event in page.get("_embedded", {}).get("osdi:events", []):
                try:
                    action, outcome = _action_write(committee, event)
                except (Unusable, ValidationError) as error:
                    summary.errors.append(f"event {_id(event)}: {_message(error)}")
                    continue
                summary.events[outcome] += 1
                link = _link(event, "osdi:attendances") or f"{action.synced_from}/attendances"
                events[action.synced_from] = (action, link)
                _mark(summary, event, "events_high_water")
        return events

    def _attendances(
        self,
        committee: Committee,
        remote: "Remote",
        events: dict[str, tuple[Action, str]],
        people: dict[str, Person | None],
        since: str,
        summary: Summary,
    ) -> None:
        """The attendances modified since the mark of the events read in this run and of
        those synced from this server before (an event that did not change may have new
        RSVPs; Action Network's address of an event's attendances), as RSVPs."""
        earlier = Action.objects.filter(
            committee=committee, synced_from__startswith=f"{remote.root}/"
        ).exclude(synced_from__in=list(events))
        for action in earlier.order_by("pk"):
            events[action.synced_from] = (action, f"{action.synced_from}/attendances")
        for action, link in events.values():
            try:
                for page in remote.pages(link, _params(since), summary):
                    for attendance in page.get("_embedded", {}).get("osdi:attendances", []):
                        self._attendance(committee, remote, action, attendance, people, summary)
            except Gone:  # deleted there: the action and its RSVPs stay here as they are
                continue

    def _attendance(
        self,
        committee: Committee,
        remote: "Remote",
        action: Action,
        attendance: dict[str, Any],
        people: dict[str, Person | None],
        summary: Summary,
    ) -> None:
        try:
            response = _response(attendance)
            person = _attendee(committee, remote, attendance, people, summary)
            if person is not None:  # else left out (no email or phone), counted with people
                outcome = _rsvp_write(action, person, response, attendance)
                summary.attendances[outcome] += 1
        except (Unusable, OsdiError, ValidationError) as error:
            summary.errors.append(f"attendance {_id(attendance)}: {_message(error)}")
            return
        _mark(summary, attendance, "attendances_high_water")

    def _report(self, summary: Summary, since: str) -> None:
        for error in summary.errors:
            self.stderr.write(f"Skipped {error}")
        events, attendances = summary.events, summary.attendances
        self.stdout.write(
            f"People modified since {since or 'the beginning'}: {summary.added} added, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.unreachable} left out (no email or phone). "
            f"Tags applied: {summary.tags_applied}. "
            f"Events: {events['added']} added, {events['updated']} updated, "
            f"{events['unchanged']} unchanged. "
            f"Attendances: {attendances['added']} added, {attendances['updated']} updated, "
            f"{attendances['unchanged']} unchanged. Pages read: {summary.pages}."
        )
        if summary.errors:
            raise CommandError(
                f"{len(summary.errors)} record(s) skipped; the resume marks were not moved.",
                returncode=1,
            )


class Remote:
    """The remote API: GETs with the key in OSDI-API-Token, pages followed by _links.next."""

    def __init__(self, root: str, token: str) -> None:
        self.root, self.token = root, token

    def get(self, url: str) -> dict[str, Any]:
        """One resource. Only on the root's server: the key goes with every request, and a
        link elsewhere must not carry it away."""
        here, there = urllib.parse.urlsplit(self.root), urllib.parse.urlsplit(url)
        if (here.scheme, here.netloc) != (there.scheme, there.netloc):
            raise CommandError(f"Not reading {url}: it is not on {self.root}.")
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            url, headers={"OSDI-API-Token": self.token, "Accept": "application/hal+json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
                body = json.load(response)
        except urllib.error.HTTPError as error:
            if error.code == 404:
                raise Gone(f"Could not read {url}: not found (404).") from None
            raise CommandError(f"Could not read {url}: {error}") from None
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


def sync_mark(*, committee: Committee, url: str, key: str = "high_water") -> str:
    """The highest modified_date of a collection (`key`, one of MARKS) read by the last
    successful run for this committee and URL."""
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
    return str(event.detail.get(key) or "") if event else ""


def _token(options: dict[str, Any]) -> str:
    if options["token_file"]:
        with open(options["token_file"]) as file:
            token = file.read().strip()
    else:
        token = options["token"] or os.environ.get("ACTIONNETWORK_TOKEN", "")
    if not token:
        raise CommandError("Give the API key with --token-file or ACTIONNETWORK_TOKEN.")
    return token


def _params(since: str) -> dict[str, str]:
    params = {"per_page": str(PER_PAGE)}
    if since:
        params["filter"] = f"modified_date gt '{since}'"
    return params


def _id(resource: dict[str, Any]) -> str:
    """A remote resource's id: the end of its self link (what taggings point at)."""
    return _tail(_link(resource, "self"))


def _link(resource: dict[str, Any], name: str) -> str:
    """The href of one of a resource's _links, or ""."""
    links = resource.get("_links")
    link = links.get(name) if isinstance(links, dict) else None
    href = link.get("href") if isinstance(link, dict) else None
    return href.strip() if isinstance(href, str) else ""


def _tail(href: str) -> str:
    return href.rstrip("/").rsplit("/", 1)[-1]


def _message(error: Exception) -> str:
    return error.messages[0] if isinstance(error, ValidationError) else str(error)


def _person_write(
    committee: Committee, remote_person: dict[str, Any], summary: Summary
) -> Person | None:
    """A remote person written here and counted; None when they have no email and no phone
    (not an error to retry: Majority keeps people it can match and reach). Raises OsdiError."""
    sent = person_sent({"person": remote_person}, helper=True)
    if not (sent.email or sent.phone):
        summary.unreachable += 1
        return None
    before = _state_of(committee, sent)
    person, added = person_signup_in(committee=committee, scope=None, sent=sent)
    if added:
        summary.added += 1
    elif before == _state(Person.objects.get(pk=person.pk)):
        summary.unchanged += 1
    else:
        summary.updated += 1
    return person


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


def _mark(summary: Summary, record: dict[str, Any], key: str) -> None:
    """A collection's resume mark: the latest modified_date read (ISO strings in UTC sort as
    dates). Only its own collection moves it."""
    modified = record.get("modified_date")
    if isinstance(modified, str) and modified > getattr(summary, key):
        setattr(summary, key, modified)


def _action_write(committee: Committee, event: dict[str, Any]) -> tuple[Action, str]:
    """The action made from this remote event: added the first time, then changed only where
    the event differs. Returns it and "added", "updated" or "unchanged"."""
    href = _link(event, "self")
    if not href:
        raise Unusable("no self link")
    fields = _action_fields(committee, event)
    cancelled = event.get("status") == "cancelled"
    action = Action.objects.filter(committee=committee, synced_from=href).first()
    if action is None:
        action = Action.objects.create(
            committee=committee,
            campaign=None,
            synced_from=href,
            kind=Action.Kind.OTHER,
            visibility=Action.Visibility.INVITED,  # nothing published: a lead decides
            time_zone=committee.time_zone,
            reminder_offsets=committee.reminder_offsets,
            cancelled_at=timezone.now() if cancelled else None,
            **fields,
        )
        return action, "added"
    changed = [name for name, value in fields.items() if getattr(action, name) != value]
    if changed:
        _action_change(action, fields, changed)
    if cancelled and not action.is_cancelled:
        _action_cancel(action)
        changed.append("cancelled_at")
    return action, "updated" if changed else "unchanged"


def _action_fields(committee: Committee, event: dict[str, Any]) -> dict[str, Any]:
    """What an event says about the action: times as UTC instants (a time without an offset
    is read in the committee's zone; no end: the start), the description as plain text."""
    zone = ZoneInfo(committee.time_zone)
    starts_at = _moment(event.get("start_date"), zone)
    if starts_at is None:
        raise Unusable("no start_date we can read")
    ends_at = _moment(event.get("end_date"), zone) or starts_at
    title = " ".join(str(event.get("title") or event.get("name") or "").split())
    if not title:
        raise Unusable("no title")
    capacity = event.get("capacity")
    return {
        "title": title[: Action._meta.get_field("title").max_length],
        "description": _text(event.get("description")),
        "location": _place(event.get("location")),
        "starts_at": starts_at,
        "ends_at": max(ends_at, starts_at),
        "capacity": capacity if type(capacity) is int and capacity > 0 else None,
    }


def _action_change(action: Action, fields: dict[str, Any], changed: list[str]) -> None:
    """Save what changed; as an edit in the app, a new time moves the reminders (and tells
    who is coming) and a new capacity lets the waitlist in, while the action is still ahead."""
    with transaction.atomic():
        # The row's lock, as in the app's edit: answers to it wait (waitlist_promote's rule).
        Action.objects.select_for_update().filter(pk=action.pk).first()
        for name in changed:
            setattr(action, name, fields[name])
        action.save(update_fields=[*changed, "updated_at"])
        if action.is_cancelled or action_is_over(action):
            return
        if "capacity" in changed:
            waitlist_promote(action=action)
        if "starts_at" in changed or "ends_at" in changed:
            reminders_replan(action=action, moved=True)


def _action_cancel(action: Action) -> None:
    """Cancelled there: cancelled here, as in the app (who is coming is told) while it is
    ahead; once over, only marked."""
    if not action_is_over(action):
        action_cancel(action=action, by=None)
        return
    action.cancelled_at = timezone.now()
    action.save(update_fields=["cancelled_at", "updated_at"])


def _moment(value: Any, zone: tzinfo = UTC) -> datetime | None:
    """An ISO 8601 date as an aware datetime (in `zone` when it has no offset), or None."""
    try:
        moment = parse_datetime(value.strip()) if isinstance(value, str) else None
    except ValueError:
        return None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, zone)
    return moment


def _text(value: Any) -> str:
    """HTML as plain text: line breaks and paragraphs kept as new lines, tags dropped."""
    if not isinstance(value, str):
        return ""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", value)
    lines = (" ".join(line.split()) for line in html.unescape(strip_tags(text)).splitlines())
    return "\n".join(line for line in lines if line)


def _place(location: Any) -> str:
    """An OSDI location as the lines of an address: venue, street lines, "City, ST 00000"."""
    if not isinstance(location, dict):
        return ""
    lines = location.get("address_lines")
    lines = [location.get("venue"), *(lines if isinstance(lines, list) else [])]
    region = " ".join(_words(location.get(key)) for key in ("region", "postal_code")).strip()
    lines.append(", ".join(part for part in (_words(location.get("locality")), region) if part))
    return "\n".join(text for text in map(_words, lines) if text)


def _words(value: Any) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _response(attendance: dict[str, Any]) -> str:
    status = attendance.get("status")
    if status not in RESPONSES:
        raise Unusable(f"unknown status {str(status)[:40]!r}")
    return RESPONSES[status]


def _attendee(
    committee: Committee,
    remote: "Remote",
    attendance: dict[str, Any],
    people: dict[str, Person | None],
    summary: Summary,
) -> Person | None:
    """The attendance's person: the one written in this run, else read from its link and
    written as the people are. None: left out (no email or phone)."""
    href = _link(attendance, "osdi:person")
    if not href:
        raise Unusable("no person link")
    if _tail(href) not in people:
        try:
            remote_person = remote.get(href)
        except CommandError as error:
            raise Unusable(f"its person could not be read: {error}") from None
        people[_tail(href)] = _person_write(committee, remote_person, summary)
    return people[_tail(href)]


def _rsvp_write(action: Action, person: Person, response: str, attendance: dict[str, Any]) -> str:
    """The person's RSVP as the attendance says, through the app's services. An answer given
    here after the attendance last changed is theirs and stays. Returns "added", "updated" or
    "unchanged". Raises ValidationError as the services do."""
    rsvp = Rsvp.objects.filter(action=action, person=person).first()
    answer = (
        response != Rsvp.Response.NONE
        and (rsvp is None or rsvp.response != response)
        and not _answered_here_since(rsvp, _moment(attendance.get("modified_date")))
    )
    came = (
        attendance.get("attended") is True
        and not action.is_cancelled
        and (rsvp is None or rsvp.attended is not True)
    )
    if answer:
        rsvp_record(action=action, person=person, response=response, source=Rsvp.Source.API)
    if came:
        attendance_set(action=action, person=person, attended=True, by=None)
    if not (answer or came):
        return "unchanged"
    return "added" if rsvp is None else "updated"


def _answered_here_since(rsvp: Rsvp | None, modified: datetime | None) -> bool:
    """Whether the person (or an organizer) answered here, not through a sync, after the
    remote attendance last changed (or when it does not say when it changed)."""
    if rsvp is None or rsvp.source == Rsvp.Source.API or rsvp.responded_at is None:
        return False
    return modified is None or rsvp.responded_at > modified
