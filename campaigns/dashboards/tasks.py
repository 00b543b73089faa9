"""The dashboards' Celery task."""

from celery import shared_task

from campaigns.dashboards.services import trends_refresh


@shared_task(name="dashboards.trends_refresh")
def dashboards_trends_refresh_task() -> int:
    """Every minute: bring each campaign's kept weeks up to date (a change reported into the
    past, a week ended), so that a dashboard opened next only reads them."""
    return trends_refresh()
