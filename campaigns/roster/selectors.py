"""Reads for the chart: a campaign's (or one site's) units as trees, who is in each, and where
each unit stands.

The whole roster in scope is read in one query of plain values (no model instances: a campaign
can have 10,000 people), and everything else is computed from those rows in Python, so the
number of queries never grows with the roster. Stats always count the whole unit (they are the
organizing truth); filters only decide which people are shown.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Q

from campaigns.models import Campaign, RosterEntry, Site, TeamMember, Unit
from campaigns.roster.units import UnitPlace, unit_places
from members.models import Membership, PersonTag, Tag, User

GOALS = ("interest", "majority", "super")
SIGNED_FRESH, NOT_SIGNED = "fresh", "not"  # the chart's "Signed" filter


class ChartRow(NamedTuple):
    """One person on the roster, as the chart needs them."""

    entry_id: int
    person_id: int
    unit_id: int | None
    assessment: int | None
    is_leader: bool
    organizer_id: int | None
    given_name: str
    family_name: str
    preferred_name: str

    @property
    def display_name(self) -> str:
        """Same rule as Person.display_name: the preferred name, then the family name."""
        return f"{self.preferred_name or self.given_name} {self.family_name}".strip()

    def matches(self, needle: str) -> bool:
        """Whether the casefolded `needle` is in the given, family, preferred or shown name."""
        names = (self.given_name, self.family_name, self.preferred_name, self.display_name)
        return any(needle in name.casefold() for name in names)


MAJORITY = 1  # the index of the threshold that must be passed, not only met


def thresholds_reached(count: int, people: int, thresholds: tuple[int, int, int]) -> int:
    """How many of the thresholds `count` of `people` meets, in order (0–3). Interest and
    supermajority are met at their percentage; a majority needs more than its percentage
    (50% + 1, not a tie)."""
    if not people:
        return 0
    met = [
        count * 100 > at * people if index == MAJORITY else count * 100 >= at * people
        for index, at in enumerate(thresholds)
    ]
    return next((i for i, ok in enumerate(met) if not ok), len(met))


def more_needed(count: int, people: int, thresholds: tuple[int, int, int], index: int) -> int:
    """How many more than `count` of `people` meet the threshold at `index` (0 if met)."""
    if not people:
        return 0
    product = thresholds[index] * people
    needed = product // 100 + 1 if index == MAJORITY else -(-product // 100)
    return max(min(needed, people) - count, 0)


@dataclass
class Stats:
    """Where a group of people stands. Support is the share at 1 or 2 of everyone in it."""

    thresholds: tuple[int, int, int]
    people: int = 0
    assessed: int = 0
    ones: int = 0
    twos: int = 0
    leaders: int = 0

    def count(self, row: ChartRow) -> None:
        self.people += 1
        self.assessed += row.assessment is not None
        self.ones += row.assessment == 1
        self.twos += row.assessment == 2
        self.leaders += row.is_leader

    def absorb(self, other: "Stats") -> None:
        self.people += other.people
        self.assessed += other.assessed
        self.ones += other.ones
        self.twos += other.twos
        self.leaders += other.leaders

    @property
    def supporters(self) -> int:
        return self.ones + self.twos

    @property
    def support(self) -> int:
        """Support in whole percent, rounded down: 49.9% must not read as a majority."""
        return self.supporters * 100 // self.people if self.people else 0

    @property
    def reached(self) -> int:
        """How many thresholds are met, in order (0–3): thresholds_reached."""
        return thresholds_reached(self.supporters, self.people, self.thresholds)

    @property
    def goal(self) -> str:
        """The next threshold to reach: "interest", "majority", "super", or "" when all are."""
        return GOALS[self.reached] if self.reached < len(GOALS) else ""

    @property
    def goal_at(self) -> int:
        return self.thresholds[self.reached] if self.goal else self.thresholds[-1]


@dataclass(frozen=True)
class ChartFilters:
    """Which people to show. `unit_id` narrows to a unit and everything under it; `q`, a
    casefolded piece of a name."""

    levels: frozenset[int] = frozenset()
    unassessed: bool = False
    organizer_id: int | None = None
    unassigned: bool = False
    leader: bool = False
    tag_id: int | None = None
    unit_id: int | None = None
    q: str = ""
    signed: str = ""  # SIGNED_FRESH or NOT_SIGNED on the current drive (none: no drive)

    @property
    def narrows(self) -> bool:
        """True when some people may be hidden (the unit filter hides units, not people)."""
        return bool(
            self.levels
            or self.unassessed
            or self.organizer_id
            or self.unassigned
            or self.leader
            or self.tag_id
            or self.q
            or self.signed
        )

    def keeps(self, row: ChartRow, tagged: set[int] | None, fresh: set[int] | None = None) -> bool:
        """Whether the row passes every filter that is on (`tagged`: the tag's people;
        `fresh`: the people with a fresh signature on the current drive)."""
        if (
            self.signed
            and fresh is not None
            and ((row.person_id in fresh) != (self.signed == SIGNED_FRESH))
        ):
            return False
        if (self.levels or self.unassessed) and not (
            row.assessment in self.levels or (self.unassessed and row.assessment is None)
        ):
            return False
        if (self.organizer_id and row.organizer_id != self.organizer_id) or (
            self.unassigned and row.organizer_id is not None
        ):
            return False
        if self.leader and not row.is_leader:
            return False
        if tagged is not None and row.person_id not in tagged:
            return False
        return not self.q or row.matches(self.q)


@dataclass
class UnitNode:
    """A unit with its subtree: stats count everyone in it and under it; `rows` are the people
    placed directly in it that the filters show. `chips` and `summary` (the HTML of its people
    and of its stats) are filled in by the view."""

    unit_id: int | None
    name: str
    depth: int
    stats: Stats
    rows: list[ChartRow] = field(default_factory=list)
    children: list["UnitNode"] = field(default_factory=list)
    shown: int = 0
    chips: str = ""
    summary: str = ""


@dataclass
class SiteChart:
    site_id: int
    name: str
    stats: Stats
    units: list[UnitNode]
    shown: int = 0
    summary: str = ""


@dataclass
class Chart:
    """What the chart page shows: sites of unit trees, the unplaced, and the totals."""

    sites: list[SiteChart]
    unplaced: UnitNode | None
    stats: Stats
    shown: int
    unit_choices: list[tuple[str, list[tuple[int, str]]]]

    def nodes(self) -> Iterable[UnitNode]:
        """Every unit node shown, parents before children, then the unplaced row."""
        stack = [node for site in reversed(self.sites) for node in reversed(site.units)]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))
        if self.unplaced is not None:
            yield self.unplaced


def chart_rows(*, campaign: Campaign, site: Site | None = None) -> list[ChartRow]:
    """The active roster in scope, in one query, sorted by family then given name.

    Sorted here rather than by Postgres: lower-casing 10,000 names in a sort costs the
    database more than Python's sort of the rows costs us."""
    entries = RosterEntry.objects.filter(campaign=campaign, removed_at__isnull=True)
    if site is not None:
        entries = entries.filter(unit__site=site)
    rows = list(map(ChartRow._make, entries.values_list(*CHART_ROW_FIELDS)))
    rows.sort(key=_name_order)
    return rows


def _name_order(row: ChartRow) -> tuple[str, str, int]:
    return (row.family_name.casefold(), row.given_name.casefold(), row.entry_id)


CHART_ROW_FIELDS = (
    "pk",
    "person_id",
    "unit_id",
    "assessment",
    "is_leader",
    "organizer_id",
    "person__given_name",
    "person__family_name",
    "person__preferred_name",
)


def chart_units(*, campaign: Campaign, site: Site | None = None) -> list[UnitPlace]:
    """The units in scope (all sites' in one query), in tree order."""
    units = Unit.objects.filter(site__campaign=campaign)
    if site is not None:
        units = units.filter(site=site)
    return unit_places(units)


def chart_organizers(campaign: Campaign) -> list[User]:
    """Who may be assigned people on this campaign: its team and the committee's leads."""
    on_team = TeamMember.objects.filter(campaign=campaign, user=OuterRef("pk"))
    is_lead = Membership.objects.filter(
        committee_id=campaign.committee_id, role=Membership.Role.LEAD, user=OuterRef("pk")
    )
    return list(
        User.objects.filter(Q(Exists(on_team)) | Q(Exists(is_lead))).order_by("name", "email")
    )


def chart_tags(campaign: Campaign) -> list[Tag]:
    return list(Tag.objects.filter(committee_id=campaign.committee_id))


def tagged_people(tag_id: int) -> set[int]:
    return set(PersonTag.objects.filter(tag_id=tag_id).values_list("person_id", flat=True))


def chart_build(
    *,
    campaign: Campaign,
    filters: ChartFilters,
    site: Site | None = None,
    fresh: set[int] | None = None,
) -> Chart:
    """The chart of a campaign, or of one site of it (then without the unplaced row).
    `fresh`: who has a fresh signature on the current drive (the "Signed" filter)."""
    sites = [site] if site is not None else list(campaign.sites.all())
    rows = chart_rows(campaign=campaign, site=site)
    tagged = tagged_people(filters.tag_id) if filters.tag_id else None
    builder = _TreeBuilder(
        chart_units(campaign=campaign, site=site), rows, filters, tagged, campaign.threshold_triple
    )
    builder.fresh = fresh
    site_charts = _narrowed([builder.site(s.pk, s.name) for s in sites], filters)
    unplaced = builder.unplaced() if site is None and not filters.unit_id else None
    if unplaced is not None and not (unplaced.stats.people and _visible(unplaced, filters)):
        unplaced = None
    return Chart(
        sites=site_charts,
        unplaced=unplaced,
        stats=builder.total(rows),
        shown=sum(s.shown for s in site_charts) + (unplaced.shown if unplaced else 0),
        unit_choices=[(s.name, builder.choices(s.pk)) for s in sites],
    )


def _visible(node: UnitNode, filters: ChartFilters) -> bool:
    """With filters on, units nobody shown is in are left out, to keep the page readable."""
    return node.shown > 0 or not filters.narrows


def _narrowed(sites: list[SiteChart], filters: ChartFilters) -> list[SiteChart]:
    """The sites and unit trees the filters leave: the filtered unit's subtree alone, and no
    empty units while people are filtered."""
    if filters.unit_id:
        for site in sites:
            found = _find(site.units, filters.unit_id)
            site.units = [found] if found else []
            site.shown = found.shown if found else 0
        sites = [site for site in sites if site.units]
    if filters.narrows:
        for site in sites:
            site.units = _prune(site.units)
        sites = [site for site in sites if site.shown]
    return sites


def _find(nodes: list[UnitNode], unit_id: int) -> UnitNode | None:
    for node in nodes:
        if node.unit_id == unit_id:
            return node
        found = _find(node.children, unit_id)
        if found:
            return found
    return None


def _prune(nodes: list[UnitNode]) -> list[UnitNode]:
    kept = [node for node in nodes if node.shown]
    for node in kept:
        node.children = _prune(node.children)
    return kept


class _TreeBuilder:
    """Builds unit trees bottom-up from the rows grouped by unit."""

    def __init__(self, places, rows, filters, tagged, thresholds) -> None:
        self.filters, self.tagged, self.thresholds = filters, tagged, thresholds
        self.fresh: set[int] | None = None
        self.places: list[UnitPlace] = places
        self.by_unit: dict[int | None, list[ChartRow]] = {}
        for row in rows:
            self.by_unit.setdefault(row.unit_id, []).append(row)
        self.children: dict[tuple[int, int | None], list[Unit]] = {}
        for place in places:
            unit = place.unit
            self.children.setdefault((unit.site_id, unit.parent_id), []).append(unit)

    def site(self, site_id: int, name: str) -> SiteChart:
        nodes = [self.node(unit, 0) for unit in self.children.get((site_id, None), [])]
        stats = Stats(self.thresholds)
        for node in nodes:
            stats.absorb(node.stats)
        return SiteChart(site_id, name, stats, nodes, sum(node.shown for node in nodes))

    def node(self, unit: Unit, depth: int) -> UnitNode:
        node = self._leaf(unit.pk, unit.name, depth)
        for child in self.children.get((unit.site_id, unit.pk), []):
            sub = self.node(child, depth + 1)
            node.children.append(sub)
            node.stats.absorb(sub.stats)
            node.shown += sub.shown
        return node

    def total(self, rows: list[ChartRow]) -> Stats:
        stats = Stats(self.thresholds)
        for row in rows:
            stats.count(row)
        return stats

    def unplaced(self) -> UnitNode:
        return self._leaf(None, "", 0)

    def _leaf(self, unit_id: int | None, name: str, depth: int) -> UnitNode:
        rows = self.by_unit.get(unit_id, [])
        stats = Stats(self.thresholds)
        for row in rows:
            stats.count(row)
        if self.filters.narrows:
            rows = [row for row in rows if self.filters.keeps(row, self.tagged, self.fresh)]
        return UnitNode(unit_id, name, depth, stats, rows, shown=len(rows))

    def choices(self, site_id: int) -> list[tuple[int, str]]:
        """The site's units in tree order as (id, path), e.g. "Receiving › Night shift"."""
        return [(p.unit.pk, p.label) for p in self.places if p.unit.site_id == site_id]
