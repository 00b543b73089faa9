"""Reads for the dashboards: where a campaign stands (coverage, support against its thresholds,
by unit), how it got there week by week, who is doing the work, and whether people show up.

Every number is aggregated by Postgres in a handful of statements whatever the size of the
roster (the whole campaign dashboard is five queries here), and nothing is stored twice.
Support and the thresholds are the chart's (campaigns.roster.selectors.Stats): support is the
share of the people in scope at 1 or 2, rounded down, and a majority is strictly more than
its percentage.

Trends are computed *as of the end of each week* from the history: who was on the roster then
(added before the week ended, not yet removed) and the latest assessment each of them had by
then. Each assessment record counts from the moment it happened (or the person joined the
roster, if later) until the next record of that person (or their removal); the query turns
those spans into +1/-1 changes per week and adds them up, so its cost follows the number of
records, not records times weeks. A person's unit in the trend is their unit today: the
roster keeps no history of moves.

Weeks start on Monday in the committee's time zone and are numbered from WEEK_EPOCH.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from campaigns.access import campaigns_visible_to
from campaigns.conversations.selectors.mylist import QUIET_DAYS
from campaigns.models import (
    Action,
    AssessmentRecord,
    Campaign,
    Conversation,
    FollowUp,
    RosterEntry,
    Site,
    TeamMember,
    Unit,
)
from campaigns.roster.selectors import Stats
from members.models import Committee, User

WEEK_EPOCH = date(2000, 1, 3)  # a Monday
SPARK_WEEKS = 12  # the committee overview's sparklines
ACTIONS_SHOWN = 12  # upcoming and past actions each
OVERDUE_SHOWN = 25  # overdue follow-ups listed on the committee overview

# The SQL of a local week's number, for a timestamp column: Monday-based, in %(tz)s.
WEEK = "((date_trunc('week', {col} AT TIME ZONE %(tz)s))::date - DATE '2000-01-03') / 7"

ENTRY = RosterEntry._meta.db_table
CONVERSATION = Conversation._meta.db_table
RECORD = AssessmentRecord._meta.db_table
FOLLOW_UP = FollowUp._meta.db_table
TEAM = TeamMember._meta.db_table
ACTION = Action._meta.db_table
RSVP = Action.rsvps.rel.related_model._meta.db_table
USER = User._meta.db_table


def week_number(day: date) -> int:
    return (day - WEEK_EPOCH).days // 7


def week_start(number: int) -> date:
    return WEEK_EPOCH + timedelta(days=7 * number)


# --- What the dashboard shows --------------------------------------------------------------------


@dataclass(frozen=True)
class DashboardFilters:
    """The date range (whole local days, both included) narrows the trends, conversations and
    actions; the site or unit (a unit and everything under it) narrows the roster numbers,
    the unit table and the trends."""

    since: date | None = None
    until: date | None = None
    site_id: int | None = None
    unit_id: int | None = None


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
class WeekPoint:
    """Where the campaign (or the unit in scope) stood at the end of one week."""

    week: int
    roster: int
    assessed: int
    supporters: int
    conversations: int  # logged as happening in that week

    @property
    def starts_on(self) -> date:
        return week_start(self.week)

    @property
    def ends_on(self) -> date:
        return self.starts_on + timedelta(days=6)

    @property
    def support(self) -> int:
        return percent(self.supporters, self.roster)

    @property
    def assessed_pct(self) -> int:
        return percent(self.assessed, self.roster)


@dataclass(frozen=True)
class OrganizerRow:
    user_id: int | None  # None: conversations or follow-ups nobody is assigned
    name: str
    assigned: int  # people on the roster assigned to them
    conversations: int  # in the date range
    overdue: int  # open follow-ups due before today, with people still on the roster
    on_team: bool


@dataclass(frozen=True)
class ActionRow:
    """An action with its RSVPs and, once past, who came and where they stood."""

    action_id: int
    title: str
    kind: str
    starts_at: datetime
    time_zone: str
    capacity: int | None
    invited: int
    yes: int  # confirmed yeses (not waitlisted)
    guests: int  # brought by the confirmed yeses
    maybe: int
    no: int
    waitlisted: int
    attended: int
    yes_attended: int  # confirmed yeses who came
    attended_levels: tuple[int, int, int, int, int]  # came, by current assessment 1–5
    attended_unassessed: int  # came, on the roster, unassessed
    attended_off_roster: int  # came, not on this campaign's roster

    @property
    def places_taken(self) -> int:
        return self.yes + self.guests

    @property
    def turnout(self) -> int | None:
        """Of the confirmed yeses, the share who came: how far RSVPs can be trusted."""
        return percent(self.yes_attended, self.yes) if self.yes else None


@dataclass(frozen=True)
class LevelTurnout:
    """The structure test for one assessment level: of the people at that level today, how
    many took part in at least one past action of the period."""

    level: int  # 1–5, 0 for unassessed
    people: int
    took_part: int

    @property
    def pct(self) -> int:
        return percent(self.took_part, self.people)


@dataclass
class Dashboard:
    campaign: Campaign
    filters: DashboardFilters
    today: date
    sites: list[tuple[int, str]]
    unit_options: list[UnitOption]
    total: Coverage  # the people in scope
    units: list[UnitRow]
    weeks: list[WeekPoint]
    organizers: list[OrganizerRow]
    upcoming: list[ActionRow]
    past: list[ActionRow]
    upcoming_more: int
    past_more: int
    structure: list[LevelTurnout]

    @property
    def overdue(self) -> int:
        return sum(row.overdue for row in self.organizers)

    @property
    def conversations(self) -> int:
        return sum(row.conversations for row in self.organizers)


# --- Building it ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Places:
    """A campaign's sites and units, for the filters and the unit table's names."""

    sites: list[tuple[int, str]]
    units: list[dict]
    options: list[UnitOption]


def dashboard_places(campaign: Campaign) -> Places:
    """Two queries: the sites, and every unit of every site."""
    sites = list(Site.objects.filter(campaign=campaign).values_list("pk", "name"))
    units = _units(campaign.pk)
    return Places(sites, units, _unit_options(units, sites))


@dataclass(frozen=True)
class UnitTable:
    """The people in scope by unit (worst covered first), in scope and on the whole roster."""

    today: date
    units: list[UnitRow]
    total: Coverage
    whole: Coverage


def unit_table(*, campaign: Campaign, filters: DashboardFilters, places: Places) -> UnitTable:
    """The unit table and its totals after `places`, alone for its CSV: one query."""
    tz = ZoneInfo(campaign.committee.time_zone)
    today = timezone.localdate(timezone=tz)
    coverage = coverage_by_unit(
        campaign_ids=[campaign.pk],
        thresholds=campaign.thresholds,
        units=_scope(filters, places.units),
    )
    total = coverage.totals.get(campaign.pk) or Coverage(Stats(tuple(campaign.thresholds)))
    by_unit = coverage.units.get(campaign.pk, {})
    units = _unit_rows(by_unit, places.options, dict(places.sites), today, tz)
    return UnitTable(today, units, total, coverage.campaign.get(campaign.pk) or total)


def dashboard_build(*, campaign: Campaign, filters: DashboardFilters, places: Places) -> Dashboard:
    """Everything the campaign dashboard shows after `places`: four queries whatever the
    data size."""
    tz = ZoneInfo(campaign.committee.time_zone)
    table = unit_table(campaign=campaign, filters=filters, places=places)
    today = table.today
    scope = _scope(filters, places.units)
    first, last = _range_weeks(filters, today)
    weeks = trends(campaign_ids=[campaign.pk], tz=tz, units=scope, first=first, last=last)
    points = weeks.get(campaign.pk, [])
    organizers = organizer_rows(campaign=campaign, filters=filters, tz=tz, today=today)
    now = timezone.now()
    actions = action_rows(campaign=campaign, filters=filters, tz=tz, now=now)
    upcoming = [a for a in actions.rows if a.starts_at >= now]
    past = [a for a in actions.rows if a.starts_at < now][::-1]  # the latest first
    return Dashboard(
        campaign=campaign,
        filters=filters,
        today=today,
        sites=places.sites,
        unit_options=places.options,
        total=table.total,
        units=table.units,
        weeks=points,
        organizers=organizers,
        upcoming=upcoming[:ACTIONS_SHOWN],
        past=past[:ACTIONS_SHOWN],
        upcoming_more=max(len(upcoming) - ACTIONS_SHOWN, 0),
        past_more=max(len(past) - ACTIONS_SHOWN, 0),
        structure=_structure(actions.came, table.whole),
    )


def _units(campaign_id: int) -> list[dict]:
    return list(
        Unit.objects.filter(site__campaign_id=campaign_id)
        .order_by("site__position", "site__name", "position", "name")
        .values("pk", "site_id", "parent_id", "name")
    )


def _unit_options(units: list[dict], sites: list[tuple[int, str]]) -> list[UnitOption]:
    """Every unit as (id, site, path), sites in order, each site's tree depth first."""
    children: dict[tuple[int, int | None], list[dict]] = {}
    for unit in units:
        children.setdefault((unit["site_id"], unit["parent_id"]), []).append(unit)
    options: list[UnitOption] = []

    def walk(site_id: int, parent_id: int | None, path: str) -> None:
        for unit in children.get((site_id, parent_id), []):
            options.append(UnitOption(unit["pk"], site_id, path + unit["name"]))
            walk(site_id, unit["pk"], f"{path}{unit['name']} › ")

    for site_id, _name in sites:
        walk(site_id, None, "")
    return options


def _scope(filters: DashboardFilters, units: list[dict]) -> list[int] | None:
    """The unit ids in scope (a unit and all under it, or a site's units), None for all."""
    if filters.unit_id:
        kept, frontier = set(), {filters.unit_id} & {u["pk"] for u in units}
        while frontier:
            kept |= frontier
            frontier = {u["pk"] for u in units if u["parent_id"] in frontier} - kept
        return sorted(kept)
    if filters.site_id:
        return [u["pk"] for u in units if u["site_id"] == filters.site_id]
    return None


def _range_weeks(filters: DashboardFilters, today: date) -> tuple[int | None, int]:
    last = week_number(today)
    if filters.until is not None:
        last = min(last, week_number(filters.until))
    first = week_number(filters.since) if filters.since is not None else None
    return first, last


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
        option = paths.get(unit_id)
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


# --- The queries ---------------------------------------------------------------------------------


@dataclass
class CoverageResult:
    units: dict[int, dict[int | None, Coverage]]  # campaign -> unit -> coverage (in scope)
    totals: dict[int, Coverage]  # campaign -> the people in scope
    campaign: dict[int, Coverage]  # campaign -> everyone on the roster


COVERAGE_SQL = f"""
WITH contact AS (
    SELECT campaign_id, person_id, max(happened_at) AS last_at
    FROM {CONVERSATION}
    WHERE campaign_id = ANY(%(campaigns)s)
    GROUP BY campaign_id, person_id
), roster AS (
    SELECT e.campaign_id, e.unit_id, e.assessment, e.is_leader, e.organizer_id, c.last_at,
           (%(units)s::int[] IS NULL OR e.unit_id = ANY(%(units)s::int[])) AS in_scope
    FROM {ENTRY} e
    LEFT JOIN contact c ON c.campaign_id = e.campaign_id AND c.person_id = e.person_id
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


TRENDS_SQL = f"""
WITH entries AS (
    SELECT id, campaign_id, person_id, added_at, removed_at
    FROM {ENTRY}
    WHERE campaign_id = ANY(%(campaigns)s)
      AND (%(units)s::int[] IS NULL OR unit_id = ANY(%(units)s::int[]))
), records AS (
    -- each record is the person's assessment from when it happened (or they joined the
    -- roster) until their next record (or their removal)
    SELECT n.campaign_id, r.level,
           greatest(r.happened_at, n.added_at) AS starts,
           least(coalesce(lead(r.happened_at) OVER (
                     PARTITION BY r.roster_entry_id ORDER BY r.happened_at, r.id), 'infinity'),
                 coalesce(n.removed_at, 'infinity')) AS ends
    FROM {RECORD} r JOIN entries n ON n.id = r.roster_entry_id
), changes AS (
    SELECT campaign_id, added_at AS at, 1 AS delta, 0 AS level FROM entries
    UNION ALL
    SELECT campaign_id, removed_at, -1, 0 FROM entries WHERE removed_at IS NOT NULL
    UNION ALL
    SELECT campaign_id, starts, 1, level FROM records WHERE starts < ends
    UNION ALL
    SELECT campaign_id, ends, -1, level FROM records WHERE starts < ends AND ends < 'infinity'
), weekly AS (
    SELECT campaign_id, {WEEK.format(col="at")} AS week,
           sum(delta) FILTER (WHERE level = 0) AS roster,
           sum(delta) FILTER (WHERE level > 0) AS assessed,
           sum(delta) FILTER (WHERE level IN (1, 2)) AS supporters
    FROM changes GROUP BY 1, 2
), talks AS (
    SELECT c.campaign_id, {WEEK.format(col="c.happened_at")} AS week, count(*) AS n
    FROM {CONVERSATION} c
    WHERE c.campaign_id = ANY(%(campaigns)s)
      AND (%(units)s::int[] IS NULL OR EXISTS (
          SELECT 1 FROM entries n
          WHERE n.campaign_id = c.campaign_id AND n.person_id = c.person_id))
    GROUP BY 1, 2
), span AS (
    SELECT campaign_id, min(week) AS first
    FROM (SELECT campaign_id, week FROM weekly UNION ALL SELECT campaign_id, week FROM talks) w
    GROUP BY 1
), grid AS (
    SELECT campaign_id, generate_series(first, %(last)s) AS week FROM span
), points AS (
    SELECT g.campaign_id, g.week,
           sum(coalesce(w.roster, 0)) OVER running AS roster,
           sum(coalesce(w.assessed, 0)) OVER running AS assessed,
           sum(coalesce(w.supporters, 0)) OVER running AS supporters,
           coalesce(t.n, 0) AS conversations
    FROM grid g
    LEFT JOIN weekly w ON w.campaign_id = g.campaign_id AND w.week = g.week
    LEFT JOIN talks t ON t.campaign_id = g.campaign_id AND t.week = g.week
    WINDOW running AS (PARTITION BY g.campaign_id ORDER BY g.week)
)
SELECT campaign_id, week, roster, assessed, supporters, conversations
FROM points
WHERE week >= coalesce(%(first)s, week)
ORDER BY campaign_id, week
"""  # noqa: S608 - table names come from the models; values are bound


def trends(
    *,
    campaign_ids: list[int],
    tz: ZoneInfo,
    units: list[int] | None = None,
    first: int | None = None,
    last: int,
) -> dict[int, list[WeekPoint]]:
    """Each campaign's weeks from its first recorded event (or week `first`) to week `last`:
    the roster, the assessed and the supporters as of the end of each week, and the
    conversations logged as happening in it. One statement."""
    params = {
        "campaigns": campaign_ids,
        "units": units,
        "tz": str(tz),
        "first": first,
        "last": last,
    }
    with connection.cursor() as cursor:
        cursor.execute(TRENDS_SQL, params)
        rows = cursor.fetchall()
    found: dict[int, list[WeekPoint]] = {}
    for campaign_id, week, *numbers in rows:
        found.setdefault(campaign_id, []).append(WeekPoint(week, *map(int, numbers)))
    return found


ORGANIZERS_SQL = f"""
WITH load AS (
    SELECT organizer_id AS user_id, count(*) AS n FROM {ENTRY}
    WHERE campaign_id = %(campaign)s AND removed_at IS NULL AND organizer_id IS NOT NULL
    GROUP BY 1
), talks AS (
    SELECT organizer_id AS user_id, count(*) AS n FROM {CONVERSATION}
    WHERE campaign_id = %(campaign)s
      AND happened_at >= coalesce(%(since)s, '-infinity'::timestamptz)
      AND happened_at < coalesce(%(until)s, 'infinity'::timestamptz)
    GROUP BY 1
), late AS (
    SELECT f.organizer_id AS user_id, count(*) AS n FROM {FOLLOW_UP} f
    WHERE f.campaign_id = %(campaign)s AND f.closed_at IS NULL AND f.due_on < %(today)s
      AND EXISTS (SELECT 1 FROM {ENTRY} e WHERE e.campaign_id = f.campaign_id
                  AND e.person_id = f.person_id AND e.removed_at IS NULL)
    GROUP BY 1
), team AS (
    SELECT user_id FROM {TEAM} WHERE campaign_id = %(campaign)s
), everyone AS (
    SELECT user_id FROM team UNION SELECT user_id FROM load
    UNION SELECT user_id FROM talks UNION SELECT user_id FROM late
)
SELECT p.user_id, u.name, u.email, coalesce(load.n, 0), coalesce(talks.n, 0),
       coalesce(late.n, 0), p.user_id IN (SELECT user_id FROM team)
FROM everyone p
LEFT JOIN {USER} u ON u.id = p.user_id
LEFT JOIN load ON load.user_id = p.user_id
LEFT JOIN talks ON talks.user_id IS NOT DISTINCT FROM p.user_id
LEFT JOIN late ON late.user_id IS NOT DISTINCT FROM p.user_id
"""  # noqa: S608 - table names come from the models; values are bound


def organizer_rows(
    *, campaign: Campaign, filters: DashboardFilters, tz: ZoneInfo, today: date
) -> list[OrganizerRow]:
    """The team and anyone assigned people, logging or owing follow-ups on the campaign; the
    busiest first. The date range counts conversations; load and overdue are as of today."""
    since, until = local_bounds(filters, tz)
    params = {"campaign": campaign.pk, "since": since, "until": until, "today": today}
    with connection.cursor() as cursor:
        cursor.execute(ORGANIZERS_SQL, params)
        rows = cursor.fetchall()
    found = [
        OrganizerRow(uid, name or email or "", assigned, talks, late, bool(team))
        for uid, name, email, assigned, talks, late, team in rows
        if uid is not None or talks or late
    ]
    return sorted(found, key=lambda r: (r.user_id is None, -r.overdue, -r.assigned, r.name))


def local_bounds(filters: DashboardFilters, tz: ZoneInfo) -> tuple[datetime | None, ...]:
    """The date range as [since midnight, the day after until's midnight), local."""
    since = datetime.combine(filters.since, time.min, tz) if filters.since else None
    until = (
        datetime.combine(filters.until + timedelta(days=1), time.min, tz) if filters.until else None
    )
    return since, until


ACTIONS_SQL = f"""
SELECT a.id, min(a.title), min(a.kind), min(a.starts_at), min(a.time_zone), min(a.capacity),
       a.is_past, GROUPING(a.id),
       count(r.id) FILTER (WHERE r.invited_at IS NOT NULL),
       count(r.id) FILTER (WHERE r.response = 'yes' AND r.waitlisted_at IS NULL),
       coalesce(sum(r.guests) FILTER (WHERE r.response = 'yes' AND r.waitlisted_at IS NULL), 0),
       count(r.id) FILTER (WHERE r.response = 'maybe'),
       count(r.id) FILTER (WHERE r.response = 'no'),
       count(r.id) FILTER (WHERE r.waitlisted_at IS NOT NULL),
       count(r.id) FILTER (WHERE r.attended),
       count(r.id) FILTER (WHERE r.attended AND r.response = 'yes' AND r.waitlisted_at IS NULL),
       -- distinct people: over all past actions, someone who came twice counts once
       count(DISTINCT r.person_id) FILTER (WHERE r.attended AND e.assessment = 1),
       count(DISTINCT r.person_id) FILTER (WHERE r.attended AND e.assessment = 2),
       count(DISTINCT r.person_id) FILTER (WHERE r.attended AND e.assessment = 3),
       count(DISTINCT r.person_id) FILTER (WHERE r.attended AND e.assessment = 4),
       count(DISTINCT r.person_id) FILTER (WHERE r.attended AND e.assessment = 5),
       count(DISTINCT r.person_id) FILTER (
           WHERE r.attended AND e.id IS NOT NULL AND e.assessment IS NULL),
       count(DISTINCT r.person_id) FILTER (WHERE r.attended AND e.id IS NULL)
FROM (
    SELECT *, starts_at < %(now)s AS is_past FROM {ACTION}
    WHERE campaign_id = %(campaign)s AND cancelled_at IS NULL
      AND starts_at >= coalesce(%(since)s, '-infinity'::timestamptz)
      AND starts_at < coalesce(%(until)s, 'infinity'::timestamptz)
) a
LEFT JOIN {RSVP} r ON r.action_id = a.id
LEFT JOIN {ENTRY} e ON e.campaign_id = a.campaign_id AND e.person_id = r.person_id
                   AND e.removed_at IS NULL
GROUP BY GROUPING SETS ((a.id, a.is_past), (a.is_past))
ORDER BY 4, 1
"""  # noqa: S608 - table names come from the models; values are bound


@dataclass(frozen=True)
class Actions:
    rows: list[ActionRow]  # soonest first
    came: dict[int, int]  # level (0 unassessed) -> distinct roster people who came to a past one


def action_rows(
    *, campaign: Campaign, filters: DashboardFilters, tz: ZoneInfo, now: datetime
) -> Actions:
    """The campaign's actions in the date range (not cancelled), soonest first, with their
    RSVPs and attendance split by the current assessment of who came; and, over the past
    ones (begun before `now`), how many people at each level came at least once. One
    statement."""
    since, until = local_bounds(filters, tz)
    params = {"campaign": campaign.pk, "since": since, "until": until, "now": now}
    with connection.cursor() as cursor:
        cursor.execute(ACTIONS_SQL, params)
        rows = cursor.fetchall()
    found, came = [], dict.fromkeys(range(6), 0)
    for row in rows:
        head, is_past, total, counts = row[:6], row[6], row[7], row[8:]
        levels, unassessed = tuple(counts[8:13]), counts[13]
        if total:
            if is_past:
                came = {0: unassessed, **dict(enumerate(levels, start=1))}
            continue
        invited, yes, guests, maybe, no, waitlisted, attended, yes_attended = counts[:8]
        found.append(
            ActionRow(
                *head,
                invited=invited,
                yes=yes,
                guests=int(guests),
                maybe=maybe,
                no=no,
                waitlisted=waitlisted,
                attended=attended,
                yes_attended=yes_attended,
                attended_levels=levels,
                attended_unassessed=unassessed,
                attended_off_roster=counts[14],
            )
        )
    return Actions(found, came)


def _structure(came: dict[int, int], whole: Coverage) -> list[LevelTurnout]:
    """Of the whole roster at each level today, how many came to at least one past action."""
    people = [whole.unassessed, *whole.levels]
    return [LevelTurnout(level, people[level], came[level]) for level in (1, 2, 3, 4, 5, 0)]


def percent(part: int, whole: int) -> int:
    """Whole percent, rounded down like the chart's support."""
    return part * 100 // whole if whole else 0


def supporters_needed(stats: Stats) -> int:
    """How many more of the people counted must be at 1 or 2 to reach the next threshold, by
    the rules of Stats.reached (a majority is more than its percentage)."""
    if not stats.goal or not stats.people:
        return 0
    product = stats.goal_at * stats.people
    needed = product // 100 + 1 if stats.goal == "majority" else -(-product // 100)
    return max(min(needed, stats.people) - stats.supporters, 0)


# --- The committee overview ----------------------------------------------------------------------


@dataclass
class CampaignCard:
    """One campaign on the committee overview: headline numbers and recent weeks."""

    campaign: Campaign
    coverage: Coverage
    weeks: list[WeekPoint]
    overdue: int


@dataclass
class Overview:
    committee: Committee
    today: date
    cards: list[CampaignCard]
    overdue: list[FollowUp]  # the most overdue first, each with `days_late`
    overdue_total: int


def overview_build(*, committee: Committee, user: User) -> Overview:
    """Every active campaign of the committee the user may see, side by side, and their
    overdue follow-ups: five queries however many campaigns there are."""
    tz = ZoneInfo(committee.time_zone)
    today = timezone.localdate(timezone=tz)
    campaigns = list(
        campaigns_visible_to(user)
        .filter(committee=committee, status=Campaign.Status.ACTIVE)
        .order_by("code_name")
    )
    if not campaigns:
        return Overview(committee, today, [], [], 0)
    ids = [c.pk for c in campaigns]
    coverage = coverage_by_unit(
        campaign_ids=ids, thresholds={c.pk: c.thresholds for c in campaigns}
    )
    last = week_number(today)
    weeks = trends(campaign_ids=ids, tz=tz, first=last - SPARK_WEEKS + 1, last=last)
    overdue = _overdue(ids, today)
    counts = dict(overdue.order_by().values_list("campaign_id").annotate(n=Count("pk")))
    shown = list(overdue.select_related("person", "organizer", "campaign")[:OVERDUE_SHOWN])
    for follow_up in shown:
        follow_up.days_late = (today - follow_up.due_on).days
    cards = [
        CampaignCard(
            campaign=c,
            coverage=coverage.campaign.get(c.pk) or Coverage(Stats(tuple(c.thresholds))),
            weeks=weeks.get(c.pk, []),
            overdue=counts.get(c.pk, 0),
        )
        for c in campaigns
    ]
    return Overview(committee, today, cards, shown, sum(counts.values()))


def _overdue(campaign_ids: list[int], today: date):
    """Open follow-ups due before today with people still on the roster (as My list has it)."""
    on_roster = RosterEntry.objects.filter(
        campaign=OuterRef("campaign"), person=OuterRef("person"), removed_at=None
    )
    return FollowUp.objects.filter(
        Exists(on_roster), campaign_id__in=campaign_ids, closed_at=None, due_on__lt=today
    ).order_by("due_on", "pk")
