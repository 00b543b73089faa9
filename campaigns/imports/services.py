"""Importing a roster file: upload it, check it in a dry run, then commit every row or none.

A roster file is often the first data a campaign has, and a half-imported one is worse than
none (people twice, a unit misspelt ten ways), so a commit is all-or-nothing, and the dry run
is the very same code in a transaction that is always rolled back: what it reports is what a
commit would do. The work is done in bulk with a bounded number of queries (the committee's
emails and phones loaded once, people, channels, tags and roster entries created in bulk), so
a 5,000-row file takes seconds, not minutes.
"""

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.access import people_visible_to
from campaigns.imports import csv_formats
from campaigns.imports.csv_formats import PersonRow
from campaigns.imports.files import (
    file_committed,
    file_discard,
    file_read,
    files_discard_abandoned,
    line_problem,
)
from campaigns.models import (
    Campaign,
    ImportBatch,
    PaymentImport,
    PersonNote,
    RosterEntry,
    Site,
    Unit,
)
from campaigns.roster.history import history_changed
from campaigns.roster.matching import possible_duplicates_queue_many
from campaigns.roster.services import roster_back
from members.audit import audit_record
from members.models import AuditEvent, Person, PersonEmail, PersonPhone, PersonTag, Tag, User

logger = logging.getLogger(__name__)
BATCH_SIZE = 1000
NAME_FIELDS = {"full_name", "given_name", "family_name"}


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do). Counts only: no names, so the counts
    can be kept once the file's text is gone."""

    rows: int = 0
    people_new: int = 0
    people_matched: int = 0
    roster_added: int = 0
    roster_existing: int = 0
    sites_created: int = 0
    units_created: int = 0
    tags_created: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_places: list[str] = field(default_factory=list)
    committed: bool = False
    already_committed: bool = False

    @property
    def people(self) -> int:
        return self.people_new + self.people_matched

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if type(v) is int}

    @classmethod
    def from_summary(
        cls, summary: dict[str, Any], *, already_committed: bool = False
    ) -> "ImportReport":
        known = cls().counts()
        counts = {k: v for k, v in summary.items() if k in known}
        return cls(**counts, already_committed=already_committed)


class _RolledBack(Exception):
    """Leaves a transaction.atomic block so it rolls back, carrying the report out."""

    def __init__(self, report: ImportReport) -> None:
        self.report = report


# --- Upload, mapping, dry run, commit, discard ---------------------------------------------------


def import_upload(
    *, campaign: Campaign, uploaded_by: User, filename: str, data: bytes
) -> ImportBatch:
    """Keep an uploaded file's text for mapping and checking, or ValidationError saying why
    it can't be read (nothing is stored then). Columns we recognise come pre-mapped."""
    read = file_read(filename=filename, data=data)
    return ImportBatch.objects.create(campaign=campaign, uploaded_by=uploaded_by, **read)


def import_mapping_set(*, batch: ImportBatch, mapping: dict[str, str]) -> None:
    batch.mapping = {k: v for k, v in mapping.items() if v}
    batch.save(update_fields=["mapping"])


def import_dry_run(*, batch: ImportBatch, mapping: dict[str, str]) -> ImportReport:
    """Save the mapping, then run the whole import and roll it back: nothing changes."""
    import_mapping_set(batch=batch, mapping=mapping)
    try:
        with transaction.atomic():
            raise _RolledBack(_import(batch))
    except _RolledBack as done:
        return done.report


def import_commit(*, batch_id: int, actor: User, ip: str | None = None) -> ImportReport:
    """Import every row of the batch with its saved mapping, or none if any row fails.

    The batch row is locked first, so a double click or two leads at once import it once.
    """
    try:
        with transaction.atomic():
            batch = (
                ImportBatch.objects.select_for_update(of=("self",))
                .select_related("campaign__committee")
                .get(pk=batch_id)
            )
            if batch.status != ImportBatch.Status.UPLOADED:
                return ImportReport.from_summary(batch.summary, already_committed=True)
            report = _import(batch)
            if report.errors:
                raise _RolledBack(report)
            _commit_record(batch=batch, report=report, actor=actor, ip=ip)
    except _RolledBack as stopped:
        return stopped.report
    except DatabaseError:
        logger.exception("roster import %s failed at commit", batch_id)
        return ImportReport(
            errors=[_("The import stopped on a database error, so nothing was saved. Try again.")]
        )
    report.committed = True
    return report


def _commit_record(
    *, batch: ImportBatch, report: ImportReport, actor: User, ip: str | None
) -> None:
    """Mark the batch imported (its text dropped), audit."""
    file_committed(batch, report.counts())
    audit_record(
        actor=actor,
        kind=AuditEvent.Kind.IMPORT,
        committee=batch.campaign.committee,
        subject=batch,
        campaign_id=batch.campaign_id,
        count=report.people,
        detail={k: v for k, v in report.counts().items() if k != "rows"},
        ip=ip,
    )


def import_discard(*, batch: ImportBatch) -> None:
    """Drop a file that won't be imported; its text goes at once."""
    file_discard(batch)


def roster_export_record(
    *,
    campaign: Campaign,
    actor: User,
    count: int,
    ip: str | None = None,
    of: str = "",
    filters: str = "",
) -> None:
    """Every export of a campaign's people is on the record: who, when, from where, how many
    rows; `of` names what other than the roster was exported (the dashboard's unit table),
    with the filters it was cut by (as a query string)."""
    detail: dict = {"format": "csv"}
    if of:
        detail |= {"of": of, "filters": filters}
    audit_record(
        actor=actor,
        kind=AuditEvent.Kind.EXPORT,
        committee=campaign.committee,
        subject=campaign,
        campaign_id=campaign.pk,
        count=count,
        detail=detail,
        ip=ip,
    )


# --- The import itself ---------------------------------------------------------------------------


def _import(batch: ImportBatch) -> ImportReport:
    """Read, match and write every good row; the caller decides whether it stays."""
    report = ImportReport()
    rows = _rows_read(batch, report)
    known = _Known.load(batch.campaign, batch.uploaded_by)
    matched = _rows_match(rows, known, report)
    people = _people_write(matched, batch.campaign.committee_id, report)
    _possible_duplicates_queue(people, known, batch)
    touched = _channels_add(people, known, batch.campaign_id)
    _notes_add(people, batch.campaign_id)
    touched |= _tags_add(people, batch.campaign.committee_id, report)
    touched |= _roster_place(people, batch.campaign, known, report)
    # What the file added to people already here (an email, a phone, a tag, a unit) leaves
    # no date of its own: they are modified now, for a sync reading what changed (the API).
    already = {person_id for _row, person_id in matched if person_id}
    Person.objects.filter(pk__in=touched & already).update(updated_at=timezone.now())
    return report


def _rows_read(batch: ImportBatch, report: ImportReport) -> list[PersonRow]:
    delimiter = batch.summary.get("delimiter") or csv_formats.sniff_delimiter(batch.content)
    header, lines = csv_formats.read_rows(batch.content, delimiter)
    columns = csv_formats.columns_for(header, batch.mapping)
    if not NAME_FIELDS & set(columns):
        report.errors.append(_("Choose the column with people's names, then check again."))
    good = []
    for line, cells in lines:
        row = csv_formats.person_row(line, cells, columns)
        report.rows += 1
        report.errors.extend(line_problem(line, problem) for problem in row.problems)
        report.warnings.extend(line_problem(line, warning) for warning in row.warnings)
        if not row.problems:
            good.append(row)
    _warn_unmatchable(good, report)
    return good


def _warn_unmatchable(rows: list[PersonRow], report: ImportReport) -> None:
    """People are recognised by email or phone only (two people may share a name), so a row
    with neither is always someone new: say so before the same file is imported twice."""
    count = sum(1 for row in rows if not (row.email or row.phone))
    if count:
        report.warnings.append(
            ngettext(
                "%(count)s person has no email or phone: they are added as someone new, and "
                "importing them again would add them twice.",
                "%(count)s people have no email or phone: they are added as new people, and "
                "importing them again would add them twice.",
                count,
            )
            % {"count": count}
        )


@dataclass
class _Known:
    """The committee's people by email and phone, and the campaign's roster, loaded once.

    The roster's matching rule (campaigns.roster.matching), in bulk: only people the uploader
    may see are matched (`by_email`, `by_phone`); a row whose email or phone is someone else's
    (`hidden_by_email`, `hidden_by_phone`) makes a new person, counted as new, and queues a
    possible duplicate for a lead (`hidden_of`: new row's line -> (person id, matched on))."""

    by_email: dict[str, int]
    by_phone: dict[str, int]
    emails_of: dict[int, set[str]]
    phones_of: dict[int, set[str]]
    entries: dict[int, RosterEntry]
    hidden_by_email: dict[str, int] = field(default_factory=dict)
    hidden_by_phone: dict[str, int] = field(default_factory=dict)
    hidden_of: dict[int, tuple[int, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, campaign: Campaign, uploader: User | None) -> "_Known":
        known = cls({}, {}, {}, {}, {})
        visible = set(
            people_visible_to(uploader)
            .filter(committee_id=campaign.committee_id)
            .values_list("pk", flat=True)
            if uploader is not None
            else []
        )
        emails = PersonEmail.objects.filter(person__committee_id=campaign.committee_id)
        for email, person_id in emails.order_by("person_id").values_list("email", "person_id"):
            mine = known.by_email if person_id in visible else known.hidden_by_email
            mine.setdefault(email.lower(), person_id)
            known.emails_of.setdefault(person_id, set()).add(email.lower())
        phones = PersonPhone.objects.filter(person__committee_id=campaign.committee_id)
        for number, person_id in phones.order_by("person_id").values_list("number", "person_id"):
            mine = known.by_phone if person_id in visible else known.hidden_by_phone
            mine.setdefault(number, person_id)
            known.phones_of.setdefault(person_id, set()).add(number)
        entries = RosterEntry.objects.filter(campaign=campaign, removed_at__isnull=True)
        known.entries = {entry.person_id: entry for entry in entries}
        return known


def _rows_match(
    rows: list[PersonRow], known: _Known, report: ImportReport
) -> list[tuple[PersonRow, int | None]]:
    """Each good row with the known person it is (same email, any case, or same phone), or
    None for someone new. Two rows for one person are an error, never a silent merge: the
    organizer decides which line is right."""
    first_line: dict[tuple[str, Any], int] = {}
    matched = []
    for row in rows:
        person_id, problem = _match_one(row, known, first_line)
        if problem:
            report.errors.append(line_problem(row.line, problem))
            continue
        for key in (("email", row.email.lower()), ("phone", row.phone), ("person", person_id)):
            if key[1]:
                first_line.setdefault(key, row.line)
        matched.append((row, person_id))
    return matched


def _match_one(
    row: PersonRow, known: _Known, first_line: dict[tuple[str, Any], int]
) -> tuple[int | None, str]:
    email = row.email.lower()
    if email and ("email", email) in first_line:
        return None, _("same email as line %(line)s") % {"line": first_line["email", email]}
    if row.phone and ("phone", row.phone) in first_line:
        return None, _("same phone as line %(line)s") % {"line": first_line["phone", row.phone]}
    by_email = known.by_email.get(email) if email else None
    by_phone = known.by_phone.get(row.phone) if row.phone else None
    if by_email and by_phone and by_email != by_phone:
        return None, _(
            "the email is one person's and the phone another's; merge them or fix the line"
        )
    person_id = by_email or by_phone
    if person_id and ("person", person_id) in first_line:
        return None, _("same person as line %(line)s") % {"line": first_line["person", person_id]}
    if person_id is None:
        hidden_email = known.hidden_by_email.get(email) if email else None
        hidden_phone = known.hidden_by_phone.get(row.phone) if row.phone else None
        if hidden_email:
            known.hidden_of[row.line] = (hidden_email, "email")
        elif hidden_phone:
            known.hidden_of[row.line] = (hidden_phone, "phone")
    return person_id, ""


def _people_write(
    matched: list[tuple[PersonRow, int | None]], committee_id: int, report: ImportReport
) -> list[tuple[PersonRow, Person]]:
    """Create the new people in bulk; fill the blanks of known ones, never overwriting."""
    existing = Person.objects.in_bulk([pid for _row, pid in matched if pid])
    new = [_person_new(row, committee_id) for row, pid in matched if not pid]
    Person.objects.bulk_create(new, batch_size=BATCH_SIZE)
    fresh = iter(new)
    people = [(row, existing[pid] if pid else next(fresh)) for row, pid in matched]
    filled = [person for row, person in people if person.pk in existing and _fill(person, row)]
    Person.objects.bulk_update(
        filled,
        ["preferred_name", "preferred_language", "do_not_contact", "updated_at"],
        batch_size=BATCH_SIZE,
    )
    report.people_new, report.people_matched = len(new), len(existing)
    return people


def _person_new(row: PersonRow, committee_id: int) -> Person:
    return Person(
        committee_id=committee_id,
        given_name=row.given_name,
        family_name=row.family_name,
        preferred_name=row.preferred_name,
        preferred_language=row.language,
        do_not_contact=row.do_not_contact,
    )


def _fill(person: Person, row: PersonRow) -> bool:
    """Fill what a known person lacks; a "do not contact" in the file always wins."""
    before = (person.preferred_name, person.preferred_language)
    person.preferred_name = person.preferred_name or row.preferred_name
    person.preferred_language = person.preferred_language or row.language
    changed = before != (person.preferred_name, person.preferred_language)
    if row.do_not_contact and not person.do_not_contact:
        person.do_not_contact, changed = True, True
    if changed:
        person.updated_at = timezone.now()
    return changed


def _possible_duplicates_queue(
    people: list[tuple[PersonRow, Person]], known: _Known, batch: ImportBatch
) -> None:
    found = [
        (person, *known.hidden_of[row.line])
        for row, person in people
        if row.line in known.hidden_of
    ]
    possible_duplicates_queue_many(found=found, campaign=batch.campaign, by=batch.uploaded_by)


def _notes_add(people: list[tuple[PersonRow, Person]], campaign_id: int) -> None:
    """The file's notes become the campaign's notes about each person (seen by its team and
    the leads), where the campaign has none yet: never overwritten."""
    PersonNote.objects.bulk_create(
        [
            PersonNote(person=person, campaign_id=campaign_id, text=row.notes)
            for row, person in people
            if row.notes
        ],
        ignore_conflicts=True,
        batch_size=BATCH_SIZE,
    )


def _channels_add(
    people: list[tuple[PersonRow, Person]], known: _Known, campaign_id: int
) -> set[int]:
    """Each person's email and phone from the file, if they don't have it yet: the primary
    ones of a new person; never the primary of a known one (campaigns.roster.matching).
    The people who got one."""
    emails, phones = [], []
    for row, person in people:
        is_new = person.pk not in known.emails_of and person.pk not in known.phones_of
        have_emails = known.emails_of.get(person.pk, set())
        if row.email and row.email.lower() not in have_emails:
            emails.append(
                PersonEmail(
                    person=person, email=row.email, is_primary=is_new, campaign_id=campaign_id
                )
            )
        have_phones = known.phones_of.get(person.pk, set())
        if row.phone and row.phone not in have_phones:
            phones.append(
                PersonPhone(
                    person=person, number=row.phone, is_primary=is_new, campaign_id=campaign_id
                )
            )
    PersonEmail.objects.bulk_create(emails, batch_size=BATCH_SIZE)
    PersonPhone.objects.bulk_create(phones, batch_size=BATCH_SIZE)
    return {email.person.pk for email in emails} | {phone.person.pk for phone in phones}


def _tags_add(
    people: list[tuple[PersonRow, Person]], committee_id: int, report: ImportReport
) -> set[int]:
    """The file's tags on each person, reusing the committee's tags whatever their case.
    The people who got one they lacked."""
    wanted = {tag.lower(): tag for row, _person in people for tag in row.tags}
    if not wanted:
        return set()
    tags = {tag.name.lower(): tag for tag in Tag.objects.filter(committee_id=committee_id)}
    missing = [
        Tag(committee_id=committee_id, name=name) for k, name in wanted.items() if k not in tags
    ]
    Tag.objects.bulk_create(missing)
    tags.update((tag.name.lower(), tag) for tag in missing)
    report.tags_created = len(missing)
    link = PersonTag
    pairs = {(person.pk, tags[tag.lower()].pk) for row, person in people for tag in row.tags}
    had = set(
        link.objects.filter(
            person_id__in={person_id for person_id, _tag in pairs},
            tag_id__in={tag_id for _person, tag_id in pairs},
        ).values_list("person_id", "tag_id")
    )
    links = [link(person_id=person_id, tag_id=tag_id) for person_id, tag_id in pairs - had]
    link.objects.bulk_create(links, ignore_conflicts=True, batch_size=BATCH_SIZE)
    return {person_id for person_id, _tag in pairs - had}


def _roster_place(
    people: list[tuple[PersonRow, Person]], campaign: Campaign, known: _Known, report: ImportReport
) -> set[int]:
    """Put each person on the roster in their unit; someone already on it keeps what
    organizers set, and only gets the blanks (unit, title, shift) filled. The people whose
    entry was filled."""
    places = _Places(campaign)
    new, filled = [], []
    for row, person in people:
        unit = places.unit_for(row.unit_path)
        entry = known.entries.get(person.pk)
        if entry is None:
            new.append(_entry_new(campaign, person, row, unit))
        elif _entry_fill(entry, row, unit):
            filled.append(entry)
    RosterEntry.objects.bulk_create(new, batch_size=BATCH_SIZE)
    # Someone back on the roster may have been talked with, or on it, before.
    roster_back(campaign=campaign, person_ids=[entry.person_id for entry in new])
    RosterEntry.objects.bulk_update(filled, ["unit", "title", "shift", "is_leader"])
    if filled:  # placed in a unit or made leaders: in every week they were on the roster
        history_changed(campaign=campaign, since=None)
    report.roster_added, report.roster_existing = len(new), len(people) - len(new)
    report.sites_created, report.units_created = places.sites_created, places.units_created
    report.new_places = places.new_paths
    return {entry.person_id for entry in filled}


def _entry_new(campaign: Campaign, person: Person, row: PersonRow, unit: Unit | None):
    return RosterEntry(
        campaign=campaign,
        person=person,
        unit=unit,
        title=row.title,
        shift=row.shift,
        is_leader=row.is_leader,
    )


def _entry_fill(entry: RosterEntry, row: PersonRow, unit: Unit | None) -> bool:
    before = (entry.unit_id, entry.title, entry.shift, entry.is_leader)
    entry.unit = entry.unit if entry.unit_id else unit
    entry.title = entry.title or row.title
    entry.shift = entry.shift or row.shift
    entry.is_leader = entry.is_leader or row.is_leader
    return before != (entry.unit_id, entry.title, entry.shift, entry.is_leader)


class _Places:
    """The campaign's sites and units by name (any case), creating the missing ones once.

    A path is Site/Unit/…/Unit. A path of one name is a unit of the campaign's only site
    when it has exactly one and the name isn't that site's; otherwise it is a site.
    """

    def __init__(self, campaign: Campaign) -> None:
        self.campaign = campaign
        self.sites = {site.name.lower(): site for site in campaign.sites.all()}
        self.units = {
            (unit.site_id, unit.parent_id, unit.name.lower()): unit
            for unit in Unit.objects.filter(site__campaign=campaign)
        }
        self.only_site = next(iter(self.sites.values())) if len(self.sites) == 1 else None
        self.sites_created = self.units_created = 0
        self.new_paths: list[str] = []

    def unit_for(self, path: tuple[str, ...]) -> Unit | None:
        if not path:
            return None
        first, *rest = path
        if not rest and self.only_site and first.lower() not in self.sites:
            site, rest = self.only_site, [first]
        else:
            site = self._site(first)
        unit, shown = None, [site.name]
        for name in rest:
            unit = self._unit(site, unit, name, "/".join([*shown, name]))
            shown.append(unit.name)
        return unit

    def _site(self, name: str) -> Site:
        site = self.sites.get(name.lower())
        if site is None:
            site = Site.objects.create(campaign=self.campaign, name=name, position=len(self.sites))
            self.sites[name.lower()] = site
            self.sites_created += 1
            self.new_paths.append(name)
        return site

    def _unit(self, site: Site, parent: Unit | None, name: str, path: str) -> Unit:
        key = (site.pk, parent.pk if parent else None, name.lower())
        unit = self.units.get(key)
        if unit is None:
            unit = Unit.objects.create(site=site, parent=parent, name=name)
            self.units[key] = unit
            self.units_created += 1
            self.new_paths.append(path)
        return unit


def imports_purge_abandoned() -> int:
    """Discard uploads left unimported for a day, roster files and the treasurer's payment
    files alike; returns how many were discarded."""
    roster = files_discard_abandoned(ImportBatch.objects.all())
    return roster + files_discard_abandoned(PaymentImport.objects.all())
