"""Who is doing the work: each organizer's load, conversations and overdue follow-ups."""

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.db import connection

from campaigns.dashboards.selectors.coverage import DashboardFilters, local_bounds
from campaigns.dashboards.selectors.trends import week_number, week_start
from campaigns.models import (
    Campaign,
    Conversation,
    FollowUp,
    OrganizerWeek,
    RosterEntry,
    TeamMember,
)
from campaigns.roster.history import BEGINNING
from members.models import User

ENTRY = RosterEntry._meta.db_table
CONVERSATION = Conversation._meta.db_table
FOLLOW_UP = FollowUp._meta.db_table
TEAM = TeamMember._meta.db_table
USER = User._meta.db_table
ORGANIZER_WEEK = OrganizerWeek._meta.db_table


@dataclass(frozen=True)
class OrganizerRow:
    user_id: int | None  # None: conversations or follow-ups nobody is assigned
    name: str
    assigned: int  # people on the roster assigned to them
    conversations: int  # in the date range
    overdue: int  # open follow-ups due before today, with people still on the roster
    on_team: bool


ORGANIZERS_SQL = f"""
WITH load AS (
    SELECT organizer_id AS user_id, count(*) AS n FROM {ENTRY}
    WHERE campaign_id = %(campaign)s AND removed_at IS NULL AND organizer_id IS NOT NULL
    GROUP BY 1
), talks AS (
    -- the completed weeks in the range from those kept, the rest (part weeks at either end,
    -- the current week) counted: the cost follows the range's loose ends, not the history
    SELECT user_id, sum(n) AS n FROM (
        SELECT organizer_id AS user_id, conversations AS n FROM {ORGANIZER_WEEK}
        WHERE campaign_id = %(campaign)s AND week BETWEEN %(kept_from)s AND %(kept_to)s
        UNION ALL
        SELECT organizer_id, count(*) FROM {CONVERSATION}
        WHERE campaign_id = %(campaign)s
          AND (happened_at >= coalesce(%(since)s, '-infinity'::timestamptz)
               AND happened_at < coalesce(%(head)s, 'infinity'::timestamptz)
               OR happened_at >= coalesce(%(tail)s, 'infinity'::timestamptz)
               AND happened_at < coalesce(%(until)s, 'infinity'::timestamptz))
        GROUP BY 1
    ) counted GROUP BY 1
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
    *, campaign: Campaign, filters: DashboardFilters, tz: ZoneInfo, today: date, kept_through: int
) -> list[OrganizerRow]:
    """The team and anyone assigned people, logging or owing follow-ups on the campaign; the
    busiest first. The date range counts conversations; load and overdue are as of today.
    The weeks through `kept_through` must be kept (trends_refresh) already."""
    since, until = local_bounds(filters, tz)
    params = {
        "campaign": campaign.pk,
        "since": since,
        "until": until,
        "today": today,
        **_kept_part(filters, tz, kept_through),
    }
    with connection.cursor() as cursor:
        cursor.execute(ORGANIZERS_SQL, params)
        rows = cursor.fetchall()
    found = [
        OrganizerRow(uid, name or email or "", assigned, talks, late, bool(team))
        for uid, name, email, assigned, talks, late, team in rows
        if uid is not None or talks or late
    ]
    return sorted(found, key=lambda r: (r.user_id is None, -r.overdue, -r.assigned, r.name))


def _kept_part(filters: DashboardFilters, tz: ZoneInfo, kept_through: int) -> dict:
    """Which weeks of the date range are read from those kept (kept_from to kept_to: whole
    weeks inside the range, up to kept_through), and where counting starts again: the
    conversations from `since` to `head` and from `tail` to `until` are counted."""
    first = -(10**6)
    if filters.since is not None:
        first = week_number(filters.since) + (filters.since.weekday() != 0)
    last = kept_through
    if filters.until is not None:
        last = min(last, week_number(filters.until) - (filters.until.weekday() != 6))
    if first > last:  # no whole kept week inside: count the whole range
        _since, until = local_bounds(filters, tz)
        return {"kept_from": 1, "kept_to": 0, "head": until, "tail": None}

    def monday(week: int) -> datetime:
        return datetime.combine(week_start(week), time.min, tz)

    return {
        "kept_from": first,
        "kept_to": last,
        "head": monday(first) if filters.since is not None else BEGINNING,  # nothing before
        "tail": monday(last + 1),
    }
