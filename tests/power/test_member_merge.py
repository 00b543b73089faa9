"""Two records of one person merged: the membership is kept and no payment is ever lost; two
records that paid for the same month are not merged until the treasurer sorts it out."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from psycopg.types.range import Range

from campaigns.models import Member, Payment
from campaigns.people.services import person_merge
from campaigns.power.services import MemberData, member_join
from tests import factories

pytestmark = pytest.mark.django_db


def paid(member, first: date, upto: date, amount: int = 1000) -> Payment:
    return Payment.objects.create(
        committee=member.committee,
        member=member,
        amount=amount,
        paid_on=first,
        method="cash",
        covers=Range(first, upto),
    )


@pytest.fixture
def pair(committee):
    known = factories.person(committee=committee, given_name="Ana", family_name="Ruiz")
    joined = factories.person(committee=committee, given_name="Ana Ruiz")  # the join page's
    return known, joined


def test_the_duplicates_membership_becomes_the_survivors(pair):
    known, joined = pair
    member = member_join(person=joined, data=MemberData(joined_on=date(2026, 11, 2)), by=None)
    paid(member, date(2026, 11, 1), date(2026, 12, 1))

    person_merge(survivor=known, duplicate=joined, choices={})

    kept = Member.objects.get()
    assert kept.person == known and kept.payments.count() == 1


def test_both_memberships_fold_into_one_with_every_payment(pair):
    known, joined = pair
    mine = member_join(person=known, data=MemberData(joined_on=date(2026, 3, 1)), by=None)
    theirs = member_join(
        person=joined, data=MemberData(joined_on=date(2025, 6, 1), number="A-9"), by=None
    )
    paid(mine, date(2026, 3, 1), date(2026, 6, 1), amount=3000)
    paid(theirs, date(2025, 6, 1), date(2025, 9, 1), amount=2500)

    person_merge(survivor=known, duplicate=joined, choices={})

    kept = Member.objects.get()
    assert (kept.person, kept.joined_on, kept.number) == (known, date(2025, 6, 1), "A-9")
    assert sorted(kept.payments.values_list("amount", flat=True)) == [2500, 3000]


def test_two_records_that_paid_the_same_month_are_not_merged(pair):
    known, joined = pair
    mine = member_join(person=known, data=MemberData(joined_on=date(2026, 3, 1)), by=None)
    theirs = member_join(person=joined, data=MemberData(joined_on=date(2026, 3, 1)), by=None)
    paid(mine, date(2026, 3, 1), date(2026, 5, 1))
    paid(theirs, date(2026, 4, 1), date(2026, 6, 1))

    with pytest.raises(ValidationError, match="dues paid for the same month"):
        person_merge(survivor=known, duplicate=joined, choices={})

    assert Member.objects.count() == 2 and Payment.objects.count() == 2
