"""A member's standing as of a day: good while no more than the grace period is unpaid,
behind up to the lapse limit, lapsed beyond; across month ends, from payments made by then."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from psycopg.types.range import Range

from campaigns.models import Member, Payment
from campaigns.power.standing import Kind, months_later, standing_on, standings
from tests import factories

NOV_PAID = date(2026, 12, 1)  # paid through November: December is the first month unpaid


def standing(day: date, *, paid_until=NOV_PAID, joined_on=date(2025, 1, 10), grace=1, lapse=3):
    return standing_on(
        day,
        joined_on=joined_on,
        resigned_on=None,
        has_plan=True,
        paid_until=paid_until,
        grace=grace,
        lapse=lapse,
    )


@pytest.mark.parametrize(
    ("day", "kind", "behind"),
    [
        (date(2026, 11, 30), Kind.GOOD, 0),  # November is paid
        (date(2026, 12, 1), Kind.GOOD, 1),  # December's dues: within the grace month
        (date(2026, 12, 31), Kind.GOOD, 1),
        (date(2027, 1, 1), Kind.BEHIND, 2),  # the next month end: behind
        (date(2027, 2, 28), Kind.BEHIND, 3),
        (date(2027, 3, 1), Kind.LAPSED, 4),  # past three months: lapsed
    ],
)
def test_standing_moves_at_month_ends_with_the_grace_period(day, kind, behind):
    found = standing(day)

    assert (found.kind, found.months_behind) == (kind, behind)


def test_without_a_grace_period_this_months_dues_unpaid_is_behind():
    assert standing(date(2026, 12, 1), grace=0).label == "Behind 1 month"
    assert standing(date(2027, 1, 1), grace=0).label == "Behind 2 months"


def test_a_new_member_owes_from_the_month_they_joined():
    joined = date(2026, 12, 20)

    assert standing(date(2026, 12, 19), paid_until=None, joined_on=joined) is None
    assert standing(date(2026, 12, 20), paid_until=None, joined_on=joined).kind == Kind.GOOD
    assert standing(date(2027, 1, 1), paid_until=None, joined_on=joined).kind == Kind.BEHIND


def test_a_resigned_member_and_one_without_a_plan_are_neither_good_nor_behind():
    common = {"joined_on": date(2025, 1, 1), "grace": 1, "lapse": 3}
    resigned = standing_on(
        date(2026, 6, 1), resigned_on=date(2026, 5, 1), has_plan=True, paid_until=None, **common
    )
    no_plan = standing_on(
        date(2026, 6, 1), resigned_on=None, has_plan=False, paid_until=None, **common
    )

    assert (resigned.kind, no_plan.kind) == (Kind.RESIGNED, Kind.NO_PLAN)
    assert not resigned.in_good_standing and not no_plan.in_good_standing


RANK = {Kind.GOOD: 0, Kind.BEHIND: 1, Kind.LAPSED: 2}
DAYS = st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31))
MONTHS = st.integers(min_value=0, max_value=40)


@given(day=DAYS, paid=MONTHS, more=st.integers(min_value=1, max_value=24), grace=MONTHS)
def test_paying_more_never_makes_the_standing_worse(day, paid, more, grace):
    joined = date(2024, 1, 1)
    before = standing(day, paid_until=months_later(joined, paid), joined_on=joined, grace=grace)
    after = standing(
        day, paid_until=months_later(joined, paid + more), joined_on=joined, grace=grace
    )

    assert RANK[after.kind] <= RANK[before.kind]
    assert after.months_behind <= before.months_behind


@given(day=DAYS, later=st.integers(min_value=1, max_value=800), paid=MONTHS)
def test_time_passing_never_makes_the_standing_better(day, later, paid):
    joined = date(2024, 1, 1)
    paid_until = months_later(joined, paid)
    now = standing(day, paid_until=paid_until, joined_on=joined)
    then = standing(day + timedelta(days=later), paid_until=paid_until, joined_on=joined)

    assert RANK[then.kind] >= RANK[now.kind]
    assert then.months_behind >= now.months_behind


@given(day=DAYS, ahead=st.integers(min_value=1, max_value=24))
def test_paid_ahead_is_never_behind(day, ahead):
    found = standing(day, paid_until=months_later(day, ahead), joined_on=date(2024, 1, 1))

    assert (found.kind, found.months_behind) == (Kind.GOOD, 0)


@pytest.mark.django_db
def test_standing_as_of_a_day_reads_only_the_payments_made_by_then(
    committee, django_assert_num_queries
):
    person = factories.person(committee=committee, given_name="Ana")
    member = Member.objects.create(committee=committee, person=person, joined_on=date(2026, 1, 5))
    for paid_on, first in [
        (date(2026, 1, 5), date(2026, 1, 1)),
        (date(2026, 6, 2), date(2026, 2, 1)),
    ]:
        Payment.objects.create(
            committee=committee,
            member=member,
            amount=1000,
            paid_on=paid_on,
            method="cash",
            covers=Range(first, months_later(first, 5 if first.month == 2 else 1)),
        )

    with django_assert_num_queries(1):
        in_april = standings(Member.objects.all(), committee=committee, day=date(2026, 4, 15))
    in_june = standings(Member.objects.all(), committee=committee, day=date(2026, 6, 15))
    before = standings(Member.objects.all(), committee=committee, day=date(2025, 12, 31))

    assert (in_april[member.pk].kind, in_april[member.pk].months_behind) == (Kind.BEHIND, 3)
    assert in_june[member.pk].kind == Kind.GOOD and in_june[member.pk].paid_until == date(
        2026, 7, 1
    )
    assert before == {}
