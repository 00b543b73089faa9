"""Importing dues payments from a file: upload it, map its columns, check it in a dry run,
then record every payment or none.

A payment processor's export or a payroll deduction list, matched to the committee's members
by member number, then email, then phone. It is the roster import's machinery
(campaigns.imports): the same reading of the file, the same "Line N: …" messages, the same
all-or-nothing commit; and payment_check's rules (campaigns.power.services), applied to the
whole file at once: an amount above zero with no more decimals than the currency has, not
dated in the future (in the committee's zone), no month already paid, in the database or on
another line of the file. The committee's members, their contacts and their payments are
read once, and the payments written in bulk, so a 20,000-line file takes seconds.

A line that matches no member fails the import, unless the treasurer chose to leave such
lines out (`skip_unmatched`): a processor's export often holds donations from people who are
not members, and the treasurer sees them listed either way.
"""

import logging
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from django.db import DatabaseError, IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from psycopg.types.range import Range

from campaigns.imports import csv_formats
from campaigns.imports.files import file_committed, file_discard, file_read, line_problem
from campaigns.models import Member, Payment, PaymentImport, PayMethod
from campaigns.power import payment_files
from campaigns.power.payment_files import PaymentRow
from campaigns.power.standing import month_index, month_start
from campaigns.roster.history import power_history_changed
from members.audit import audit_record
from members.clock import today_for, zone_for
from members.models import AuditEvent, Committee, PersonEmail, PersonPhone, User

logger = logging.getLogger(__name__)
BATCH_SIZE = 1000
LINES_SHOWN = 50  # the dry run lists the first lines with the member each one pays for


@dataclass(frozen=True)
class LineShown:
    """A good line as the dry run shows it: who pays, how much, for which months."""

    line: int
    person_id: int
    name: str
    amount: int
    paid_on: date
    first_month: date
    last_month: date


@dataclass
class PaymentReport:
    """What an import did (or, in a dry run, would do). The counts are kept once the file's
    text is gone; the lines only while checking."""

    rows: int = 0
    payments: int = 0
    members: int = 0
    total: int = 0  # minor units
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)
    lines: list[LineShown] = field(default_factory=list)
    committed: bool = False
    already_committed: bool = False

    def counts(self) -> dict[str, int]:
        return {k: v for k, v in asdict(self).items() if type(v) is int}

    @classmethod
    def from_summary(
        cls, summary: dict[str, Any], *, already_committed: bool = False
    ) -> "PaymentReport":
        known = cls().counts()
        counts = {k: v for k, v in summary.items() if k in known}
        return cls(**counts, already_committed=already_committed)


# --- Upload, mapping, dry run, commit, discard ---------------------------------------------------


def payment_import_upload(
    *, committee: Committee, uploaded_by: User, filename: str, data: bytes
) -> PaymentImport:
    """Keep an uploaded file's text for mapping and checking, or ValidationError saying why
    it can't be read (nothing is stored then). Columns we recognise come pre-mapped."""
    read = file_read(filename=filename, data=data, names_of=payment_files.HEADER_NAMES)
    return PaymentImport.objects.create(committee=committee, uploaded_by=uploaded_by, **read)


def payment_import_mapping_set(
    *, batch: PaymentImport, mapping: dict[str, str], skip_unmatched: bool
) -> None:
    batch.mapping = {k: v for k, v in mapping.items() if v}
    batch.skip_unmatched = skip_unmatched
    batch.save(update_fields=["mapping", "skip_unmatched"])


def payment_import_dry_run(
    *, batch: PaymentImport, mapping: dict[str, str], skip_unmatched: bool
) -> PaymentReport:
    """Save the mapping, then check every line as a commit would: nothing is written."""
    payment_import_mapping_set(batch=batch, mapping=mapping, skip_unmatched=skip_unmatched)
    report, _payments = _check(batch, actor=batch.uploaded_by)
    return report


class _Refused(Exception):
    """Leaves a transaction.atomic block so it rolls back, carrying the report out."""

    def __init__(self, report: PaymentReport) -> None:
        self.report = report


def payment_import_commit(*, batch_id: int, actor: User, ip: str | None = None) -> PaymentReport:
    """Record every payment of the file with its saved mapping, or none if any line fails.

    The batch row is locked first, so a double click imports it once; a month paid by hand
    meanwhile is refused by the database (Payment's exclusion constraint) and nothing stays.
    """
    try:
        with transaction.atomic():
            batch = (
                PaymentImport.objects.select_for_update(of=("self",))
                .select_related("committee")
                .get(pk=batch_id)
            )
            if batch.status != PaymentImport.Status.UPLOADED:
                return PaymentReport.from_summary(batch.summary, already_committed=True)
            report, payments = _check(batch, actor=actor)
            if report.errors:
                raise _Refused(report)
            Payment.objects.bulk_create(payments, batch_size=BATCH_SIZE)
            if payments:
                earliest = min(payment.paid_on for payment in payments)
                power_history_changed(committee_id=batch.committee_id, since=earliest)
            _commit_record(batch=batch, report=report, actor=actor, ip=ip)
    except _Refused as refused:
        return refused.report
    except IntegrityError:
        return PaymentReport(
            errors=[
                _(
                    "A payment for a month in this file was recorded while it was being "
                    "imported, so nothing was saved. Check the file again."
                )
            ]
        )
    except DatabaseError:
        logger.exception("payment import %s failed at commit", batch_id)
        return PaymentReport(
            errors=[_("The import stopped on a database error, so nothing was saved. Try again.")]
        )
    report.committed = True
    return report


def _commit_record(
    *, batch: PaymentImport, report: PaymentReport, actor: User, ip: str | None
) -> None:
    """Mark the file imported (its text dropped), audit: how many payments, never an amount."""
    file_committed(batch, report.counts())
    audit_record(
        actor=actor,
        kind=AuditEvent.Kind.IMPORT,
        committee=batch.committee,
        subject=batch,
        count=report.payments,
        detail={"of": "payments", "members": report.members, "skipped": report.skipped},
        ip=ip,
    )


def payment_import_discard(*, batch: PaymentImport) -> None:
    """Drop a file that won't be imported; its text goes at once."""
    file_discard(batch)


# --- Reading and checking the file ---------------------------------------------------------------


def payment_rows(batch: PaymentImport, mapping: dict[str, str] | None = None):
    """Each line of the file as a PaymentRow, read with the mapping (the saved one if None)."""
    committee = batch.committee
    text = batch.content
    delimiter = batch.summary.get("delimiter") or csv_formats.sniff_delimiter(text)
    header, lines = csv_formats.read_rows(text, delimiter)
    columns = csv_formats.columns_for(
        header, batch.mapping if mapping is None else mapping, payment_files.FIELDS
    )
    zone = zone_for(committee)
    for line, cells in lines:
        yield payment_files.payment_row(
            line, cells, columns, currency=committee.currency, zone=zone
        )


def _check(batch: PaymentImport, *, actor: User | None) -> tuple[PaymentReport, list[Payment]]:
    """Every line read, matched and checked; the payments to write if none has a problem."""
    report = PaymentReport()
    missing = [f for f in payment_files.REQUIRED if f not in batch.mapping]
    if missing or not set(payment_files.MATCH_FIELDS) & set(batch.mapping):
        report.errors.append(
            _(
                "Choose the columns with the amount and the date paid, and at least one of "
                "member number, email or phone, then check again."
            )
        )
        return report, []
    known = _Members.load(batch.committee)
    today = today_for(batch.committee)
    payments: list[Payment] = []
    for row in payment_rows(batch):
        report.rows += 1
        payment = _check_row(row, known, today, report, batch)
        if payment is not None:
            payment.recorded_by = actor
            payments.append(payment)
    report.payments = len(payments)
    report.members = len({payment.member_id for payment in payments})
    report.total = sum(payment.amount for payment in payments)
    return report, payments


@dataclass
class _Member:
    person_id: int
    name: str
    pay_method: str
    plan_months: int | None
    joined_on: date


@dataclass
class _Members:
    """The committee's members by number, email and phone, with the months each has paid
    (month indexes, [first, last + 1)), loaded once: five queries whatever the size."""

    info: dict[int, _Member] = field(default_factory=dict)
    by_number: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_email: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    by_phone: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))
    paid: dict[int, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    # In the file so far: member → [(first, after last, line)], and where the next one starts.
    in_file: dict[int, list[tuple[int, int, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    next_month: dict[int, int] = field(default_factory=dict)

    @classmethod
    def load(cls, committee: Committee) -> "_Members":
        known = cls()
        members = Member.objects.filter(committee=committee).values_list(
            "pk", "number", "person_id", "pay_method", "plan__months", "joined_on",
            "person__preferred_name", "person__given_name", "person__family_name",
        )  # fmt: skip
        for pk, number, person_id, method, months, joined_on, *names in members:
            preferred, given, family = names
            name = f"{preferred or given} {family}".strip()
            known.info[pk] = _Member(person_id, name, method, months, joined_on)
            if number:
                known.by_number[number.strip().casefold()].add(pk)
        ours = {"person__member__committee": committee}
        for email, pk in PersonEmail.objects.filter(**ours).values_list("email", "person__member"):
            known.by_email[email.lower()].add(pk)
        for number, pk in PersonPhone.objects.filter(**ours).values_list(
            "number", "person__member"
        ):
            known.by_phone[number].add(pk)
        for pk, covers in Payment.objects.filter(committee=committee).values_list(
            "member_id", "covers"
        ):
            known.paid[pk].append((month_index(covers.lower), month_index(covers.upper)))
        return known

    def match(self, row: PaymentRow) -> tuple[set[int], list[tuple[int, str]]]:
        """The members the line's number, email and phone find, and who was found by what."""
        found = [
            (pk, what)
            for what, ids in (
                ("number", self.by_number.get(row.number.casefold(), set())),
                ("email", self.by_email.get(row.email, set())),
                ("phone", self.by_phone.get(row.phone, set())),
            )
            for pk in sorted(ids)
        ]
        return {pk for pk, _what in found}, found

    def first_unpaid(self, pk: int) -> int:
        """payment_first_month, counting the file's lines before this one: the month after
        the last paid, or the month they joined."""
        if pk not in self.next_month:
            paid = [after for _first, after in self.paid.get(pk, [])]
            self.next_month[pk] = max(paid, default=month_index(self.info[pk].joined_on))
        return self.next_month[pk]


def _check_row(
    row: PaymentRow, known: _Members, today: date, report: PaymentReport, batch: PaymentImport
) -> Payment | None:
    if row.problems:
        report.errors.extend(line_problem(row.line, problem) for problem in row.problems)
        return None
    member_id = _member_for(row, known, report, batch)
    if member_id is None:
        return None
    member = known.info[member_id]
    assert row.amount is not None and row.paid_on is not None  # noqa: S101 - no problems
    months = row.months or member.plan_months or 1
    first = month_index(row.first_month) if row.first_month else known.first_unpaid(member_id)
    after = first + months
    problem = _when_problem(row, member_id, known, first, after, today)
    if problem:
        report.errors.append(line_problem(row.line, problem))
        return None
    known.in_file[member_id].append((first, after, row.line))
    known.next_month[member_id] = max(known.first_unpaid(member_id), after)
    if len(report.lines) < LINES_SHOWN:
        report.lines.append(
            LineShown(
                row.line,
                member.person_id,
                member.name,
                row.amount,
                row.paid_on,
                month_start(first),
                month_start(after - 1),
            )
        )
    return Payment(
        committee_id=batch.committee_id,
        member_id=member_id,
        amount=row.amount,
        paid_on=row.paid_on,
        method=row.method or member.pay_method or PayMethod.OTHER,
        covers=Range(month_start(first), month_start(after), "[)"),
        note=row.note,
        source=Payment.Source.IMPORT,
    )


def _member_for(
    row: PaymentRow, known: _Members, report: PaymentReport, batch: PaymentImport
) -> int | None:
    """The one member the line is about; a line that finds two is an error (the treasurer
    decides who paid), one that finds nobody is unmatched."""
    ids, found = known.match(row)
    if len(ids) > 1:
        who = "; ".join(
            _("%(name)s by %(what)s") % {"name": known.info[pk].name, "what": WHAT[what]}
            for pk, what in found
        )
        report.errors.append(
            line_problem(
                row.line, _("this line matches more than one member (%(who)s)") % {"who": who}
            )
        )
        return None
    if not ids:
        shown = row.name or row.email or row.phone or row.number
        message = line_problem(row.line, _("matches no member (%(who)s)") % {"who": shown})
        report.unmatched.append(message)
        if batch.skip_unmatched:
            report.skipped += 1
        else:
            report.errors.append(message)
        return None
    return next(iter(ids))


WHAT = {
    "number": gettext_lazy("member number"),
    "email": gettext_lazy("email"),
    "phone": gettext_lazy("phone"),
}


def _when_problem(
    row: PaymentRow, member_id: int, known: _Members, first: int, after: int, today: date
) -> str:
    """payment_check's rules about when: not in the future, no month paid twice."""
    assert row.paid_on is not None  # noqa: S101 - checked by the caller
    if row.paid_on > today:
        return _("A payment cannot be dated in the future.").rstrip(".")
    taken = _overlap(known.paid.get(member_id, []), first, after)
    if taken:
        text = _("Already paid: %(months)s. Start after it, or cover fewer months.")
        return (text % {"months": _months_shown(taken)}).rstrip(".")
    for lo, hi, line in known.in_file.get(member_id, []):
        taken = _overlap([(lo, hi)], first, after)
        if taken:
            return _("%(months)s also paid on line %(line)s") % {
                "months": _months_shown(taken),
                "line": line,
            }
    return ""


def _overlap(ranges: list[tuple[int, int]], first: int, after: int) -> list[int]:
    return sorted(month for lo, hi in ranges for month in range(max(lo, first), min(hi, after)))


def _months_shown(months: list[int]) -> str:
    return ", ".join(date_format(month_start(m), "YEAR_MONTH_FORMAT") for m in months)
