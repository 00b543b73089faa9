"""Reads for the drive pages and the filing: the counts per campaign, site and unit (from the
one counting rule, campaigns.roster.signatures), the signatures of people not on the
roster, and the valid signatures of a unit as of a day."""

from dataclasses import dataclass, field
from datetime import date

from django.shortcuts import get_object_or_404

from campaigns.access import CampaignAccess
from campaigns.models import Signature, SignupDrive, Unit
from campaigns.roster.signatures import (
    FRESH,
    SignatureRow,
    Tally,
    drives_tally,
    signature_rows,
    tally,
)
from campaigns.roster.units import UnitPlace, places_under, unit_places
from campaigns.signups.services import drive_open_problem


def drive_for_user(access: CampaignAccess, drive_id: int) -> SignupDrive:
    """A drive of this campaign (404 otherwise: another campaign's drive id included)."""
    return get_object_or_404(
        SignupDrive.objects.select_related("campaign__committee", "replaces"),
        pk=drive_id,
        campaign=access.campaign,
    )


@dataclass(frozen=True)
class DriveLine:
    drive: SignupDrive
    total: Tally
    state: str  # "upcoming", "open" or "closed" on the day


def drives_for_list(access: CampaignAccess, day: date) -> list[DriveLine]:
    """The campaign's drives, newest first, each counted as of `day` (two queries, however
    many drives)."""
    drives = list(
        SignupDrive.objects.filter(campaign=access.campaign).select_related("campaign__committee")
    )
    tallies = drives_tally(drives, day=day)
    return [DriveLine(drive, tallies[drive.pk], _state(drive, day)) for drive in drives]


def _state(drive: SignupDrive, day: date) -> str:
    if day < drive.opens_on:
        return "upcoming"
    closed = drive.closed_at is not None or drive_open_problem(drive, day)
    return "closed" if closed else "open"


@dataclass
class CountRow:
    """One line of the counting table: a site or a unit (with everything under it)."""

    name: str
    depth: int
    total: Tally
    unit_id: int | None = None
    site_id: int | None = None
    has_children: bool = False


@dataclass
class SiteCount:
    name: str
    site_id: int | None
    total: Tally
    units: list[CountRow] = field(default_factory=list)


@dataclass
class DriveCount:
    day: date
    total: Tally
    sites: list[SiteCount]
    unplaced: Tally | None  # people placed in no unit (None: there are none)
    roster_ids: set[int]


def drive_count(drive: SignupDrive, day: date) -> DriveCount:
    """The drive as of `day`: the whole campaign, each site, and each unit counted with
    everyone placed under it (two queries: the rows and the units)."""
    rows = signature_rows(drive, day=day)
    own: dict[int | None, Tally] = {}
    for row in rows:
        own.setdefault(row.unit_id, Tally(drive.thresholds)).count(row.status)
    places = unit_places(Unit.objects.filter(site__campaign_id=drive.campaign_id))
    under = _with_all_under(drive, places, own)
    parents = {place.unit.parent_id for place in places}
    sites: dict[int, SiteCount] = {}
    for place in places:
        site = place.unit.site
        line = sites.setdefault(site.pk, SiteCount(site.name, site.pk, Tally(drive.thresholds)))
        line.units.append(
            CountRow(
                name=place.unit.name,
                depth=place.depth,
                total=under[place.unit.pk],
                unit_id=place.unit.pk,
                site_id=site.pk,
                has_children=place.unit.pk in parents,
            )
        )
        if place.depth == 0:
            line.total.absorb(under[place.unit.pk])
    return DriveCount(
        day=day,
        total=tally(drive, rows),
        sites=list(sites.values()),
        unplaced=own.get(None),
        roster_ids={row.person_id for row in rows},
    )


def _with_all_under(
    drive: SignupDrive, places: list[UnitPlace], own: dict[int | None, Tally]
) -> dict[int, Tally]:
    """Each unit's people and everyone's under it: the tree walked from its leaves up (a
    unit's children come after it in tree order)."""
    totals: dict[int, Tally] = {}
    for place in reversed(places):
        total = totals.setdefault(place.unit.pk, Tally(drive.thresholds))
        total.absorb(own.get(place.unit.pk) or Tally(drive.thresholds))
        if place.unit.parent_id is not None:
            totals.setdefault(place.unit.parent_id, Tally(drive.thresholds)).absorb(total)
    return totals


def signatures_off_roster(drive: SignupDrive, day: date, roster_ids: set[int]) -> list[Signature]:
    """Signatures standing on `day` by people not on the roster that day (a new contact
    from the public page, someone taken off): an organizer places them."""
    return list(
        Signature.objects.filter(drive=drive, signed_on__lte=day)
        .exclude(person_id__in=roster_ids)
        .exclude(revocation__revoked_on__lte=day)
        .select_related("person")
        .order_by("-created_person", "signed_on", "pk")
    )


@dataclass(frozen=True)
class FilingLine:
    signature: Signature
    unit: str  # the unit's path, "" for none


@dataclass(frozen=True)
class Filing:
    """The valid (fresh) signatures of a unit and the units under it (or the whole campaign)
    as of a day, and how they count against everyone placed there."""

    day: date
    place: str  # the unit's path, or the campaign's code name
    total: Tally
    lines: list[FilingLine]


def filing(drive: SignupDrive, day: date, unit: Unit | None) -> Filing:
    rows = signature_rows(drive, day=day)
    places = unit_places(Unit.objects.filter(site__campaign_id=drive.campaign_id))
    paths = {place.unit.pk: place.path for place in places}
    if unit is not None:
        inside: set[int | None] = {p.unit.pk for p in places_under(places, unit.pk)}
        rows = [row for row in rows if row.unit_id in inside]
    fresh: dict[int, SignatureRow] = {row.person_id: row for row in rows if row.status == FRESH}
    return Filing(
        day=day,
        place=paths[unit.pk] if unit is not None else drive.campaign.code_name,
        total=tally(drive, rows),
        lines=_lines(drive, day, fresh, paths),
    )


def _lines(
    drive: SignupDrive, day: date, fresh: dict[int, SignatureRow], paths: dict[int, str]
) -> list[FilingLine]:
    """Each fresh signer's standing signature: the first one signed by `day` and not
    revoked by then (the date the counting rule counts)."""
    signatures = (
        Signature.objects.filter(drive=drive, person_id__in=fresh, signed_on__lte=day)
        .exclude(revocation__revoked_on__lte=day)
        .select_related("person", "text")
        .order_by("person_id", "signed_on", "pk")
    )
    first: dict[int, Signature] = {}
    for signature in signatures:
        first.setdefault(signature.person_id, signature)
    lines = [
        FilingLine(signature, paths.get(fresh[person_id].unit_id or 0, ""))
        for person_id, signature in first.items()
    ]
    return sorted(lines, key=lambda line: (line.unit, line.signature.person.display_name))


def unit_choices(drive: SignupDrive) -> list[UnitPlace]:
    return unit_places(Unit.objects.filter(site__campaign_id=drive.campaign_id))
