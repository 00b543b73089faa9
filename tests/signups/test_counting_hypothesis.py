"""The counting rule against a plain-Python reference, for any history of signatures and
revocations (several per person: signed again after a revocation or once stale, or two left
by a merge), any day and any freshness window."""

import calendar
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.models import Signature, SignatureRevocation, SignupDrive
from campaigns.roster.signatures import (
    FRESH,
    REVOKED,
    STALE,
    UNSIGNED,
    signature_rows,
    signature_statuses,
    tally,
)
from campaigns.signups.services import DriveData, drive_create
from tests import factories

pytestmark = pytest.mark.django_db

START = date(2025, 1, 1)
PEOPLE = 5

# For each person, up to three signatures: (day signed, days until revoked or None).
histories = st.lists(
    st.lists(st.tuples(st.integers(0, 700), st.one_of(st.none(), st.integers(0, 200))), max_size=3),
    min_size=PEOPLE,
    max_size=PEOPLE,
)


def plus_months(day: date, months: int) -> date:
    """As Postgres adds an interval of months: the same day, or the month's last."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def reference(history, day: date, months: int | None) -> str:
    signed = [(START + timedelta(a), r) for a, r in history if START + timedelta(a) <= day]
    standing = [s for s, r in signed if r is None or s + timedelta(r) > day]
    if standing:
        latest = max(standing)
        return FRESH if months is None or plus_months(latest, months) >= day else STALE
    return REVOKED if signed else UNSIGNED


@pytest.fixture
def world(committee):
    with time_machine.travel(datetime(2024, 6, 1, tzinfo=UTC), tick=False):
        campaign = factories.campaign(committee=committee)
        people = [factories.person(committee=committee) for _ in range(PEOPLE)]
        for person in people:
            factories.on_roster(campaign=campaign, person=person)
    drive = drive_create(
        campaign=campaign,
        data=DriveData(
            kind=SignupDrive.Kind.CARD, title="Card", texts={"en": "Yes."}, opens_on=START
        ),
        actor=None,
    )
    return drive, people


def edges(histories, months: int | None) -> list[date]:
    """The days where a status turns: a signature's day, its revocation's, its window's end."""
    days = []
    for history in histories:
        for signed, revoked in history:
            day = START + timedelta(signed)
            days += [day, plus_months(day, months or 0), plus_months(day, months or 0)]
            days += [day + timedelta(revoked)] if revoked is not None else []
    return [day + timedelta(delta) for day in days for delta in (-1, 0, 0, 1)]


@settings(max_examples=30)
@given(
    histories=histories,
    months=st.one_of(st.none(), st.sampled_from([1, 6, 12])),
    data=st.data(),
)
def test_the_counts_agree_with_the_reference_for_any_history(world, histories, months, data):
    drive, people = world
    near = edges(histories, months)
    anywhere = st.dates(START, START + timedelta(900))
    day = data.draw(st.one_of(st.sampled_from(near), anywhere) if near else anywhere)
    drive.fresh_months = months
    Signature.objects.filter(drive=drive).delete()
    for person, history in zip(people, histories, strict=True):
        for signed, revoked in history:
            signature = Signature.objects.create(
                drive=drive,
                person=person,
                method=Signature.Method.PAPER,
                signed_on=START + timedelta(signed),
            )
            if revoked is not None:
                SignatureRevocation.objects.create(
                    signature=signature, revoked_on=signature.signed_on + timedelta(revoked)
                )

    statuses = signature_statuses(drive, day=day)

    expected = [reference(h, day, months) for h in histories]
    assert [statuses[p.pk] for p in people] == expected
    whole = tally(drive, signature_rows(drive, day=day))
    assert (whole.fresh, whole.stale, whole.revoked, whole.unsigned) == tuple(
        expected.count(s) for s in (FRESH, STALE, REVOKED, UNSIGNED)
    )
