"""Keeping the committee's books: recording money in or out, and correcting a mistake with a
reversing entry (campaigns.models.treasury says why entries are never edited or deleted).

Audited as a ledger entry (AuditEvent.Kind.LEDGER, the subject the entry): never an
amount, a payee or a note, as the audit log is read by leads who are not all treasurers.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from campaigns.models import LedgerEntry
from members.audit import audit_record
from members.clock import today_for
from members.models import AuditEvent, Committee, User

Category = LedgerEntry.Category


def kind_of(category: str) -> str:
    """Income or expense: the category says which."""
    if category in LedgerEntry.INCOME_CATEGORIES:
        return LedgerEntry.Kind.INCOME
    return LedgerEntry.Kind.EXPENSE


@dataclass(frozen=True)
class EntryData:
    category: str
    amount: int  # minor units (campaigns.power.money.amount_parse)
    on: date
    party: str = ""
    note: str = ""
    receipt: str = ""


def ledger_check(*, committee: Committee, data: EntryData) -> None:
    """What ledger_record refuses, each with the field it is about."""
    if data.category not in Category.values:
        raise ValidationError({"category": _("Choose what the money was.")})
    if data.amount <= 0:
        raise ValidationError({"amount": _("Enter an amount greater than zero.")})
    if data.on > today_for(committee):
        raise ValidationError({"on": _("An entry cannot be dated in the future.")})


def ledger_record(
    *, committee: Committee, data: EntryData, by: User | None, ip: str | None = None
) -> LedgerEntry:
    """Record a donation, other income or an expense."""
    ledger_check(committee=committee, data=data)
    with transaction.atomic():
        entry = LedgerEntry.objects.create(
            committee=committee,
            kind=kind_of(data.category),
            category=data.category,
            amount=data.amount,
            on=data.on,
            party=data.party.strip(),
            note=data.note.strip(),
            receipt=data.receipt.strip(),
            recorded_by=by,
        )
        _audit(entry, by, "recorded", ip)
    return entry


def ledger_reverse(
    *, entry: LedgerEntry, by: User | None, note: str = "", ip: str | None = None
) -> LedgerEntry:
    """Cancel an entry with one of the opposite sign, dated today (the committee's): the
    month it was in keeps what was reported. Refused for a reversal (record the entry again
    instead) and for an entry reversed already."""
    if entry.reverses_id is not None:
        raise ValidationError(
            _("This entry is a correction already: record the right entry instead."),
            code="reversal",
        )
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise _reversed_already()
    try:
        with transaction.atomic():
            reversal = LedgerEntry.objects.create(
                committee_id=entry.committee_id,
                kind=entry.kind,
                category=entry.category,
                amount=entry.amount,
                on=today_for(entry.committee),
                party=entry.party,
                note=note.strip(),
                receipt=entry.receipt,
                reverses=entry,
                recorded_by=by,
            )
            _audit(reversal, by, "reversed", ip)
    except IntegrityError:  # reversed a moment ago, in another tab
        raise _reversed_already() from None
    return reversal


def _reversed_already() -> ValidationError:
    return ValidationError(_("This entry has been reversed already."), code="reversed")


def _audit(entry: LedgerEntry, by: User | None, change: str, ip: str | None) -> None:
    audit_record(
        actor=by,
        kind=AuditEvent.Kind.LEDGER,
        committee_id=entry.committee_id,
        subject=entry,
        detail={"ledger": change, "kind": entry.kind},
        ip=ip,
    )
