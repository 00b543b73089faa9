"""Who is doing the work: each organizer's load, conversations and overdue follow-ups."""

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from django.db import connection

from campaigns.dashboards.selectors.coverage import DashboardFilters, local_bounds
from campaigns.models import Campaign, Conversation, FollowUp, RosterEntry, TeamMember
from members.models import User

ENTRY = RosterEntry._meta.db_table
CONVERSATION = Conversation._meta.db_table
FOLLOW_UP = FollowUp._meta.db_table
TEAM = TeamMember._meta.db_table
USER = User._meta.db_table


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
