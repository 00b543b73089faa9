"""Reading a file of dues payments line by line: which column holds what, and each line as a
payment with what is wrong with it. Nothing here touches the database.

The file itself (its encoding, separator, header, line numbers) is read by the roster
import's machinery (campaigns.imports.csv_formats): a treasurer's file comes from the same
spreadsheets, a payment processor's export (Stripe, Action Network) or a payroll deduction
list, so the same mistakes are caught with the same words.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from campaigns.imports.csv_formats import header_key, unformula
from campaigns.models import PayMethod
from campaigns.power.money import amount_parse
from campaigns.power.services import MAX_MONTHS
from members.phones import phone_normalize

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Our fields, in the order the mapping form shows them.
FIELDS: "dict[str, StrOrPromise]" = {
    "number": gettext_lazy("Member number"),
    "email": gettext_lazy("Email"),
    "phone": gettext_lazy("Phone"),
    "name": gettext_lazy("Name (only shown, never matched)"),
    "amount": gettext_lazy("Amount"),
    "paid_on": gettext_lazy("Paid on"),
    "months": gettext_lazy("Months covered"),
    "first_month": gettext_lazy("First month it pays for"),
    "method": gettext_lazy("Method"),
    "note": gettext_lazy("Note"),
}
MATCH_FIELDS = ("number", "email", "phone")
REQUIRED = ("amount", "paid_on")

# Header spellings we recognise, after header_key(): lower case, words joined by one space.
HEADER_NAMES: dict[str, list[str]] = {
    "number": [
        "member number", "member no", "member id", "membership number", "membership id",
        "employee id", "employee number", "employee no", "emp id", "payroll id",
        "badge number", "badge", "numero de miembro", "numero de socio",
    ],
    "email": [
        "email", "e mail", "email address", "customer email", "donor email", "payer email",
        "primary email", "correo", "correo electronico",
    ],
    "phone": ["phone", "phone number", "mobile", "cell", "telephone", "telefono", "celular"],
    "name": [
        "name", "full name", "member name", "employee name", "customer name",
        "customer description", "donor name", "nombre",
    ],
    "amount": [
        "amount", "amount paid", "paid", "dues", "dues amount", "deduction",
        "deduction amount", "total", "net", "monto", "importe", "cantidad", "cuota",
    ],
    "paid_on": [
        "paid on", "date", "payment date", "paid date", "pay date", "created", "created utc",
        "created date", "created at", "donation date", "deduction date", "check date",
        "fecha", "fecha de pago",
    ],
    "months": ["months", "months covered", "months paid", "number of months", "meses"],
    "first_month": [
        "first month", "month", "for month", "dues month", "period start", "period", "mes",
    ],
    "method": [
        "method", "payment method", "pay method", "paid by", "payment type", "metodo",
        "forma de pago",
    ],
    "note": ["note", "notes", "memo", "description", "reference", "comment", "nota", "notas"],
}  # fmt: skip

# What payment processors and payroll offices call the ways people pay.
METHOD_WORDS = {
    PayMethod.CASH: ["cash", "efectivo"],
    PayMethod.CARD: [
        "card", "credit card", "debit card", "credit", "debit", "stripe", "paypal", "online",
        "tarjeta",
    ],
    PayMethod.BANK: [
        "bank", "bank transfer", "transfer", "ach", "direct debit", "sepa", "wire",
        "transferencia", "transferencia bancaria",
    ],
    PayMethod.PAYROLL: [
        "payroll", "payroll deduction", "deduction", "checkoff", "dues checkoff", "nomina",
        "descuento de nomina",
    ],
    PayMethod.OTHER: ["other", "check", "cheque", "money order", "otro"],
}  # fmt: skip
METHODS = {word: method for method, words in METHOD_WORDS.items() for word in words}
CURRENCY_SIGNS = "$€£¥₹₩₱"
MAX_NOTE = 200
MONTH_FIRST = re.compile(r"(\d{1,2})[/.-](\d{4})")  # 11/2026
YEAR_FIRST = re.compile(r"(\d{4})[/.-](\d{1,2})")  # 2026-11


@dataclass
class PaymentRow:
    """What one line of the file says about one payment, with what is wrong with it. Empty
    `months`, `first_month` and `method` take the member's defaults."""

    line: int
    number: str = ""
    email: str = ""
    phone: str = ""
    name: str = ""
    amount: int | None = None
    paid_on: date | None = None
    months: int | None = None
    first_month: date | None = None
    method: str = ""
    note: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def method_label(self) -> str:
        return str(PayMethod(self.method).label) if self.method else ""


def payment_row(
    line: int, cells: list[str], columns: dict[str, int], *, currency: str, zone: ZoneInfo
) -> PaymentRow:
    def get(name: str) -> str:
        i = columns.get(name)
        return unformula(cells[i].strip()) if i is not None and i < len(cells) else ""

    row = PaymentRow(line=line, number=get("number"), email=get("email").lower())
    row.name, row.note = get("name"), get("note")
    _read_phone(row, get("phone"))
    if not (row.number or row.email or row.phone) and not row.problems:
        row.problems.append(_("no member number, email or phone to find the member by"))
    _read_amount(row, get("amount"), currency)
    _read_dates(row, get("paid_on"), get("first_month"), zone)
    _read_months(row, get("months"))
    _read_method(row, get("method"))
    if len(row.note) > MAX_NOTE:
        row.problems.append(_("the note is longer than %(max)s characters") % {"max": MAX_NOTE})
    return row


def _read_phone(row: PaymentRow, raw: str) -> None:
    if raw:
        try:
            row.phone = phone_normalize(raw)
        except ValidationError as error:
            row.problems.append(error.messages[0].rstrip("."))


def _read_amount(row: PaymentRow, raw: str, currency: str) -> None:
    """The amount as minor units: "$10.50", "10.50 USD" and "1,250.00" are read; zero or
    less, or more decimals than the currency has, say so (campaigns.power.money)."""
    row.amount, problem = _amount(raw, currency, get_language())
    if problem:
        row.problems.append(problem)


@lru_cache(maxsize=1024)
def _amount(raw: str, currency: str, _language: str) -> tuple[int | None, str]:
    """(minor units, "") or (None, what is wrong), in the reader's language and number
    format; remembered, as a payroll list repeats the same few amounts on every line."""
    text = raw.strip(CURRENCY_SIGNS + " ")
    if text[-len(currency) :].upper() == currency.upper():
        text = text[: -len(currency)]
    elif text[: len(currency)].upper() == currency.upper():
        text = text[len(currency) :]
    text = text.strip(CURRENCY_SIGNS + " ")
    if not text:
        return None, _("no amount")
    try:
        return amount_parse(text, currency), ""
    except ValidationError as error:
        return None, error.messages[0].rstrip(".")


def _read_dates(row: PaymentRow, paid_on: str, first_month: str, zone: ZoneInfo) -> None:
    if not paid_on:
        row.problems.append(_("no date paid"))
    else:
        row.paid_on = _day(paid_on, zone, get_language())
        if row.paid_on is None:
            row.problems.append(
                _("“%(value)s” is not a date, like 2026-11-30") % {"value": paid_on}
            )
    if first_month:
        row.first_month = read_month(first_month, zone)
        if row.first_month is None:
            row.problems.append(
                _("“%(value)s” is not a month, like 2026-11") % {"value": first_month}
            )


def _read_months(row: PaymentRow, raw: str) -> None:
    if not raw:
        return
    try:
        months = int(raw)
    except ValueError:
        months = 0
    if not 1 <= months <= MAX_MONTHS:
        text = _("A payment covers from 1 to %(most)s months.") % {"most": MAX_MONTHS}
        row.problems.append(text.rstrip("."))
        return
    row.months = months


def _read_method(row: PaymentRow, raw: str) -> None:
    if raw:
        row.method, problem = _method(raw, get_language())
        if problem:
            row.problems.append(problem)


@lru_cache(maxsize=256)
def _method(raw: str, _language: str) -> tuple[str, str]:
    """(a PayMethod, "") or ("", what is wrong): our words, a processor's, or the reader's
    own names of the methods; remembered, as a file repeats a few."""
    key = header_key(raw)
    labels = {header_key(str(label)): value for value, label in PayMethod.choices}
    method = METHODS.get(key) or labels.get(key) or (key if key in PayMethod.values else "")
    if method:
        return method, ""
    return "", _(
        "“%(value)s” is not a way of paying we know: cash, card, bank, payroll or other"
    ) % {"value": raw}


@lru_cache(maxsize=1024)
def _day(text: str, zone: ZoneInfo, _language: str) -> date | None:
    """read_day, remembered: a file's payments fall on a few paydays."""
    return read_day(text, zone)


def read_day(text: str, zone: ZoneInfo) -> date | None:
    """A day as files write it: 2026-11-30, the reader's own format (11/30/2026), or a
    moment (a processor's "2026-11-30 23:10:04", "2026-12-01T05:10:04Z"), a moment with
    its offset taken as the day it was in the committee's zone."""
    text = text.strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    for parse in (forms.DateField().to_python, _moment):
        try:
            day = parse(text)
        except (ValidationError, ValueError):
            continue
        if isinstance(day, datetime):
            return day.astimezone(zone).date() if day.tzinfo else day.date()
        if isinstance(day, date):
            return day
    return None


def _moment(text: str) -> datetime | None:
    text = re.sub(r"\s*UTC$", "+00:00", text)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return forms.DateTimeField().to_python(text)


def read_month(text: str, zone: ZoneInfo) -> date | None:
    """The first day of the month named: 2026-11, 11/2026, November 2026, or any day in it."""
    text = text.strip()
    for pattern, year_at in ((YEAR_FIRST, 1), (MONTH_FIRST, 2)):
        found = pattern.fullmatch(text)
        if found:
            year, month = int(found[year_at]), int(found[3 - year_at])
            return date(year, month, 1) if 1 <= month <= 12 else None
    for written in ("%B %Y", "%b %Y"):
        try:
            return datetime.strptime(text, written).date()  # noqa: DTZ007 - a month, no time
        except ValueError:
            pass
    day = read_day(text, zone)
    return day.replace(day=1) if day else None
