"""How a campaign got where it stands, week by week.

Each figure is *as of the end of a week*: who was on the roster then (added before the week
ended, not yet removed), the latest assessment each of them had by then, whether they had
been talked with, whether they are a leader; and the conversations logged as happening in the
week. A person counts in their unit today, and as a leader if they are one today: the roster
keeps no history of moves or of the leader flag.

The completed weeks are kept (campaigns.models.TrendWeek, per campaign and per unit; kept by
campaigns.dashboards.services from KEPT_SQL): a dashboard reads them, and works out only the
current week, from where the roster stands now. So its cost follows the weeks and units
shown, not the length of the history.

Weeks start on Monday in the committee's time zone and are numbered from WEEK_EPOCH.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.utils import timezone

from campaigns.dashboards.selectors.coverage import Coverage, DashboardFilters, percent
from campaigns.models import AssessmentRecord, Conversation, RosterEntry, TrendWeek

WEEK_EPOCH = date(2000, 1, 3)  # a Monday

# The SQL of a local week's number, for a timestamp column: Monday-based, in %(tz)s.
WEEK = "((date_trunc('week', {col} AT TIME ZONE %(tz)s))::date - DATE '2000-01-03') / 7"

ENTRY = RosterEntry._meta.db_table
CONVERSATION = Conversation._meta.db_table
RECORD = AssessmentRecord._meta.db_table
KEPT = TrendWeek._meta.db_table


def week_number(day: date) -> int:
    return (day - WEEK_EPOCH).days // 7


def week_of(moment: datetime, tz: ZoneInfo) -> int:
    """The number of the local week a moment falls in, there."""
    return week_number(timezone.localtime(moment, tz).date())


def week_start(number: int) -> date:
    return WEEK_EPOCH + timedelta(days=7 * number)


@dataclass(frozen=True)
class WeekPoint:
    """Where the campaign (or the unit in scope) stood at the end of one week."""

    week: int
    roster: int
    assessed: int
    supporters: int
    conversations: int  # logged as happening in that week
    contacted: int = 0
    leaders: int = 0
    levels: tuple[int, ...] = (0, 0, 0, 0, 0)  # how many at 1 … 5

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


def weeks_in_range(filters: DashboardFilters, today: date) -> tuple[int | None, int]:
    """The first and last week the date range shows (None: from the campaign's start); never
    past this week."""
    last = week_number(today)
    if filters.until is not None:
        last = min(last, week_number(filters.until))
    first = week_number(filters.since) if filters.since is not None else None
    return first, last


# Every completed week's figures from the history, per unit (the people placed in none under
# unit 0) and for the whole campaign, for weeks %(first)s (None: from the campaign's first) to
# %(last)s: the rows of TrendWeek. Each fact is a span of time (an entry on the roster, an
# assessment until the next one, contacted from the first conversation, a leader while on the
# roster), turned into +1/-1 changes per week and added up, so the cost follows the number of
# records, not records times weeks.
KEPT_SQL = f"""
WITH entries AS (
    SELECT id, campaign_id, person_id, coalesce(unit_id, 0) AS unit, is_leader, added_at,
           coalesce(removed_at, 'infinity') AS removed
    FROM {ENTRY}
    WHERE campaign_id = ANY(%(campaigns)s)
), talks AS (
    SELECT campaign_id, person_id, happened_at
    FROM {CONVERSATION}
    WHERE campaign_id = ANY(%(campaigns)s)
), latest AS (
    -- a conversation counts in the unit of the person's latest entry
    SELECT DISTINCT ON (campaign_id, person_id) campaign_id, person_id, unit
    FROM entries ORDER BY campaign_id, person_id, id DESC
), first_talk AS (
    SELECT campaign_id, person_id, min(happened_at) AS at FROM talks GROUP BY 1, 2
), records AS (
    -- each record is the person's assessment from when it happened (or they joined the
    -- roster) until their next record (or their removal)
    SELECT n.campaign_id, n.unit, r.level AS kind,
           greatest(r.happened_at, n.added_at) AS starts,
           least(coalesce(lead(r.happened_at) OVER (
                     PARTITION BY r.roster_entry_id ORDER BY r.happened_at, r.id), 'infinity'),
                 n.removed) AS ends
    FROM {RECORD} r JOIN entries n ON n.id = r.roster_entry_id
), spans AS (
    -- kind: 0 on the roster, 1-5 assessed at that level, 6 contacted, 7 a leader
    SELECT campaign_id, unit, 0 AS kind, added_at AS starts, removed AS ends FROM entries
    UNION ALL
    SELECT campaign_id, unit, kind, starts, ends FROM records
    UNION ALL
    SELECT n.campaign_id, n.unit, 6, greatest(f.at, n.added_at), n.removed
    FROM entries n
    JOIN first_talk f ON f.campaign_id = n.campaign_id AND f.person_id = n.person_id
    UNION ALL
    SELECT campaign_id, unit, 7, added_at, removed FROM entries WHERE is_leader
), changes AS (
    SELECT campaign_id, unit, kind, starts AS at, 1 AS delta FROM spans WHERE starts < ends
    UNION ALL
    SELECT campaign_id, unit, kind, ends, -1 FROM spans
    WHERE starts < ends AND ends < 'infinity'
), weekly AS (
    SELECT campaign_id, unit, {WEEK.format(col="at")} AS week,
           sum(delta) FILTER (WHERE kind = 0) AS roster,
           sum(delta) FILTER (WHERE kind = 6) AS contacted,
           sum(delta) FILTER (WHERE kind = 1) AS level1,
           sum(delta) FILTER (WHERE kind = 2) AS level2,
           sum(delta) FILTER (WHERE kind = 3) AS level3,
           sum(delta) FILTER (WHERE kind = 4) AS level4,
           sum(delta) FILTER (WHERE kind = 5) AS level5,
           sum(delta) FILTER (WHERE kind = 7) AS leaders
    FROM changes GROUP BY 1, 2, 3
), talked AS (
    SELECT t.campaign_id, coalesce(l.unit, 0) AS unit,
           {WEEK.format(col="t.happened_at")} AS week, count(*) AS n
    FROM talks t
    LEFT JOIN latest l ON l.campaign_id = t.campaign_id AND l.person_id = t.person_id
    GROUP BY 1, 2, 3
), events AS (
    SELECT campaign_id, unit, week FROM weekly
    UNION ALL
    SELECT campaign_id, unit, week FROM talked
), span AS (
    SELECT campaign_id, min(week) AS first FROM events GROUP BY 1
), grid AS (
    SELECT u.campaign_id, u.unit, generate_series(s.first, %(last)s) AS week
    FROM (SELECT DISTINCT campaign_id, unit FROM events WHERE week <= %(last)s) u
    JOIN span s ON s.campaign_id = u.campaign_id
), points AS (
    SELECT g.campaign_id, g.unit, g.week,
           sum(coalesce(w.roster, 0)) OVER running AS roster,
           sum(coalesce(w.contacted, 0)) OVER running AS contacted,
           sum(coalesce(w.level1, 0)) OVER running AS level1,
           sum(coalesce(w.level2, 0)) OVER running AS level2,
           sum(coalesce(w.level3, 0)) OVER running AS level3,
           sum(coalesce(w.level4, 0)) OVER running AS level4,
           sum(coalesce(w.level5, 0)) OVER running AS level5,
           sum(coalesce(w.leaders, 0)) OVER running AS leaders,
           coalesce(t.n, 0) AS conversations
    FROM grid g
    LEFT JOIN weekly w ON w.campaign_id = g.campaign_id AND w.unit = g.unit AND w.week = g.week
    LEFT JOIN talked t ON t.campaign_id = g.campaign_id AND t.unit = g.unit AND t.week = g.week
    WINDOW running AS (PARTITION BY g.campaign_id, g.unit ORDER BY g.week)
), shown AS (
    SELECT * FROM points WHERE week >= coalesce(%(first)s, week)
)
SELECT campaign_id, nullif(unit, 0), false, week, roster, contacted,
       level1, level2, level3, level4, level5, leaders, conversations
FROM shown
UNION ALL
SELECT campaign_id, NULL, true, week, sum(roster), sum(contacted), sum(level1), sum(level2),
       sum(level3), sum(level4), sum(level5), sum(leaders), sum(conversations)
FROM shown GROUP BY campaign_id, week
"""  # noqa: S608 - table names come from the models; values are bound

# Each completed week's conversations per organizer (None: nobody), for weeks %(first)s (None:
# all) to %(last)s: the rows of OrganizerWeek.
ORGANIZER_WEEKS_SQL = f"""
SELECT campaign_id, organizer_id, week, count(*)
FROM (SELECT campaign_id, organizer_id, {WEEK.format(col="happened_at")} AS week
      FROM {CONVERSATION} WHERE campaign_id = ANY(%(campaigns)s)) talks
WHERE week BETWEEN coalesce(%(first)s, week) AND %(last)s
GROUP BY 1, 2, 3
"""  # noqa: S608 - table names come from the models; values are bound

# The kept weeks of the campaigns, for the whole of each or summed over the units in scope;
# and the conversations of the current week so far (week %(now)s, from %(since)s).
READ_SQL = f"""
SELECT campaign_id, week, sum(roster), sum(contacted), sum(level1), sum(level2), sum(level3),
       sum(level4), sum(level5), sum(leaders), sum(conversations)
FROM {KEPT}
WHERE campaign_id = ANY(%(campaigns)s)
  AND week BETWEEN coalesce(%(first)s, week) AND %(last)s
  AND CASE WHEN %(units)s::int[] IS NULL THEN whole
           ELSE NOT whole AND unit_id = ANY(%(units)s::int[]) END
GROUP BY 1, 2
UNION ALL
SELECT c.campaign_id, %(now)s, 0, 0, 0, 0, 0, 0, 0, 0, count(*)
FROM {CONVERSATION} c
WHERE c.campaign_id = ANY(%(campaigns)s)
  AND %(now)s <= %(last)s
  AND c.happened_at >= %(since)s
  AND (%(units)s::int[] IS NULL OR (
      SELECT n.unit_id FROM {ENTRY} n
      WHERE n.campaign_id = c.campaign_id AND n.person_id = c.person_id
      ORDER BY n.id DESC LIMIT 1) = ANY(%(units)s::int[]))
GROUP BY 1
ORDER BY 1, 2
"""  # noqa: S608 - table names come from the models; values are bound


def trends(
    *,
    campaign_ids: list[int],
    tz: ZoneInfo,
    now: dict[int, Coverage],
    units: list[int] | None = None,
    first: int | None = None,
    last: int,
) -> dict[int, list[WeekPoint]]:
    """Each campaign's weeks from its first recorded event (or week `first`) to week `last`:
    the figures as of the end of each week, and the conversations logged in it. The
    completed weeks are read from those kept, which the caller brought up to date
    (campaigns.dashboards.services.trends_refresh); the current week, if shown, is `now`:
    each campaign's coverage of the people in scope as they stand, and its conversations so
    far. One query."""
    current = week_of(timezone.now(), tz)
    since = datetime.combine(week_start(current), time.min, tz)
    params = {
        "campaigns": campaign_ids,
        "units": units,
        "first": first,
        "last": last,
        "now": current,
        "since": since,
    }
    with connection.cursor() as cursor:
        cursor.execute(READ_SQL, params)
        rows = cursor.fetchall()
    found: dict[int, list[WeekPoint]] = {}
    for campaign_id, week, roster, contacted, *levels, leaders, conversations in rows:
        if week == current:
            continue  # the live week is made below
        levels = tuple(map(int, levels))
        found.setdefault(campaign_id, []).append(
            WeekPoint(
                week,
                roster=int(roster),
                assessed=sum(levels),
                supporters=levels[0] + levels[1],
                conversations=int(conversations),
                contacted=int(contacted),
                leaders=int(leaders),
                levels=levels,
            )
        )
    if first is not None and current < first or current > last:
        return found
    talked = {row[0]: int(row[-1]) for row in rows if row[1] == current}
    for campaign_id in campaign_ids:
        coverage = now.get(campaign_id)
        weeks = found.get(campaign_id, [])
        live = _live(current, coverage, talked.get(campaign_id, 0))
        if live is not None or weeks:
            found.setdefault(campaign_id, []).append(live or WeekPoint(current, 0, 0, 0, 0))
    return found


def _live(week: int, coverage: Coverage | None, conversations: int) -> WeekPoint | None:
    """The current week as the roster stands now (None: nobody and nothing yet)."""
    if coverage is None or not (coverage.people or conversations):
        return None
    return WeekPoint(
        week,
        roster=coverage.people,
        assessed=coverage.stats.assessed,
        supporters=coverage.stats.supporters,
        conversations=conversations,
        contacted=coverage.contacted,
        leaders=coverage.stats.leaders,
        levels=tuple(coverage.levels),
    )
