"""The treasury: the treasurer records money in and out, sees the balance, the last twelve
months and downloads every line; the totals are exact sums of integers wherever they are
read; bad input says what is wrong and keeps what was typed; nobody else finds the pages."""

import csv
import io
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from psycopg.types.range import Range

from campaigns.models import LedgerEntry, Member, Payment
from campaigns.power import treasury_report as books
from campaigns.power.standing import month_index, month_start
from campaigns.power.treasury import EntryData, ledger_record, ledger_reverse
from members.clock import today_for
from members.models import AuditEvent, Membership
from tests import factories

Category = LedgerEntry.Category
TODAY = date(2026, 12, 4)  # the committee's (Chicago: 23:30 on Thursday December 3 is UTC's 4th)


def make_treasurer(committee):
    user = factories.member_of(committee, Membership.Role.LEAD)
    Membership.objects.filter(user=user).update(is_treasurer=True)
    return user


@pytest.fixture
def treasurer(committee):
    return make_treasurer(committee)


def a_member(committee, name="Ana"):
    person = factories.person(committee=committee, given_name=name, family_name="Lima")
    return Member.objects.create(committee=committee, person=person, joined_on=date(2020, 1, 1))


def pay(member, amount: int, paid_on: date, month: date) -> Payment:
    first = month.replace(day=1)
    return Payment.objects.create(
        committee=member.committee,
        member=member,
        amount=amount,
        paid_on=paid_on,
        method="cash",
        covers=Range(first, month_start(month_index(first) + 1), "[)"),
    )


def record(committee, category, amount, on, by=None, **more) -> LedgerEntry:
    data = EntryData(category=category, amount=amount, on=on, **more)
    return ledger_record(committee=committee, data=data, by=by)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


# --- Exact sums ----------------------------------------------------------------------------------

ENTRIES = st.lists(
    st.tuples(
        st.sampled_from(Category.values),
        st.integers(min_value=1, max_value=2_000_000_000),
        st.integers(min_value=0, max_value=500),  # days before today
        st.booleans(),  # reversed later
    ),
    max_size=8,
)
PAYMENTS = st.lists(
    st.tuples(st.integers(min_value=1, max_value=2_000_000_000), st.integers(0, 500)),
    max_size=6,
)


@given(entries=ENTRIES, payments=PAYMENTS)
def test_the_balance_the_months_and_the_csv_add_up_to_the_same_integers(db, entries, payments):
    committee = factories.committee()
    today = today_for(committee)
    member = a_member(committee)
    expected = 0
    for n, (amount, days) in enumerate(payments):
        pay(member, amount, today - timedelta(days=days), date(2000 + n, 1, 1))
        expected += amount
    for category, amount, days, reversed_later in entries:
        entry = record(committee, category, amount, today - timedelta(days=days))
        if reversed_later:
            ledger_reverse(entry=entry, by=None)  # nets to zero
        elif entry.kind == LedgerEntry.Kind.INCOME:
            expected += amount
        else:
            expected -= amount

    totals = books.totals(committee)
    report = books.month_report(committee, today)
    rows = list(books.export_rows(committee))

    assert totals.balance == expected
    assert report.opening + sum(month.net for month in report.months) == expected
    assert report.months[-1].balance == expected
    assert report.sums["dues"] == sum(
        amount for amount, days in payments if today - timedelta(days=days) >= report.first
    )
    cents = sum(int(row[3].replace(".", "")) for row in rows)  # USD: two decimals
    assert cents == expected
    assert [row[0] for row in rows] == sorted(row[0] for row in rows)


@time_machine.travel("2026-12-04 05:30Z", tick=False)
def test_the_report_shows_twelve_months_with_dues_donations_expenses_and_the_running_balance(
    client, committee, treasurer
):
    committee.time_zone = "America/Chicago"
    committee.save()
    ana = a_member(committee)
    pay(ana, 1000, date(2025, 11, 30), date(2025, 11, 1))  # before the twelve months
    pay(ana, 1000, date(2026, 1, 5), date(2026, 1, 1))
    record(committee, Category.DONATION, 25000, date(2026, 1, 20), party="Teachers' local")
    record(committee, Category.PRINTING, 4550, date(2026, 1, 21))
    record(committee, Category.FOOD, 3000, date(2026, 12, 3))
    client.force_login(treasurer)

    response = client.get(reverse("treasury_report", args=[committee.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Balance before January 2026: <strong>10.00 USD</strong>" in page
    january = page.split('id="treasury-month-2026-01-01">')[1].split("</tr>")[0]
    cells = january.replace("</td>", "").split('<td class="num">')[1:]
    assert cells == ["10.00 USD", "250.00 USD", "0.00 USD", "45.50 USD", "214.50 USD", "224.50 USD"]
    december = page.split('id="treasury-month-2026-12-01">')[1].split("</tr>")[0]
    assert december.endswith('-30.00 USD</td><td class="num">194.50 USD</td>')
    assert "Printing and supplies" in page and "Food and events" in page
    assert "Rent and meeting space" not in page  # only the categories used


# --- The ledger page -----------------------------------------------------------------------------


def test_the_treasurer_records_a_donation_and_sees_it_in_the_balance(client, committee, treasurer):
    pay(a_member(committee), 1500, today_for(committee), today_for(committee))
    client.force_login(treasurer)
    url = reverse("treasury", args=[committee.pk])

    response = client.post(
        url,
        {
            "category": "donation",
            "amount": "1250.50",
            "on": today_for(committee).isoformat(),
            "party": "Teachers' local",
            "receipt": "R-17",
        },
        follow=True,
    )

    entry = LedgerEntry.objects.get()
    assert (entry.kind, entry.amount, entry.recorded_by) == ("income", 125050, treasurer)
    page = response.content.decode()
    assert "Recorded: Donation, 1,250.50 USD." in page
    assert 'id="treasury-balance">1,265.50 USD<' in page
    assert "Teachers&#x27; local" in page and "receipt R-17" in page
    assert "Ana Lima" in page  # the dues payment, read as income


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        ("amount", "-5", "Enter an amount greater than zero."),
        ("amount", "0", "Enter an amount greater than zero."),
        ("amount", "10.505", "USD amounts have at most 2 decimals."),
        ("amount", "ten", "Enter an amount, like 10 or 10.50."),
        ("on", "tomorrow", "Enter a valid date."),
        ("category", "", "This field is required."),
    ],
)
def test_bad_input_says_what_is_wrong_and_keeps_what_was_typed(
    client, committee, treasurer, field, typed, message
):
    client.force_login(treasurer)
    data = {"category": "rent", "amount": "80", "on": "2026-01-02", "party": "Union hall"}
    if field == "on" and typed == "tomorrow":
        data["on"] = (today_for(committee) + timedelta(days=1)).isoformat()
        message = "An entry cannot be dated in the future."
    else:
        data[field] = typed

    response = client.post(reverse("treasury", args=[committee.pk]), data)

    page = response.content.decode()
    assert response.status_code == 422
    assert message in page
    assert f'value="{data["amount"]}"' in page and 'value="Union hall"' in page
    assert not LedgerEntry.objects.exists()


def test_a_currency_without_cents_takes_no_decimals(client, committee, treasurer):
    committee.currency = "JPY"
    committee.save()
    client.force_login(treasurer)
    url = reverse("treasury", args=[committee.pk])
    data = {"category": "donation", "amount": "10.5", "on": today_for(committee).isoformat()}

    refused = client.post(url, data)
    client.post(url, {**data, "amount": "5000"})

    assert "JPY amounts have at most 0 decimals." in refused.content.decode()
    assert LedgerEntry.objects.get().amount == 5000


def test_the_ledger_lists_entries_and_payments_newest_first_a_page_at_a_time(
    client, committee, treasurer, django_assert_max_num_queries
):
    today = today_for(committee)
    ana = a_member(committee)
    for n in range(30):
        pay(ana, 100, today - timedelta(days=2 * n + 1), date(2000 + n, 1, 1))
        record(committee, Category.FEES, 7, today - timedelta(days=2 * n))
    client.force_login(treasurer)
    url = reverse("treasury", args=[committee.pk])

    with django_assert_max_num_queries(10):
        first = client.get(url).content.decode()
    second = client.get(url + "?page=2").content.decode()

    assert first.count('class="row treasury-line"') == books.PAGE_SIZE
    assert second.count('class="row treasury-line"') == 60 - books.PAGE_SIZE
    assert first.index("treasury-entry-") < first.index("treasury-payment-")  # today's fee first
    assert 'id="treasury-balance">27.90 USD<' in first  # 30 × 1.00 − 30 × 0.07


# --- Corrections ---------------------------------------------------------------------------------


def test_a_mistake_is_reversed_by_an_entry_of_the_opposite_sign(client, committee, treasurer):
    wrong = record(committee, Category.RENT, 80000, date(2026, 1, 2))
    client.force_login(treasurer)
    url = reverse("treasury_reverse", args=[committee.pk, wrong.pk])

    shown = client.get(url)
    response = client.post(url, {"note": "Typed 800 for 80"}, follow=True)

    assert "800.00 USD" in shown.content.decode()
    reversal = LedgerEntry.objects.get(reverses=wrong)
    assert (reversal.kind, reversal.category, reversal.amount) == ("expense", "rent", 80000)
    assert reversal.on == today_for(committee) and reversal.note == "Typed 800 for 80"
    assert books.totals(committee).balance == 0
    page = response.content.decode()
    assert "Reversed. Record the right entry if there is one." in page
    assert "Correction of the entry of" in page and "Reversed on" in page
    event = AuditEvent.objects.get(subject_id=reversal.pk, subject_type="campaigns.ledgerentry")
    assert event.kind == AuditEvent.Kind.LEDGER and event.detail["ledger"] == "reversed"
    assert "80000" not in str(event.detail) and "Typed" not in str(event.detail)


def test_an_entry_is_reversed_once_and_a_reversal_is_not_reversed(client, committee, treasurer):
    entry = record(committee, Category.DONATION, 500, date(2026, 1, 2))
    reversal = ledger_reverse(entry=entry, by=None)
    client.force_login(treasurer)

    again = client.post(reverse("treasury_reverse", args=[committee.pk, entry.pk]))
    back = client.post(reverse("treasury_reverse", args=[committee.pk, reversal.pk]))

    assert again.status_code == 422
    assert "This entry was reversed on" in again.content.decode()
    assert back.status_code == 422
    assert "This entry is a correction already" in back.content.decode()
    assert LedgerEntry.objects.count() == 2
    with pytest.raises(ValidationError):
        ledger_reverse(entry=entry, by=None)


def test_another_committees_entry_is_not_found_in_our_treasury(
    client, committee, other_committee, treasurer
):
    theirs = record(other_committee, Category.DONATION, 500, date(2026, 1, 2))
    client.force_login(treasurer)

    response = client.post(reverse("treasury_reverse", args=[committee.pk, theirs.pk]))

    assert response.status_code == 404
    assert not LedgerEntry.objects.filter(reverses=theirs).exists()


# --- The CSV -------------------------------------------------------------------------------------


def test_the_csv_has_every_entry_and_payment_in_date_order_and_is_audited(
    client, committee, treasurer
):
    ana = a_member(committee)
    ana.number = "A-7"
    ana.save()
    pay(ana, 1000, date(2026, 2, 3), date(2026, 2, 1))
    record(committee, Category.DONATION, 25000, date(2026, 1, 20), party="=cmd()", by=treasurer)
    rent = record(committee, Category.RENT, 8000, date(2026, 3, 1), receipt="INV-4")
    ledger_reverse(entry=rent, by=treasurer)
    client.force_login(treasurer)

    response = client.get(reverse("treasury_export", args=[committee.pk]))

    rows = csv_rows(response)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="treasury-')
    assert rows[0] == books.CSV_HEADER
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [(r["date"], r["category"], r["amount"]) for r in body] == [
        ("2026-01-20", "donation", "250.00"),
        ("2026-02-03", "dues", "10.00"),
        ("2026-03-01", "rent", "-80.00"),
        (today_for(committee).isoformat(), "rent", "80.00"),
    ]
    assert body[0]["payer_or_payee"] == "'=cmd()"  # shown, never run, by a spreadsheet
    assert body[0]["recorded_by"] == treasurer.email
    assert (
        body[1]["payer_or_payee"] == "Ana Lima" and body[1]["months_covered"] == "2026-02..2026-02"
    )
    assert body[3]["reverses"] == str(rent.pk) and body[3]["receipt"] == "INV-4"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert (event.actor, event.committee_id, event.count) == (treasurer, committee.pk, 4)
    assert event.detail == {"of": "treasury", "format": "csv"}  # never an amount


def test_the_audit_log_says_the_books_were_downloaded(client, committee, treasurer):
    client.force_login(treasurer)
    csv_rows(client.get(reverse("treasury_export", args=[committee.pk])))

    log = client.get(reverse("audit_log", args=[committee.pk])).content.decode()

    assert "Downloaded the treasury&#x27;s books: 0 lines" in log


# --- Who finds the treasury ----------------------------------------------------------------------

PAGES = ["treasury", "treasury_report", "treasury_export"]


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("persona", ["lead", "organizer", "member", "outsider"])
def test_everyone_but_the_treasurer_gets_404(request, client, committee, name, persona):
    entry = record(committee, Category.DONATION, 500, date(2026, 1, 2))
    client.force_login(request.getfixturevalue(persona))

    got = [
        client.get(reverse(name, args=[committee.pk])).status_code,
        client.post(reverse(name, args=[committee.pk])).status_code,
        client.post(reverse("treasury_reverse", args=[committee.pk, entry.pk])).status_code,
    ]

    assert got == [404, 404, 404]
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()
    assert LedgerEntry.objects.count() == 1


def test_the_treasurer_of_another_committee_and_a_treasurer_no_longer_a_lead_get_404(
    client, committee, other_committee
):
    elsewhere = make_treasurer(other_committee)
    demoted = make_treasurer(committee)
    Membership.objects.filter(user=demoted).update(role=Membership.Role.ORGANIZER)

    for user in (elsewhere, demoted):
        client.force_login(user)
        assert client.get(reverse("treasury", args=[committee.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, committee):
    response = client.get(reverse("treasury_report", args=[committee.pk]))

    assert response.status_code == 302 and "/login/" in response["Location"]


def test_only_the_treasurer_has_the_treasury_in_the_navigation(client, committee, lead, treasurer):
    client.force_login(lead)
    assert ">Treasury<" not in client.get("/", follow=True).content.decode()

    client.force_login(treasurer)
    assert ">Treasury<" in client.get("/", follow=True).content.decode()
