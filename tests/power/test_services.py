"""Recording members and dues: someone joins once, a payment is refused with a reason
(zero, a future date, a month already paid, naming it), amounts read as the reader writes
them and kept whole; nothing of an amount goes on the audit log."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import translation

from campaigns.models import DuesPlan, Member, Payment
from campaigns.power.money import amount_parse, amount_show
from campaigns.power.services import (
    MemberData,
    PaymentData,
    member_join,
    member_resign,
    payment_first_month,
    payment_record,
)
from members.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-12-04 18:00:00+00:00", tick=False):
        yield


@pytest.fixture
def ana(committee):
    person = factories.person(committee=committee, given_name="Ana")
    return member_join(person=person, data=MemberData(joined_on=date(2026, 9, 15)), by=None)


def paid(member, first: date, months: int = 1, amount: int = 1000, on: date = TODAY):
    return payment_record(
        member=member,
        data=PaymentData(
            amount=amount, paid_on=on, method="cash", first_month=first, months=months
        ),
        by=None,
    )


def test_someone_joins_once_and_a_second_join_changes_nothing(committee, ana, lead):
    again = member_join(
        person=ana.person,
        data=MemberData(joined_on=date(2026, 11, 1), number="77"),
        by=lead,
        from_join_form=True,
    )

    assert again.pk == ana.pk and Member.objects.count() == 1
    ana.refresh_from_db()
    assert (ana.joined_on, ana.number, ana.from_join_form) == (date(2026, 9, 15), "", False)


def test_a_member_number_is_one_persons(committee, ana):
    member = ana
    member.number = "12"
    member.save()
    other = factories.person(committee=committee, given_name="Ben")

    with pytest.raises(ValidationError, match="Member number 12 is someone else's"):
        member_join(person=other, data=MemberData(joined_on=TODAY, number="12"), by=None)


def test_joining_and_resigning_are_not_dated_in_the_future_nor_out_of_order(committee, ana):
    other = factories.person(committee=committee, given_name="Ben")

    with pytest.raises(ValidationError, match="future"):
        member_join(person=other, data=MemberData(joined_on=TODAY + timedelta(days=1)), by=None)
    with pytest.raises(ValidationError, match="before they joined"):
        member_resign(member=ana, on=date(2026, 9, 1), reason="", by=None)


def test_a_payment_starts_where_the_last_ended(ana):
    assert payment_first_month(ana) == date(2026, 9, 1)  # from the month they joined
    paid(ana, date(2026, 9, 1), months=3)

    assert payment_first_month(ana) == date(2026, 12, 1)


def test_a_month_already_paid_is_refused_naming_it(ana):
    paid(ana, date(2026, 9, 1), months=3)

    with pytest.raises(ValidationError) as refused:
        paid(ana, date(2026, 11, 1), months=2)

    assert refused.value.messages == [
        "Already paid: November 2026. Start after it, or cover fewer months."
    ]
    assert Payment.objects.count() == 1


@pytest.mark.parametrize(
    ("amount", "on", "months", "says"),
    [
        (0, TODAY, 1, "greater than zero"),
        (-5, TODAY, 1, "greater than zero"),
        (1000, TODAY + timedelta(days=1), 1, "future"),
        (1000, TODAY, 0, "from 1 to 24 months"),
        (1000, TODAY, 25, "from 1 to 24 months"),
    ],
)
def test_a_payment_that_cannot_be_is_refused_saying_why(ana, amount, on, months, says):
    with pytest.raises(ValidationError, match=says):
        paid(ana, date(2026, 12, 1), months=months, amount=amount, on=on)
    assert not Payment.objects.exists()


def test_the_committees_today_decides_what_is_the_future(committee, ana):
    """18:00 UTC on the 4th is already the 5th in Kiritimati (UTC+14)."""
    committee.time_zone = "Pacific/Kiritimati"
    committee.save()

    payment = paid(ana, date(2026, 12, 1), on=date(2026, 12, 5))

    assert payment.paid_on == date(2026, 12, 5)


def test_the_audit_log_says_who_paid_but_never_how_much(ana, lead):
    payment = payment_record(
        member=ana,
        data=PaymentData(amount=12345, paid_on=TODAY, method="card", first_month=date(2026, 9, 1)),
        by=lead,
    )

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.PAYMENT)
    assert event.subject_id == payment.pk and event.actor == lead
    assert "12345" not in str(event.detail) and "123" not in str(event.detail)


@pytest.mark.parametrize(
    ("typed", "language", "currency", "minor"),
    [
        ("10", "en", "USD", 1000),
        ("10.5", "en", "USD", 1050),
        ("1,250.00", "en", "USD", 125000),
        ("1,250.50", "es", "EUR", 125050),  # as Spanish speakers in the US and Mexico write
        ("1500", "en", "JPY", 1500),
        ("2.125", "en", "KWD", 2125),
    ],
)
def test_amounts_are_read_as_the_reader_writes_them(typed, language, currency, minor):
    with translation.override(language):
        assert amount_parse(typed, currency) == minor


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("10.505", "at most 2 decimals"),
        ("0", "greater than zero"),
        ("-3", "greater than zero"),
        ("ten", "Enter an amount"),
        ("NaN", "Enter an amount"),
        ("10,50", "Enter an amount"),  # not 1,050
    ],
)
def test_an_amount_that_is_not_one_says_why(typed, says):
    with pytest.raises(ValidationError, match=says):
        amount_parse(typed, "USD")


def test_amounts_show_in_the_readers_format():
    with translation.override("en"):
        assert amount_show(125050, "USD") == "1,250.50 USD"
    with translation.override("es"):
        assert amount_show(125050, "EUR") == "1,250.50 EUR"
    assert amount_show(1500, "JPY") == "1,500 JPY"


def test_a_sliding_scale_keeps_the_pledge_and_a_fixed_plan_does_not(committee):
    sliding = DuesPlan.objects.create(committee=committee, name="Sliding scale")
    monthly = DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)
    one, two = (factories.person(committee=committee) for _ in range(2))

    on_sliding = member_join(
        person=one, data=MemberData(joined_on=TODAY), by=None, plan=sliding, pledge=700
    )
    on_monthly = member_join(
        person=two, data=MemberData(joined_on=TODAY), by=None, plan=monthly, pledge=700
    )

    assert (on_sliding.pledge, on_monthly.pledge) == (700, None)
