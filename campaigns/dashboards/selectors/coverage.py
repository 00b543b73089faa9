"""Where a campaign stands: its people by unit, how many were talked with and assessed, and
support against its thresholds, with the filters every part of the dashboard reads.

Support and the thresholds are the chart's (campaigns.roster.selectors.Stats): support is the
share of the people in scope at 1 or 2, rounded down, and a majority is strictly more than
its percentage.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

from campaigns.conversations.selectors.mylist import QUIET_DAYS
from campaigns.models import Campaign, Conversation, RosterEntry, Site, Unit
from campaigns.roster.selectors import Stats, more_needed
from campaigns.roster.units import UnitPlace, places_under, unit_places
from members.clock import today_for, zone_for

ENTRY = RosterEntry._meta.db_table
CONVERSATION = Conversation._meta.db_table


@dataclass(frozen=True)
class DashboardFilters:
    """The date range (whole local days, both included) narrows the trends, conversations and
    actions; the site or unit (a unit and everything under it) narrows the roster numbers,
    the unit table and the trends."""

    since: date | None = None
    until: date | None = None
    site_id: int | None = None
    unit_id: int | None = None


def local_bounds(filters: DashboardFilters, tz: ZoneInfo) -> tuple[datetime | None, ...]:
    """The date range as [since midnight, the day after until's midnight), local."""
    since = datetime.combine(filters.since, time.min, tz) if filters.since else None
    until = (
        datetime.combine(filters.until + timedelta(days=1), time.min, tz) if filters.until else None
    )
    return since, until


def percent(part: int, whole: int) -> int:
    """Whole percent, rounded down like the chart's support."""
    return part * 100 // whole if whole else 0


def supporters_needed(stats: Stats) -> int:
    """How many more of the people counted must be at 1 or 2 to reach the next threshold, by
    the rules of Stats.reached (a majority is more than its percentage)."""
    if not stats.goal:
        return 0
    return more_needed(stats.supporters, stats.people, stats.thresholds, stats.reached)


@dataclass
class Coverage:
    """Where a group of people on the roster stands: the chart's Stats, the whole 1–5
    distribution, who has been talked with, and who organizes them."""

    stats: Stats
    levels: list[int] = field(default_factory=lambda: [0] * 5)  # counts of 1s … 5s
    contacted: int = 0
    last_contact: datetime | None = None
    organizers: int = 0  # distinct organizers assigned to someone in the group

    @property
    def people(self) -> int:
        return self.stats.people

    @property
    def unassessed(self) -> int:
        return self.stats.people - self.stats.assessed

    @property
    def contacted_pct(self) -> int:
        return percent(self.contacted, self.people)

    @property
    def assessed_pct(self) -> int:
        return percent(self.stats.assessed, self.people)

    @property
    def needed(self) -> int:
        return supporters_needed(self.stats)

    # The heat-map's shade for a share: 0 (under 20%) to 4 (80% or more).
    @property
    def contacted_band(self) -> int:
        return min(self.contacted_pct // 20, 4)

    @property
    def assessed_band(self) -> int:
        return min(self.assessed_pct // 20, 4)

    @property
    def support_band(self) -> int:
        return min(self.stats.support // 20, 4)

    @property
    def committee(self) -> int:
        """Organizers plus leaders: the organizing committee the campaign aims to grow to
        one per ten people."""
        return self.organizers + self.stats.leaders

    @property
    def people_per_committee(self) -> int | None:
        """How many people there are per organizer-or-leader (the aim: 10 or fewer)."""
        return round(self.people / self.committee) if self.committee else None


@dataclass
class UnitRow:
    """One unit of the heat-map table: the people placed directly in it."""

    unit_id: int | None  # None: the people placed in no unit
    site_name: str
    name: str  # the unit's path, e.g. "Receiving › Night shift"
    coverage: Coverage
    days_quiet: int | None  # whole days since anyone talked with someone here; None: never

    @property
    def quiet(self) -> bool:
        """Nobody here talked with for QUIET_DAYS days or more (as My list counts it)."""
        return self.days_quiet is None or self.days_quiet >= QUIET_DAYS


@dataclass(frozen=True)
class UnitOption:
    unit_id: int
    site_id: int
    label: str  # the unit's path in its site


@dataclass(frozen=True)
class Places:
    """A campaign's sites and units, for the filters and the unit table's names."""

    sites: list[tuple[int, str]]
    units: list[UnitPlace]  # in tree order
    options: list[UnitOption]


def dashboard_places(campaign: Campaign) -> Places:
    """Two queries: the sites, and every unit of every site."""
    sites = list(Site.objects.filter(campaign=campaign).values_list("pk", "name"))
    units = unit_places(Unit.objects.filter(site__campaign_id=campaign.pk))
    options = [UnitOption(place.unit.pk, place.unit.site_id, place.label) for place in units]
    return Places(sites, units, options)


@dataclass(frozen=True)
class UnitTable:
    """The people in scope by unit (worst covered first), in scope and on the whole roster."""

    today: date
    units: list[UnitRow]
    total: Coverage
    whole: Coverage


def unit_table(*, campaign: Campaign, filters: DashboardFilters, places: Places) -> UnitTable:
    """The unit table and its totals after `places`, alone for its CSV: one query."""
    tz = zone_for(campaign.committee)
    today = today_for(campaign.committee)
    coverage = coverage_by_unit(
        campaign_ids=[campaign.pk],
        thresholds=campaign.thresholds,
        units=unit_scope(filters, places.units),
    )
    total = coverage.totals.get(campaign.pk) or Coverage(Stats(campaign.threshold_triple))
    by_unit = coverage.units.get(campaign.pk, {})
    units = _unit_rows(by_unit, places.options, dict(places.sites), today, tz)
    return UnitTable(today, units, total, coverage.campaign.get(campaign.pk) or total)


def unit_scope(filters: DashboardFilters, units: list[UnitPlace]) -> list[int] | None:
    """The unit ids in scope (a unit and all under it, or a site's units), None for all."""
    if filters.unit_id:
        return sorted(place.unit.pk for place in places_under(units, filters.unit_id))
    if filters.site_id:
        return [place.unit.pk for place in units if place.unit.site_id == filters.site_id]
    return None


def _unit_rows(
    by_unit: dict[int | None, Coverage],
    options: list[UnitOption],
    site_names: dict[int, str],
    today: date,
    tz: ZoneInfo,
) -> list[UnitRow]:
    paths = {option.unit_id: option for option in options}
    rows = []
    for unit_id, coverage in by_unit.items():
        option = paths.get(unit_id) if unit_id is not None else None
        last = coverage.last_contact
        rows.append(
            UnitRow(
                unit_id=unit_id,
                site_name=site_names.get(option.site_id, "") if option else "",
                name=option.label if option else "",
                coverage=coverage,
                days_quiet=(today - last.astimezone(tz).date()).days if last else None,
            )
        )
    return sort_units(rows, "coverage")


# --- Tenant dashboards: the unit table rolled up building → floor → apartment ------------------


@dataclass
class RollupRow:
    """A unit with everyone placed in it and in the units under it."""

    place: UnitPlace
    coverage: Coverage
    days_quiet: int | None
    has_children: bool

    @property
    def quiet(self) -> bool:
        return self.days_quiet is None or self.days_quiet >= QUIET_DAYS


@dataclass
class RollupSite:
    """A building (a site) with its totals and its units in tree order; site_id None holds the
    people placed in no unit."""

    site_id: int | None
    name: str
    coverage: Coverage
    days_quiet: int | None
    rows: list[RollupRow]

    @property
    def quiet(self) -> bool:
        return self.days_quiet is None or self.days_quiet >= QUIET_DAYS


def coverage_sum(parts: list[Coverage], thresholds: tuple[int, int, int]) -> Coverage:
    """The coverage of several groups together. Distinct organizers cannot be added up, so
    the sum leaves them at 0 (the rolled-up table does not show them)."""
    total = Coverage(Stats(thresholds))
    for part in parts:
        total.stats.absorb(part.stats)
        total.levels = [a + b for a, b in zip(total.levels, part.levels, strict=True)]
        total.contacted += part.contacted
        if part.last_contact and (not total.last_contact or part.last_contact > total.last_contact):
            total.last_contact = part.last_contact
    return total


def unit_rollup(
    *,
    units: list[UnitRow],
    places: Places,
    thresholds: tuple[int, int, int],
    today: date,
    tz: ZoneInfo,
) -> list[RollupSite]:
    """The unit table as a tree: each site's total, then each unit with the people under it
    added in, in tree order. Units with nobody in them or under them are left out. No query."""
    by_unit = {row.unit_id: row.coverage for row in units}

    def days(last: datetime | None) -> int | None:
        return (today - last.astimezone(tz).date()).days if last else None

    sites = []
    for site_id, site_name in places.sites:
        here = [place for place in places.units if place.unit.site_id == site_id]
        rows = []
        for i, place in enumerate(here):
            under = places_under(here[i:], place.unit.pk)
            parts = [by_unit[p.unit.pk] for p in under if p.unit.pk in by_unit]
            coverage = coverage_sum(parts, thresholds)
            if coverage.people:
                rows.append(RollupRow(place, coverage, days(coverage.last_contact), len(under) > 1))
        if rows:
            parts = [by_unit[p.unit.pk] for p in here if p.unit.pk in by_unit]
            total = coverage_sum(parts, thresholds)
            sites.append(RollupSite(site_id, site_name, total, days(total.last_contact), rows))
    if None in by_unit:
        unplaced = by_unit[None]
        sites.append(RollupSite(None, "", unplaced, days(unplaced.last_contact), []))
    return sites


# Sorting the unit table. "coverage" is worst-covered first: the least assessed, then the
# longest without a conversation (never first), then the biggest.
NEVER = 10**6
SORTS = {
    "coverage": lambda r: (
        r.coverage.assessed_pct,
        -(NEVER if r.days_quiet is None else r.days_quiet),
        -r.coverage.people,
        r.name,
    ),
    "name": lambda r: (r.unit_id is None, r.site_name.casefold(), r.name.casefold()),
    "people": lambda r: (-r.coverage.people, r.name),
    "assessed": lambda r: (r.coverage.assessed_pct, r.name),
    "support": lambda r: (r.coverage.stats.support, r.name),
    "leaders": lambda r: (r.coverage.stats.leaders, r.name),
    "quiet": lambda r: (-(NEVER if r.days_quiet is None else r.days_quiet), r.name),
    "gap": lambda r: (-r.coverage.needed, r.name),
}


def sort_units(rows: list[UnitRow], key: str) -> list[UnitRow]:
    return sorted(rows, key=SORTS.get(key, SORTS["coverage"]))


@dataclass
class CoverageResult:
    units: dict[int, dict[int | None, Coverage]]  # campaign -> unit -> coverage (in scope)
    totals: dict[int, Coverage]  # campaign -> the people in scope
    campaign: dict[int, Coverage]  # campaign -> everyone on the roster


COVERAGE_SQL = f"""
WITH roster AS (
    SELECT e.campaign_id, e.unit_id, e.assessment, e.is_leader, e.organizer_id,
           e.last_contact_at AS last_at,
           (%(units)s::int[] IS NULL OR e.unit_id = ANY(%(units)s::int[])) AS in_scope
    FROM {ENTRY} e
    WHERE e.campaign_id = ANY(%(campaigns)s) AND e.removed_at IS NULL
)
SELECT campaign_id, unit_id, in_scope, GROUPING(unit_id, in_scope) AS grouping,
       count(*), count(assessment),
       count(*) FILTER (WHERE assessment = 1), count(*) FILTER (WHERE assessment = 2),
       count(*) FILTER (WHERE assessment = 3), count(*) FILTER (WHERE assessment = 4),
       count(*) FILTER (WHERE assessment = 5), count(*) FILTER (WHERE is_leader),
       count(last_at), max(last_at), count(DISTINCT organizer_id)
FROM roster
GROUP BY GROUPING SETS ((campaign_id, in_scope, unit_id), (campaign_id, in_scope), (campaign_id))
"""  # noqa: S608 - table names come from the models; values are bound


def coverage_by_unit(
    *,
    campaign_ids: list[int],
    thresholds: list[int] | dict[int, list[int]],
    units: list[int] | None = None,
) -> CoverageResult:
    """Coverage per campaign and unit (the people in `units`, or everyone), per campaign in
    scope, and per whole campaign: one statement with grouping sets."""
    result = CoverageResult({}, {}, {})
    with connection.cursor() as cursor:
        cursor.execute(COVERAGE_SQL, {"campaigns": campaign_ids, "units": units})
        rows = cursor.fetchall()
    for campaign_id, unit_id, in_scope, grouping, *counts in rows:
        limits = thresholds[campaign_id] if isinstance(thresholds, dict) else thresholds
        coverage = _coverage(tuple(limits), counts)
        if grouping == 0 and in_scope:
            result.units.setdefault(campaign_id, {})[unit_id] = coverage
        elif grouping == 2 and in_scope:
            result.totals[campaign_id] = coverage
        elif grouping == 3:
            result.campaign[campaign_id] = coverage
    return result


def _coverage(thresholds: tuple, counts: list) -> Coverage:
    people, assessed, l1, l2, l3, l4, l5, leaders, contacted, last_at, organizers = counts
    stats = Stats(thresholds, people, assessed, l1, l2, leaders)
    return Coverage(stats, [l1, l2, l3, l4, l5], contacted, last_at, organizers)
