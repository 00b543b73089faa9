"""Keeping the dashboards' weekly figures: each completed week's, per campaign and per unit,
computed once from the history and kept (campaigns.models.TrendWeek), recomputed from the
week a change reached when a service reports one (campaigns.roster.history).

trends_refresh brings campaigns up to date: the beat runs it every minute for all of them,
and a dashboard runs it for its own campaigns before reading, so that a change is never
shown late. `manage.py dashboard_rebuild` recomputes every kept figure from the history.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from campaigns.dashboards.selectors.trends import KEPT_SQL, ORGANIZER_WEEKS_SQL, week_of
from campaigns.models import Campaign, OrganizerWeek, TrendState, TrendWeek
from campaigns.roster.history import BEGINNING
from members.clock import zone_for

STATE = TrendState._meta.db_table
KEPT = TrendWeek._meta.db_table
BY_ORGANIZER = OrganizerWeek._meta.db_table
FIGURES = "roster, contacted, level1, level2, level3, level4, level5, leaders, conversations"


def last_completed_week(tz: ZoneInfo, now: datetime | None = None) -> int:
    """The last week that has ended in that zone: the last one kept."""
    return week_of(now or timezone.now(), tz) - 1


def trends_due(
    *,
    campaign_ids: list[int] | None = None,
    committee_id: int | None = None,
    now: datetime | None = None,
) -> list[int]:
    """Of these campaigns (or the committee's, or all), those whose kept weeks are behind:
    never kept, changed under them, or a week has ended since. One query."""
    campaigns = Campaign.objects.select_related("committee", "trend_state").only(
        "committee__time_zone", "trend_state__kept_through", "trend_state__stale_since"
    )
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    if committee_id is not None:
        campaigns = campaigns.filter(committee_id=committee_id)
    due = []
    for campaign in campaigns:
        state = getattr(campaign, "trend_state", None)
        last = last_completed_week(zone_for(campaign.committee), now)
        if state is None or state.stale_since is not None or state.kept_through != last:
            due.append(campaign.pk)
    return due


def trends_refresh(
    *,
    campaign_ids: list[int] | None = None,
    committee_id: int | None = None,
    now: datetime | None = None,
) -> int:
    """Bring these campaigns' (or the committee's, or every campaign's) kept weeks up to
    date; returns how many campaigns were recomputed. A dashboard runs it before reading
    them, for its own campaigns: one query when they are up to date. Safe to run while the
    app runs, and twice at once: each campaign is recomputed holding its TrendState row's
    lock, which a change's report waits for (so a change committed meanwhile is never lost:
    it marks the row again)."""
    due = trends_due(campaign_ids=campaign_ids, committee_id=committee_id, now=now)
    for campaign in Campaign.objects.filter(pk__in=due).select_related("committee"):
        _refresh_one(campaign, now)
    return len(due)


def trends_rebuild(*, campaign_ids: list[int] | None = None) -> int:
    """Recompute every kept week of these campaigns (or all) from the history."""
    campaigns = Campaign.objects.select_related("committee")
    if campaign_ids is not None:
        campaigns = campaigns.filter(pk__in=campaign_ids)
    count = 0
    for campaign in campaigns:
        _refresh_one(campaign, None, rebuild=True)
        count += 1
    return count


def _refresh_one(campaign: Campaign, now: datetime | None, *, rebuild: bool = False) -> None:
    tz = zone_for(campaign.committee)
    last = last_completed_week(tz, now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {STATE} (campaign_id) VALUES (%s) ON CONFLICT DO NOTHING",  # noqa: S608
            [campaign.pk],
        )
        state = TrendState.objects.select_for_update().get(campaign=campaign)
        first = None if rebuild else _first_week(state, tz)
        for model in (TrendWeek, OrganizerWeek):
            kept = model.objects.filter(campaign=campaign)
            # From `first` on, and any week past `last` (kept by a clock that ran ahead).
            (kept if first is None else kept.filter(week__gte=min(first, last + 1))).delete()
        if first is None or first <= last:
            params = {"campaigns": [campaign.pk], "tz": str(tz), "first": first, "last": last}
            cursor.execute(
                f"INSERT INTO {KEPT} (campaign_id, unit_id, whole, week, {FIGURES}) "  # noqa: S608
                + KEPT_SQL,
                params,
            )
            cursor.execute(
                f"INSERT INTO {BY_ORGANIZER} (campaign_id, organizer_id, week, conversations) "  # noqa: S608
                + ORGANIZER_WEEKS_SQL,
                params,
            )
        state.kept_through = last
        state.stale_since = None
        state.save(update_fields=["kept_through", "stale_since"])


def _first_week(state: TrendState, tz: ZoneInfo) -> int | None:
    """The first week to recompute: from the change reported, else after the last kept
    one; None: all of them."""
    if state.kept_through is None:
        return None
    first = state.kept_through + 1
    if state.stale_since is not None:
        if state.stale_since <= BEGINNING + timedelta(days=1):
            return None
        first = min(first, week_of(state.stale_since, tz))
    return first
