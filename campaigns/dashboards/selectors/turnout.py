"""Whether people show up: each action's RSVPs and attendance, and the structure test (of
the people at each level, how many took part).

The counts and the turnout are campaigns.actions.selectors.turnout's, the ones the action page
and the turnout page show, so the three agree; who came is split by assessment at the time of
the action, as on the turnout page.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef

from campaigns.actions.selectors.turnout import LevelRow, RsvpCounts, turnout_by_action
from campaigns.dashboards.selectors.coverage import (
    Coverage,
    DashboardFilters,
    local_bounds,
    percent,
)
from campaigns.models import Action, Campaign, RosterEntry, Rsvp


@dataclass(frozen=True)
class ActionRow(RsvpCounts):
    """An action with its counts (RsvpCounts: the same as on its own pages) and, once past,
    who came by assessment at the time of the action."""

    action_id: int
    title: str
    kind: str
    starts_at: datetime
    time_zone: str
    capacity: int | None
    levels: list[LevelRow]  # levels 1–5 then unassessed, at the time of the action

    @property
    def places_taken(self) -> int:
        return self.seats


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


@dataclass(frozen=True)
class Actions:
    upcoming: list[ActionRow]  # the `shown` soonest
    past: list[ActionRow]  # the `shown` latest, the latest first
    upcoming_more: int  # how many more there are of each
    past_more: int
    came: dict[int, int]  # level today (0 unassessed) -> roster people who came to a past one


def action_rows(
    *, campaign: Campaign, filters: DashboardFilters, tz: ZoneInfo, now: datetime, shown: int
) -> Actions:
    """The campaign's actions in the date range (not cancelled): the `shown` soonest to come
    and the `shown` latest past (begun before `now`), with their counts and who came by
    assessment at the time, and how many more there are; and, over all the past ones, how
    many people at each level today came at least once. Three queries (one when there are no
    actions), whatever the number of actions."""
    since, until = local_bounds(filters, tz)
    actions = Action.objects.filter(campaign=campaign, cancelled_at__isnull=True)
    if since is not None:
        actions = actions.filter(starts_at__gte=since)
    if until is not None:
        actions = actions.filter(starts_at__lt=until)
    found = list(
        actions.order_by("starts_at", "pk").values_list(
            "pk", "title", "kind", "starts_at", "time_zone", "capacity"
        )
    )
    if not found:
        return Actions([], [], 0, 0, dict.fromkeys(range(6), 0))
    upcoming = [row for row in found if row[3] >= now]
    past = [row for row in found if row[3] < now][::-1]  # the latest first
    listed = upcoming[:shown] + past[:shown]
    turnouts = turnout_by_action(campaign_id=campaign.pk, action_ids=[row[0] for row in listed])
    rows = {
        pk: ActionRow(
            **vars(turnouts[pk].counts),
            action_id=pk,
            title=title,
            kind=kind,
            starts_at=starts_at,
            time_zone=time_zone,
            capacity=capacity,
            levels=turnouts[pk].levels,
        )
        for pk, title, kind, starts_at, time_zone, capacity in listed
    }
    return Actions(
        upcoming=[rows[row[0]] for row in upcoming[:shown]],
        past=[rows[row[0]] for row in past[:shown]],
        upcoming_more=max(len(upcoming) - shown, 0),
        past_more=max(len(past) - shown, 0),
        came=_came_by_level_today(campaign, [row[0] for row in past]),
    )


def _came_by_level_today(campaign: Campaign, action_ids: list[int]) -> dict[int, int]:
    """Of the people on the roster, by their assessment today (0 unassessed), how many came
    to at least one of these actions (each person once)."""
    came = Rsvp.objects.filter(
        person_id=OuterRef("person_id"), action_id__in=action_ids, attended=True
    )
    grouped = (
        RosterEntry.objects.filter(Exists(came), campaign=campaign, removed_at__isnull=True)
        .order_by()
        .values_list("assessment")
        .annotate(n=Count("pk"))
    )
    found = dict.fromkeys(range(6), 0)
    for level, n in grouped:
        found[level or 0] = n
    return found


def level_turnouts(came: dict[int, int], whole: Coverage) -> list[LevelTurnout]:
    """Of the whole roster at each level today, how many came to at least one past action."""
    people = [whole.unassessed, *whole.levels]
    return [LevelTurnout(level, people[level], came[level]) for level in (1, 2, 3, 4, 5, 0)]
