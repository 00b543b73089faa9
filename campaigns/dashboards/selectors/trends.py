"""How a campaign got where it stands, week by week.

Trends are computed *as of the end of each week* from the history: who was on the roster then
(added before the week ended, not yet removed) and the latest assessment each of them had by
then. Each assessment record counts from the moment it happened (or the person joined the
roster, if later) until the next record of that person (or their removal); the query turns
those spans into +1/-1 changes per week and adds them up, so its cost follows the number of
records, not records times weeks. A person's unit in the trend is their unit today: the
roster keeps no history of moves.

Weeks start on Monday in the committee's time zone and are numbered from WEEK_EPOCH.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.db import connection

from campaigns.dashboards.selectors.coverage import DashboardFilters, percent
from campaigns.models import AssessmentRecord, Conversation, RosterEntry

WEEK_EPOCH = date(2000, 1, 3)  # a Monday

# The SQL of a local week's number, for a timestamp column: Monday-based, in %(tz)s.
WEEK = "((date_trunc('week', {col} AT TIME ZONE %(tz)s))::date - DATE '2000-01-03') / 7"

ENTRY = RosterEntry._meta.db_table
CONVERSATION = Conversation._meta.db_table
RECORD = AssessmentRecord._meta.db_table


def week_number(day: date) -> int:
    return (day - WEEK_EPOCH).days // 7


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
