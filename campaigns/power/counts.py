"""The Power page's counts, done by the database: how many stood in each standing and on
each rung of the ladder at the end of each month, and each campaign's roster as members.

The rules are campaigns.power.standing's and campaigns.power.ladder's, which answer for one
person (the member and person pages). Counting 10,000 members at twelve month-ends that way
means reading every payment and every ladder record into Python: over a second (bench/
power.py). Here the same rules are written once more, as SQL over the same rows, and only
the counts come back. tests/power/test_power_counts.py checks the two against each other on
generated records, so the copies cannot drift apart.

- Standing: as of a day, a member's "paid until" is the latest end of the payments made by
  then. Whether they are in good standing, behind or lapsed only asks whether the first month
  still owed starts on or after a first-of-month that depends on the day and the committee's
  grace and lapse months (`_thresholds`), so the database compares dates, nothing more.
- Ladder: every record that puts someone on a rung is a span of days [start, stop); someone
  counts on a rung on a day inside one of its spans while a member, once they have attended
  the trainings the rung asks for.
"""

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from django.db import connection

from campaigns.models import (
    Action,
    AssessmentRecord,
    Campaign,
    Conversation,
    LadderRung,
    Member,
    Payment,
    RosterEntry,
    Rsvp,
    TeamMember,
)
from campaigns.power.ladder import LEADER_LEVEL
from campaigns.power.standing import Kind, month_index, month_start, months_later
from members.clock import zone_for
from members.models import Committee, Person


@dataclass(frozen=True)
class StandingCounts:
    days: list[dict[str, int]]  # for each day in order: how many in each standing (Kind)
    dues: list[int]  # for each day in order: the minor units paid in its month
    campaigns: dict[int, dict[str, int]]  # campaign id -> standings on its roster on the last day


def _thresholds(day: date, months: int) -> date:
    """The first month still owed starts on or after this day: at most `months` behind on
    `day` (behind = the months from the first one owed to the day's own, both counted)."""
    return month_start(month_index(day) + 1 - months)


DUES = "dues"  # the row of minor units paid in each day's month, beside the standings


@cache
def _standing_sql(days: int) -> str:
    # One pass over the payments: the latest end paid in each day's stretch (up to the
    # first day, then after the day before), and the dues of each day's month (the days are
    # in order, a month apart or more). "Paid until" on a day is the latest end over the
    # stretches up to it. The number of days is the only thing formatted in; every value is
    # bound.
    stretches = ",\n           ".join(
        "max(upper(covers)) FILTER (WHERE "
        + (f"paid_on > %(day_{i - 1})s AND " if i else "")
        + f"paid_on <= %(day_{i})s) AS paid_{i}"
        for i in range(days)
    )
    months = ",\n           ".join(
        f"sum(amount) FILTER (WHERE paid_on >= %(month_{i})s AND paid_on < %(next_{i})s)"
        f" AS dues_{i}"
        for i in range(days)
    )
    until = ", ".join(
        "greatest(" + ", ".join(f"paid_{j}" for j in range(i + 1)) + ")" for i in range(days)
    )
    dues = ", ".join(f"sum(dues_{i})" for i in range(days))
    owed = "coalesce(p.until[d.i], m.joined_on)"
    return f"""
WITH days AS (
    SELECT * FROM unnest(%(days)s::date[], %(good_from)s::date[], %(behind_from)s::date[])
        WITH ORDINALITY AS d(day, good_from, behind_from, i)
),
payments AS MATERIALIZED (
    SELECT member_id,
           {stretches},
           {months}
    FROM {Payment._meta.db_table}
    WHERE committee_id = %(committee)s
    GROUP BY member_id
),
paid AS MATERIALIZED (
    SELECT member_id, ARRAY[{until}] AS until FROM payments
),
standing AS NOT MATERIALIZED (
    SELECT m.person_id, d.i, CASE
        WHEN m.resigned_on <= d.day THEN '{Kind.RESIGNED}'
        WHEN m.plan_id IS NULL AND p.until[d.i] IS NULL THEN '{Kind.NO_PLAN}'
        WHEN {owed} >= d.good_from THEN '{Kind.GOOD}'
        WHEN {owed} >= d.behind_from THEN '{Kind.BEHIND}'
        ELSE '{Kind.LAPSED}'
    END AS kind
    FROM {Member._meta.db_table} m CROSS JOIN days d LEFT JOIN paid p ON p.member_id = m.id
    WHERE m.committee_id = %(committee)s AND m.joined_on <= d.day
)
SELECT NULL::bigint, i, kind, count(*) FROM standing GROUP BY i, kind
UNION ALL
SELECT NULL, i, '{DUES}', total
FROM unnest((SELECT ARRAY[{dues}] FROM payments)) WITH ORDINALITY AS t(total, i)
UNION ALL
SELECT e.campaign_id, s.i, s.kind, count(*)
FROM {RosterEntry._meta.db_table} e
JOIN {Campaign._meta.db_table} c ON c.id = e.campaign_id
JOIN standing s ON s.person_id = e.person_id AND s.i = {days}
WHERE c.committee_id = %(committee)s AND c.status = %(active)s AND e.removed_at IS NULL
GROUP BY e.campaign_id, s.i, s.kind
"""  # noqa: S608 - table names and kinds come from the code; values are bound


def standing_counts(*, committee: Committee, days: list[date]) -> StandingCounts:
    """How many members stood in each standing on each of `days` (in order) and the dues
    paid in each day's month, and on the last day, each active campaign's roster by
    standing: one statement."""
    grace, lapse = committee.dues_grace_months, committee.dues_lapse_months
    params: dict[str, Any] = {
        "committee": committee.pk,
        "days": days,
        "good_from": [_thresholds(day, grace) for day in days],
        "behind_from": [_thresholds(day, max(lapse, grace)) for day in days],
        "active": Campaign.Status.ACTIVE,
    }
    for i, day in enumerate(days):
        params[f"day_{i}"] = day
        params[f"month_{i}"], params[f"next_{i}"] = day.replace(day=1), months_later(day, 1)
    counts = StandingCounts(days=[{} for _day in days], dues=[0] * len(days), campaigns={})
    with connection.cursor() as cursor:
        cursor.execute(_standing_sql(len(days)), params)
        for campaign_id, i, kind, n in cursor.fetchall():
            if kind == DUES:
                counts.dues[i - 1] = int(n or 0)  # a sum of sums comes back as numeric
            elif campaign_id is None:
                counts.days[i - 1][kind] = n
            else:
                counts.campaigns.setdefault(campaign_id, {})[kind] = n
    return counts


@cache
def _ladder_sql() -> str:
    def day(column: str) -> str:
        return f"({column} AT TIME ZONE %(zone)s)::date"

    return f"""
WITH days AS (
    SELECT * FROM unnest(%(days)s::date[]) WITH ORDINALITY AS d(day, i)
),
rungs AS (
    SELECT * FROM unnest(%(rungs)s::bigint[], %(kinds)s::text[], %(windows)s::int[],
                         %(trainings)s::int[]) AS r(id, kind, days, trainings)
),
came AS (
    SELECT r.person_id, {day("a.starts_at")} AS day, a.kind = %(training)s AS training
    FROM {Rsvp._meta.db_table} r JOIN {Action._meta.db_table} a ON a.id = r.action_id
    WHERE r.attended AND a.committee_id = %(committee)s AND a.cancelled_at IS NULL
),
trained AS (
    SELECT person_id, array_agg(day ORDER BY day) AS days FROM came WHERE training
    GROUP BY person_id
),
members AS MATERIALIZED (
    SELECT m.person_id, m.joined_on, coalesce(m.resigned_on, 'infinity') AS resigned_on,
           t.days AS trained
    FROM {Member._meta.db_table} m LEFT JOIN trained t ON t.person_id = m.person_id
    WHERE m.committee_id = %(committee)s
),
entries AS (
    SELECT e.id, e.person_id, e.campaign_id, e.unit_id, e.is_leader, e.organizer_id,
           e.added_at, {day("e.added_at")} AS added,
           coalesce({day("e.removed_at")}, 'infinity') AS removed
    FROM {RosterEntry._meta.db_table} e JOIN {Campaign._meta.db_table} c ON c.id = e.campaign_id
    WHERE c.committee_id = %(committee)s
),
leader_spans AS (
    -- Flagged a leader: from the first conversation there that said so, or from the roster.
    SELECT e.person_id, e.removed AS stop, coalesce((
        SELECT {day("v.happened_at")} FROM {Conversation._meta.db_table} v
        WHERE v.person_id = e.person_id AND v.campaign_id = e.campaign_id AND v.is_leader
              AND v.happened_at >= e.added_at
        ORDER BY v.happened_at LIMIT 1
    ), e.added) AS start
    FROM entries e WHERE e.is_leader
  UNION ALL
    -- The assigned organizer of someone else placed in their own unit, while both are.
    SELECT own.person_id, least(own.removed, other.removed), greatest(own.added, other.added)
    FROM entries other
    JOIN {Person._meta.db_table} o ON o.user_id = other.organizer_id
    JOIN entries own ON own.person_id = o.id AND own.campaign_id = other.campaign_id
                        AND own.unit_id = other.unit_id
    WHERE other.unit_id IS NOT NULL AND other.person_id <> o.id
  UNION ALL
    -- Assessed a 1: until the next assessment there, or off the roster.
    SELECT e.person_id, least(coalesce((
        SELECT {day("n.happened_at")} FROM {AssessmentRecord._meta.db_table} n
        WHERE n.roster_entry_id = a.roster_entry_id
              AND (n.happened_at, n.id) > (a.happened_at, a.id)
        ORDER BY n.happened_at, n.id LIMIT 1
    ), 'infinity'), e.removed), greatest({day("a.happened_at")}, e.added)
    FROM {AssessmentRecord._meta.db_table} a JOIN entries e ON e.id = a.roster_entry_id
    WHERE a.level = {LEADER_LEVEL}
),
spans AS (
    SELECT r.id AS rung, c.person_id, c.day AS start, c.day + r.days AS stop
    FROM rungs r JOIN came c ON r.kind = '{LadderRung.Kind.ACTIVE}'
  UNION ALL
    SELECT r.id, l.person_id, l.start, l.stop
    FROM rungs r JOIN leader_spans l ON r.kind = '{LadderRung.Kind.LEADER}'
  UNION ALL
    SELECT r.id, p.id, {day("t.added_at")}, 'infinity'
    FROM rungs r
    JOIN {TeamMember._meta.db_table} t ON r.kind = '{LadderRung.Kind.ORGANIZER}'
    JOIN {Campaign._meta.db_table} c ON c.id = t.campaign_id AND c.committee_id = %(committee)s
    JOIN {Person._meta.db_table} p ON p.user_id = t.user_id
)
SELECT s.rung, d.i, count(DISTINCT s.person_id)
FROM spans s
JOIN rungs r ON r.id = s.rung
JOIN members m ON m.person_id = s.person_id
JOIN days d ON s.start <= d.day AND d.day < s.stop
               AND m.joined_on <= d.day AND d.day < m.resigned_on
WHERE r.trainings = 0 OR m.trained[r.trainings] <= d.day
GROUP BY s.rung, d.i
"""  # noqa: S608 - table names and kinds come from the code; values are bound


def rung_counts(
    *, committee: Committee, rungs: list[LadderRung], days: list[date]
) -> dict[int, list[int]]:
    """How many stood on each rung (by id) on each of `days` (in order): one statement. The
    member rung, membership itself, is not counted here."""
    counts = {rung.pk: [0] * len(days) for rung in rungs}
    params: dict[str, Any] = {
        "committee": committee.pk,
        "days": days,
        "zone": zone_for(committee).key,
        "training": Action.Kind.TRAINING,
        "rungs": [rung.pk for rung in rungs],
        "kinds": [rung.kind for rung in rungs],
        "windows": [rung.days for rung in rungs],
        "trainings": [rung.trainings for rung in rungs],
    }
    with connection.cursor() as cursor:
        cursor.execute(_ladder_sql(), params)
        for rung_id, i, n in cursor.fetchall():
            counts[rung_id][i - 1] = n
    return counts
