"""Reading the committee's books: the balance, the ledger a page at a time, the last twelve
months, and every line for an accountant.

Income is the dues (campaigns.models.Payment, by the day paid) plus the ledger's donations
and other income; the balance is income minus expenses. Every total is a sum of integers in
the database (minor units): the ledger's balance, the report's months and the CSV's lines
add up to the same number exactly.
"""

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from django.core.paginator import Page, Paginator
from django.db.models import Case, F, IntegerField, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaigns.imports.csv_formats import formula_safe
from campaigns.models import LedgerEntry, Payment
from campaigns.power.money import decimals
from campaigns.power.standing import month_index, month_start
from members.models import Committee

Category = LedgerEntry.Category
PAGE_SIZE = 50
MONTHS = 12
DUES = "dues"  # the category of a dues payment, in the CSV

# What an entry adds to its kind's total: a reversal takes its amount away.
SIGNED = Case(
    When(reverses__isnull=True, then=F("amount")),
    default=-F("amount"),
    output_field=IntegerField(),
)


@dataclass(frozen=True)
class Totals:
    dues: int = 0
    donations: int = 0
    other_income: int = 0
    expenses: int = 0

    @property
    def income(self) -> int:
        return self.dues + self.donations + self.other_income

    @property
    def balance(self) -> int:
        return self.income - self.expenses


def totals(committee: Committee, *, before: date | None = None) -> Totals:
    """Everything received and spent (before a day, if given): two queries."""
    entries = LedgerEntry.objects.filter(committee=committee)
    payments = Payment.objects.filter(committee=committee)
    if before is not None:
        entries, payments = entries.filter(on__lt=before), payments.filter(paid_on__lt=before)
    sums = entries.aggregate(
        donations=Sum(SIGNED, filter=Q(category=Category.DONATION), default=0),
        other_income=Sum(SIGNED, filter=Q(category=Category.INCOME_OTHER), default=0),
        expenses=Sum(SIGNED, filter=Q(kind=LedgerEntry.Kind.EXPENSE), default=0),
    )
    dues = payments.aggregate(dues=Sum("amount", default=0))["dues"]
    return Totals(dues=int(dues), **{key: int(value) for key, value in sums.items()})


# --- The ledger, newest first --------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """One line of the ledger: an entry or a dues payment. `amount` is what it did to the
    balance (money out and reversals of money in are negative)."""

    on: date
    label: str
    who: str
    note: str
    receipt: str
    amount: int
    entry: LedgerEntry | None = None
    payment: Payment | None = None
    reversal: LedgerEntry | None = None  # the entry that cancels this one, if any

    @property
    def is_in(self) -> bool:
        return self.amount > 0


def ledger_page(committee: Committee, number: str | int | None) -> tuple[Page, list[Line]]:
    """A page of entries and payments together, newest first: one query for the page's ids,
    then one for its entries and one for its payments."""
    both = _ids(LedgerEntry.objects.filter(committee=committee), "entry", "on").union(
        _ids(Payment.objects.filter(committee=committee), "payment", "paid_on"), all=True
    )
    page = Paginator(both.order_by("-d", "-t", "-i"), PAGE_SIZE).get_page(number)
    rows = cast(list[tuple[str, int, date, object]], list(page.object_list))
    entries = LedgerEntry.objects.select_related("reverses", "reversal").in_bulk(
        [pk for source, pk, *_rest in rows if source == "entry"]
    )
    payments = Payment.objects.select_related("member__person").in_bulk(
        [pk for source, pk, *_rest in rows if source == "payment"]
    )
    lines = [
        entry_line(entries[pk], reversal_of(entries[pk]))
        if source == "entry"
        else payment_line(payments[pk])
        for source, pk, *_rest in rows
    ]
    return page, lines


def _ids(rows: QuerySet, source: str, day: str) -> QuerySet:
    """(source, id, day, recorded at): the same columns for entries and payments, in order."""
    return rows.annotate(s=Value(source), i=F("pk"), d=F(day), t=F("recorded_at")).values_list(
        "s", "i", "d", "t"
    )


def reversal_of(entry: LedgerEntry) -> LedgerEntry | None:
    try:
        return entry.reversal
    except LedgerEntry.DoesNotExist:
        return None


def entry_line(entry: LedgerEntry, reversal: LedgerEntry | None = None) -> Line:
    sign = 1 if entry.kind == LedgerEntry.Kind.INCOME else -1
    return Line(
        on=entry.on,
        label=entry.get_category_display(),
        who=entry.party,
        note=entry.note,
        receipt=entry.receipt,
        amount=sign * entry.signed,
        entry=entry,
        reversal=reversal,
    )


def payment_line(payment: Payment) -> Line:
    return Line(
        on=payment.paid_on,
        label=_("Dues"),
        who=payment.member.person.display_name,
        note=_("for %(months)s") % {"months": months_covered(payment)},
        receipt=payment.note,
        amount=payment.amount,
        payment=payment,
    )


def months_covered(payment: Payment) -> str:
    """ "March 2026", or "January 2026 – March 2026"."""
    first, after = cast(date, payment.covers.lower), cast(date, payment.covers.upper)
    last = month_start(month_index(after) - 1)
    shown = date_format(first, "YEAR_MONTH_FORMAT")
    if last == first:
        return shown
    return f"{shown} – {date_format(last, 'YEAR_MONTH_FORMAT')}"


# --- The last twelve months ----------------------------------------------------------------------


@dataclass
class Month:
    month: date
    dues: int = 0
    donations: int = 0
    other_income: int = 0
    expenses: dict[str, int] = field(default_factory=dict)  # by category
    balance: int = 0  # at the month's end

    @property
    def label(self) -> str:
        return date_format(self.month, "YEAR_MONTH_FORMAT")

    @property
    def expense_total(self) -> int:
        return sum(self.expenses.values())

    @property
    def net(self) -> int:
        return self.dues + self.donations + self.other_income - self.expense_total


@dataclass(frozen=True)
class Report:
    opening: int  # the balance before the first month
    months: list[Month]  # oldest first
    categories: list[tuple[str, str]]  # the expense categories used in these months

    @property
    def first(self) -> date:
        return self.months[0].month

    @property
    def sums(self) -> dict[str, int]:
        """The twelve months together; the balance is the last month's."""
        sums = {
            name: sum(getattr(month, name) for month in self.months)
            for name in ("dues", "donations", "other_income", "expense_total", "net")
        }
        return {**sums, "balance": self.months[-1].balance}

    @property
    def expense_rows(self) -> list[tuple[str, list[int]]]:
        """Each month's expenses in the order of `categories`."""
        return [
            (month.label, [month.expenses.get(value, 0) for value, _label in self.categories])
            for month in self.months
        ]

    @property
    def expense_totals(self) -> list[int]:
        return [
            sum(month.expenses.get(value, 0) for month in self.months)
            for value, _label in self.categories
        ]


def month_report(committee: Committee, today: date) -> Report:
    """Month by month for the twelve months to `today`'s (the committee's today): dues,
    donations, other income, expenses by category, net and the balance at each month's
    end. Four queries."""
    first = month_start(month_index(today) - (MONTHS - 1))
    months = {
        month_start(month_index(first) + n): Month(month_start(month_index(first) + n))
        for n in range(MONTHS)
    }
    end = month_start(month_index(today) + 1)
    dues = (
        Payment.objects.filter(committee=committee, paid_on__gte=first, paid_on__lt=end)
        .annotate(month=TruncMonth("paid_on"))
        .values("month")
        .annotate(total=Sum("amount"))
    )
    for row in dues:
        months[row["month"]].dues = int(row["total"])
    entries = (
        LedgerEntry.objects.filter(committee=committee, on__gte=first, on__lt=end)
        .annotate(month=TruncMonth("on"))
        .values("month", "category")
        .annotate(total=Sum(SIGNED))
    )
    used: set[str] = set()
    for row in entries:
        _add(months[row["month"]], row["category"], int(row["total"]), used)
    opening = totals(committee, before=first).balance
    balance = opening
    for month in months.values():
        balance += month.net
        month.balance = balance
    categories = [(value, str(label)) for value, label in Category.choices if value in used]
    return Report(opening=opening, months=list(months.values()), categories=categories)


def _add(month: Month, category: str, total: int, used: set[str]) -> None:
    if category == Category.DONATION:
        month.donations += total
    elif category == Category.INCOME_OTHER:
        month.other_income += total
    else:
        month.expenses[category] = month.expenses.get(category, 0) + total
        used.add(category)


# --- Every line, for an accountant ---------------------------------------------------------------

CSV_HEADER = [
    "date",
    "kind",
    "category",
    "amount",
    "currency",
    "payer_or_payee",
    "note",
    "receipt",
    "months_covered",
    "reverses",
    "source",
    "id",
    "recorded_by",
]
CHUNK = 500


def export_count(committee: Committee) -> int:
    entries = LedgerEntry.objects.filter(committee=committee).count()
    return entries + Payment.objects.filter(committee=committee).count()


def export_rows(committee: Committee) -> Iterator[list]:
    """Every entry and every payment, oldest first (by day, then as recorded). `amount` is
    what the line did to the balance, a plain decimal ("-12.50"): the column adds up to it."""
    currency = committee.currency
    entries = (
        LedgerEntry.objects.filter(committee=committee)
        .select_related("recorded_by")
        .order_by("on", "recorded_at", "pk")
    )
    payments = (
        Payment.objects.filter(committee=committee)
        .select_related("member__person", "recorded_by")
        .order_by("paid_on", "recorded_at", "pk")
    )
    lines = heapq.merge(
        ((e.on, e.recorded_at, 0, e.pk, e) for e in entries.iterator(chunk_size=CHUNK)),
        ((p.paid_on, p.recorded_at, 1, p.pk, p) for p in payments.iterator(chunk_size=CHUNK)),
    )
    for *_key, line in lines:
        if isinstance(line, LedgerEntry):
            yield _entry_row(line, currency)
        elif isinstance(line, Payment):
            yield _payment_row(line, currency)


def _entry_row(entry: LedgerEntry, currency: str) -> list:
    shown = entry_line(entry)
    return [
        entry.on.isoformat(),
        entry.kind,
        entry.category,
        plain_amount(shown.amount, currency),
        currency,
        formula_safe(entry.party),
        formula_safe(entry.note),
        formula_safe(entry.receipt),
        "",
        entry.reverses_id or "",
        "entry",
        entry.pk,
        entry.recorded_by.email if entry.recorded_by else "",
    ]


def _payment_row(payment: Payment, currency: str) -> list:
    first, after = cast(date, payment.covers.lower), cast(date, payment.covers.upper)
    return [
        payment.paid_on.isoformat(),
        LedgerEntry.Kind.INCOME.value,
        DUES,
        plain_amount(payment.amount, currency),
        currency,
        formula_safe(payment.member.person.display_name),
        formula_safe(payment.note),
        "",
        f"{first:%Y-%m}..{after - timedelta(days=1):%Y-%m}",
        "",
        "payment",
        payment.pk,
        payment.recorded_by.email if payment.recorded_by else "",
    ]


def plain_amount(minor: int, currency: str) -> str:
    """Minor units as a plain decimal a spreadsheet reads in any language: "-1250.50"."""
    return format(Decimal(minor).scaleb(-decimals(currency)), "f")
