"""Counting a drive's signatures against a fixture counted by hand: fresh, stale, revoked and
not signed, per unit and as of other days, with the thresholds' rule (50 % is not a
majority)."""

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from campaigns.models import Signature, SignupDrive
from campaigns.roster.services import roster_remove
from campaigns.roster.signatures import (
    FRESH,
    REVOKED,
    STALE,
    UNSIGNED,
    signature_rows,
    signature_statuses,
    tally,
    tally_by_unit,
)
from campaigns.signups.services import (
    DriveData,
    drive_close,
    drive_create,
    drive_update,
    signature_record,
    signature_revoke,
)
from tests import factories

pytestmark = pytest.mark.django_db

# 19:00 on Friday 4 December in Los Angeles, already Saturday the 5th in UTC.
NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
PAPER = Signature.Method.PAPER


@pytest.fixture
def drive(lead):
    committee = lead.memberships.get().committee
    committee.time_zone = "America/Los_Angeles"
    committee.save()
    campaign = factories.campaign(committee=committee, code_name="Lighthouse")
    site = factories.site(campaign=campaign)
    units = {name: factories.unit(site=site, name=name) for name in ("A", "B")}
    with time_machine.travel(datetime(2025, 5, 1, tzinfo=UTC), tick=False):
        people = {}
        for name, unit in [*((f"p{i}", "A") for i in range(1, 11)), ("q1", "B"), ("q2", "B")]:
            people[name] = factories.person(committee=committee, given_name=name)
            factories.on_roster(campaign=campaign, person=people[name], unit=units[unit])
        people["r1"] = factories.person(committee=committee, given_name="r1")
        r1_entry = factories.on_roster(campaign=campaign, person=people["r1"], unit=units["A"])
    with time_machine.travel(NOW, tick=False):
        drive = drive_create(
            campaign=campaign,
            data=DriveData(
                kind=SignupDrive.Kind.CARD,
                title="Lighthouse union card",
                texts={"en": "I want the union."},
                opens_on=date(2025, 6, 1),
            ),
            actor=lead,
        )

        def sign(name, day):
            return signature_record(
                drive=drive, person=people[name], signed_on=day, method=PAPER, recorded_by=lead
            )

        sign("p1", date(2026, 11, 1))
        sign("p2", date(2026, 10, 1))
        sign("p3", date(2025, 11, 30))  # a year and four days old: stale
        sign("p4", date(2025, 12, 4))  # a year old today: fresh through today
        first = sign("p5", date(2026, 9, 1)).signature
        signature_revoke(signature=first, revoked_on=date(2026, 11, 15), by_signer=True)
        again = sign("p6", date(2026, 9, 1)).signature
        signature_revoke(signature=again, revoked_on=date(2026, 11, 15), by_signer=False)
        sign("p6", date(2026, 11, 20))  # signed again after revoking
        sign("p7", date(2026, 10, 20))
        sign("p7", date(2026, 10, 25))  # a second card: kept as one, the first date wins
        sign("q1", date(2026, 12, 1))
        sign("r1", date(2026, 11, 1))
        roster_remove(entry=r1_entry)  # off the roster since: not counted
    drive.people = people
    return drive


def test_it_counts_each_unit_and_the_whole_campaign_as_counted_by_hand(drive):
    with time_machine.travel(NOW, tick=False):
        rows = signature_rows(drive)
    by_unit = tally_by_unit(drive, rows)
    a, b = (by_unit[u.pk] for u in drive.campaign.sites.get().units.order_by("name"))
    assert (a.people, a.fresh, a.stale, a.revoked, a.unsigned) == (10, 5, 1, 1, 3)
    assert (b.people, b.fresh, b.stale, b.revoked, b.unsigned) == (2, 1, 0, 0, 1)
    whole = tally(drive, rows)
    assert (whole.people, whole.fresh, whole.stale, whole.revoked) == (12, 6, 1, 1)


def test_half_is_not_a_majority_and_it_says_how_many_more(drive):
    with time_machine.travel(NOW, tick=False):
        unit_a = drive.campaign.sites.get().units.get(name="A")
        a = tally_by_unit(drive, signature_rows(drive))[unit_a.pk]
    assert a.percent == 50
    # 30 % met; 50 % exactly is not a majority: one more makes 6 of 10; 67 % needs 7.
    assert a.goals == [(30, True, 0), (50, False, 1), (67, False, 2)]
    assert a.reached == 1
    assert a.next_needed == 1


def test_each_persons_status_is_their_own_act_on_the_day(drive):
    people = drive.people
    with time_machine.travel(NOW, tick=False):
        statuses = signature_statuses(drive)
    named = {name: statuses.get(p.pk) for name, p in people.items()}
    assert named == {
        "p1": FRESH,
        "p2": FRESH,
        "p3": STALE,
        "p4": FRESH,
        "p5": REVOKED,
        "p6": FRESH,
        "p7": FRESH,
        "p8": UNSIGNED,
        "p9": UNSIGNED,
        "p10": UNSIGNED,
        "q1": FRESH,
        "q2": UNSIGNED,
        "r1": None,  # not on the roster today
    }
    assert Signature.objects.filter(drive=drive, person=people["p7"]).count() == 1


def test_it_counts_as_of_an_earlier_day(drive):
    people = drive.people
    statuses = signature_statuses(drive, day=date(2026, 10, 15))
    named = {name: statuses.get(p.pk) for name, p in people.items()}
    # Before p1 and p7 signed and before the revocations; p3 still fresh; r1 on the roster.
    assert [n for n, s in named.items() if s == FRESH] == ["p2", "p3", "p4", "p5", "p6"]
    assert named["p1"] == named["p7"] == named["r1"] == UNSIGNED
    # The day after p4's anniversary, p4's card is stale too.
    later = signature_statuses(drive, day=date(2026, 12, 5))
    assert later[people["p4"].pk] == STALE


def test_a_petition_without_a_window_never_goes_stale(drive):
    drive.fresh_months = None
    drive.save()
    with time_machine.travel(NOW, tick=False):
        statuses = signature_statuses(drive)
    assert statuses[drive.people["p3"].pk] == FRESH


def test_a_signature_the_drive_cannot_take_is_refused_and_nothing_is_stored(drive):
    person = drive.people["p8"]
    before = Signature.objects.count()
    with time_machine.travel(NOW, tick=False):
        # Tomorrow in UTC, but still Friday in Los Angeles: today is fine, tomorrow is not.
        signature_record(drive=drive, person=person, signed_on=date(2026, 12, 4), method=PAPER)
        with pytest.raises(ValidationError) as future:
            signature_record(
                drive=drive, person=drive.people["p9"], signed_on=date(2026, 12, 5), method=PAPER
            )
        with pytest.raises(ValidationError) as early:
            signature_record(
                drive=drive, person=drive.people["p9"], signed_on=date(2025, 5, 31), method=PAPER
            )
        drive_close(drive=drive, actor=None)
        # Paper signed while it was open is still recorded the morning after...
        signature_record(
            drive=drive, person=drive.people["p10"], signed_on=date(2026, 12, 3), method=PAPER
        )
    # ...but nothing dated after the day it closed.
    later = datetime(2026, 12, 6, 18, tzinfo=UTC)
    with time_machine.travel(later, tick=False), pytest.raises(ValidationError) as closed:
        signature_record(
            drive=drive, person=drive.people["p9"], signed_on=date(2026, 12, 6), method=PAPER
        )
    assert (future.value.code, early.value.code, closed.value.code) == (
        "future",
        "before_open",
        "closed",
    )
    assert "closed on" in closed.value.messages[0]
    assert Signature.objects.count() == before + 2


def test_a_revocation_is_refused_twice_or_before_the_signature(drive):
    with time_machine.travel(NOW, tick=False):
        signature = Signature.objects.get(drive=drive, person=drive.people["p1"])
        with pytest.raises(ValidationError) as early:
            signature_revoke(signature=signature, revoked_on=date(2026, 10, 1), by_signer=True)
        signature_revoke(signature=signature, revoked_on=date(2026, 12, 4), by_signer=True)
        with pytest.raises(ValidationError) as twice:
            signature_revoke(signature=signature, revoked_on=date(2026, 12, 4), by_signer=True)
    assert (early.value.code, twice.value.code) == ("before_signed", "revoked")


def test_the_text_is_frozen_once_someone_has_signed(drive, lead):
    data = DriveData(
        kind=drive.kind,
        title="Renamed",
        texts={"en": "Different words."},
        opens_on=drive.opens_on,
        fresh_months=12,
    )
    with pytest.raises(ValidationError) as frozen:
        drive_update(drive=drive, data=data, actor=lead)
    assert frozen.value.code == "frozen"
    assert drive.texts.get().text == "I want the union."
    # Everything but the text can still change.
    renamed = drive_update(
        drive=drive,
        data=DriveData(**{**data.__dict__, "texts": {"en": "I want the union."}}),
        actor=lead,
    )
    assert renamed.title == "Renamed"


def test_a_stale_card_is_signed_again_and_counts_fresh(drive):
    p3 = drive.people["p3"]  # signed 2025-11-30: stale since 2026-12-01
    with time_machine.travel(NOW, tick=False):
        again = signature_record(drive=drive, person=p3, signed_on=date(2026, 12, 2), method=PAPER)
        statuses = signature_statuses(drive)
    assert again.created
    assert statuses[p3.pk] == FRESH
    # Before the new card, the old one was already stale.
    assert signature_statuses(drive, day=date(2026, 12, 1))[p3.pk] == STALE
    # While the old card was fresh, a second one dated then is kept as one.
    with time_machine.travel(NOW, tick=False):
        kept = signature_record(drive=drive, person=p3, signed_on=date(2026, 11, 29), method=PAPER)
    assert not kept.created
    assert kept.signature.signed_on == date(2025, 11, 30)
