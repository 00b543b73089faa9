"""Whether people show up: each action's RSVPs and attendance, and the structure test (of
the people at each level, how many took part)."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import connection

from campaigns.dashboards.selectors.coverage import (
    Coverage,
    DashboardFilters,
    local_bounds,
    percent,
)
from campaigns.models import Action, Campaign, RosterEntry

ENTRY = RosterEntry._meta.db_table
ACTION = Action._meta.db_table
RSVP = Action.rsvps.rel.related_model._meta.db_table


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
        action_id, title, kind, starts_at, time_zone, capacity = head
        found.append(
            ActionRow(
                action_id=action_id,
                title=title,
                kind=kind,
                starts_at=starts_at,
                time_zone=time_zone,
                capacity=capacity,
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


def level_turnouts(came: dict[int, int], whole: Coverage) -> list[LevelTurnout]:
    """Of the whole roster at each level today, how many came to at least one past action."""
    people = [whole.unassessed, *whole.levels]
    return [LevelTurnout(level, people[level], came[level]) for level in (1, 2, 3, 4, 5, 0)]
