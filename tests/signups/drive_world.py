"""A card drive counted by hand, for the drive pages and the filing: the Lighthouse campaign
(committee in Los Angeles), its Warehouse with Inbound (and Night under it) and Outbound.

Today (the committee's) is Friday 4 December 2026: 19:00 in Los Angeles, 03:00 on the 5th
in UTC. Everyone was put on the roster in May 2025; the drive opened on 1 June 2025.

    Inbound  p1 fresh (1 Nov 2026) · p2 stale (30 Nov 2025) · p3 revoked (signed 1 Sep,
             revoked 15 Nov) · p4 not signed
    Night    n1 fresh (today) · n2 fresh (1 Oct) · n3, n4 not signed   → 2 of 4: 50 %
    Outbound o1 fresh (10 Nov) · o2 not signed                         → 1 of 2: 50 %
    x1 signed on the public page, on no roster (a new contact).

Today: the campaign 4 of 10 fresh, 1 stale, 1 revoked, 4 not signed. Inbound with Night:
3 of 8. As of 15 October: p2 (still fresh), p3 (not revoked yet) and n2: 3 of 10.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine

from campaigns.models import Signature, SignupDrive, TeamMember
from campaigns.signups.services import (
    DriveData,
    drive_create,
    signature_record,
    signature_revoke,
)
from tests import factories

NOW = datetime(2026, 12, 5, 3, 0, tzinfo=UTC)
TODAY = date(2026, 12, 4)  # in Los Angeles
PAPER = Signature.Method.PAPER


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def drive(lead, clock):
    committee = lead.memberships.get().committee
    committee.time_zone = "America/Los_Angeles"
    committee.save()
    campaign = factories.campaign(committee=committee, code_name="Lighthouse")
    site = factories.site(campaign=campaign, name="Warehouse")
    inbound = factories.unit(site=site, name="Inbound")
    units = {
        "Inbound": inbound,
        "Night": factories.unit(site=site, name="Night", parent=inbound),
        "Outbound": factories.unit(site=site, name="Outbound"),
    }
    placed = {
        "Inbound": ["p1", "p2", "p3", "p4"],
        "Night": ["n1", "n2", "n3", "n4"],
        "Outbound": ["o1", "o2"],
    }
    people = {}
    with time_machine.travel(datetime(2025, 5, 1, tzinfo=UTC), tick=False):
        for unit, names in placed.items():
            for name in names:
                people[name] = factories.person(
                    committee=committee, given_name=name, family_name="Doe"
                )
                factories.on_roster(campaign=campaign, person=people[name], unit=units[unit])
    people["x1"] = factories.person(committee=committee, given_name="x1", family_name="New")
    drive = drive_create(
        campaign=campaign,
        data=DriveData(
            kind=SignupDrive.Kind.CARD,
            title="Lighthouse union card",
            texts={"en": "I want the union.", "es": "Quiero el sindicato."},
            opens_on=date(2025, 6, 1),
        ),
        actor=lead,
    )

    def sign(name, day, **extra):
        return signature_record(
            drive=drive,
            person=people[name],
            signed_on=day,
            method=extra.pop("method", PAPER),
            recorded_by=lead,
            **extra,
        ).signature

    sign("p1", date(2026, 11, 1))
    sign("p2", date(2025, 11, 30))
    revoked = sign("p3", date(2026, 9, 1))
    signature_revoke(signature=revoked, revoked_on=date(2026, 11, 15), by_signer=True)
    sign("n1", TODAY)
    sign("n2", date(2026, 10, 1))
    sign("o1", date(2026, 11, 10))
    sign("x1", date(2026, 12, 2), method=Signature.Method.PUBLIC, created_person=True)
    drive.people = people
    drive.units = units
    return drive


@pytest.fixture
def organizer_on_team(drive, committee):
    from members.models import Membership

    user = factories.member_of(committee, Membership.Role.ORGANIZER)
    TeamMember.objects.create(campaign=drive.campaign, user=user, role="organizer")
    return user
