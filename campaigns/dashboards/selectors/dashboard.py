"""The pages put together: the campaign dashboard from its parts, and the committee overview
of its campaigns side by side."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from campaigns.access import (
    CampaignAccess,
    campaigns_managed,
    campaigns_visible_to,
    can_read_next_step,
)
from campaigns.dashboards.selectors.coverage import (
    Coverage,
    DashboardFilters,
    Places,
    UnitOption,
    UnitRow,
    coverage_by_unit,
    unit_scope,
    unit_table,
)
from campaigns.dashboards.selectors.organizers import OrganizerRow, organizer_rows
from campaigns.dashboards.selectors.trends import WeekPoint, trends, week_number, weeks_in_range
from campaigns.dashboards.selectors.turnout import (
    ActionRow,
    LevelTurnout,
    action_rows,
    level_turnouts,
)
from campaigns.models import Campaign, FollowUp, RosterEntry
from campaigns.roster.selectors import Stats
from members.clock import today_for, zone_for
from members.models import Committee, User

SPARK_WEEKS = 12  # the committee overview's sparklines
ACTIONS_SHOWN = 12  # upcoming and past actions each
OVERDUE_SHOWN = 25  # overdue follow-ups listed on the committee overview


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


def dashboard_build(*, campaign: Campaign, filters: DashboardFilters, places: Places) -> Dashboard:
    """Everything the campaign dashboard shows after `places`: six queries whatever the
    data size (three of them the actions')."""
    tz = zone_for(campaign.committee)
    table = unit_table(campaign=campaign, filters=filters, places=places)
    today = table.today
    scope = unit_scope(filters, places.units)
    first, last = weeks_in_range(filters, today)
    weeks = trends(
        campaign_ids=[campaign.pk],
        tz=tz,
        now={campaign.pk: table.total},
        units=scope,
        first=first,
        last=last,
    )
    points = weeks.get(campaign.pk, [])
    organizers = organizer_rows(  # the caller brought the kept weeks up to date
        campaign=campaign,
        filters=filters,
        tz=tz,
        today=today,
        kept_through=week_number(today) - 1,
    )
    now = timezone.now()
    actions = action_rows(campaign=campaign, filters=filters, tz=tz, now=now, shown=ACTIONS_SHOWN)
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
        upcoming=actions.upcoming,
        past=actions.past,
        upcoming_more=actions.upcoming_more,
        past_more=actions.past_more,
        structure=level_turnouts(actions.came, table.whole),
    )


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
    overdue follow-ups: six queries however many campaigns there are."""
    tz = zone_for(committee)
    today = today_for(committee)
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
    weeks = trends(
        campaign_ids=ids,
        tz=tz,
        now=dict(coverage.campaign),
        first=last - SPARK_WEEKS + 1,
        last=last,
    )
    overdue = _overdue(ids, today)
    counts = dict(overdue.order_by().values_list("campaign_id").annotate(n=Count("pk")))
    # The few ids first, then their rows: joined to the people at once, the planner would
    # read every person on the roster before picking the most overdue.
    first = list(overdue.values_list("pk", flat=True)[:OVERDUE_SHOWN])
    shown = list(
        FollowUp.objects.filter(pk__in=first)
        .select_related("person", "organizer", "campaign")
        .order_by("due_on", "pk")
    )
    managed = campaigns_managed(user, campaigns)
    for follow_up in shown:
        follow_up.days_late = (today - follow_up.due_on).days
        access = CampaignAccess(
            campaign=follow_up.campaign, user=user, can_manage=follow_up.campaign_id in managed
        )
        follow_up.next_step_visible = can_read_next_step(access, follow_up)
    cards = [
        CampaignCard(
            campaign=c,
            coverage=coverage.campaign.get(c.pk) or Coverage(Stats(c.threshold_triple)),
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
