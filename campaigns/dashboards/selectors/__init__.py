"""Reads for the dashboards: where a campaign stands (coverage, support against its thresholds,
by unit), how it got there week by week (trends), who is doing the work (organizers), and
whether people show up (turnout); dashboard puts them together, and the committee overview.

Every number is aggregated by Postgres in a handful of statements whatever the size of the
roster (the whole campaign dashboard is five queries here), and nothing is stored twice.
"""

from campaigns.dashboards.selectors.coverage import (
    QUIET_DAYS,
    Coverage,
    DashboardFilters,
    Places,
    RollupRow,
    RollupSite,
    UnitOption,
    UnitRow,
    UnitTable,
    coverage_by_unit,
    dashboard_places,
    percent,
    sort_units,
    supporters_needed,
    unit_rollup,
    unit_scope,
    unit_table,
)
from campaigns.dashboards.selectors.dashboard import (
    CampaignCard,
    Dashboard,
    Overview,
    dashboard_build,
    overview_build,
)
from campaigns.dashboards.selectors.organizers import OrganizerRow, organizer_rows
from campaigns.dashboards.selectors.trends import WeekPoint, trends, week_number, week_start
from campaigns.dashboards.selectors.turnout import ActionRow, LevelTurnout, action_rows

__all__ = [
    "QUIET_DAYS",
    "ActionRow",
    "CampaignCard",
    "Coverage",
    "Dashboard",
    "DashboardFilters",
    "LevelTurnout",
    "OrganizerRow",
    "Overview",
    "Places",
    "RollupRow",
    "RollupSite",
    "UnitOption",
    "UnitRow",
    "UnitTable",
    "WeekPoint",
    "action_rows",
    "coverage_by_unit",
    "dashboard_build",
    "dashboard_places",
    "organizer_rows",
    "overview_build",
    "percent",
    "sort_units",
    "supporters_needed",
    "trends",
    "unit_rollup",
    "unit_scope",
    "unit_table",
    "week_number",
    "week_start",
]
