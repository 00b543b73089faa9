"""Telling the kept figures that the past changed under them: the dashboards' weeks, and the
Power page's months (power_history_changed, at the end).

The dashboards keep each completed week's figures (campaigns.models.TrendWeek). A service
that changes what those weeks were made of — a one-on-one logged, edited or deleted with an
earlier date, an assessment recorded for an earlier day, someone taken off the roster, moved
to another unit or made a leader, two people merged — calls history_changed in its own
transaction, with the earliest moment the change reaches. The dashboards recompute the weeks
from there before they are read again (campaigns.dashboards.services.trends_refresh).

A change within the current local week needs no call: no kept week holds it yet.
"""

from datetime import UTC, date, datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import Campaign, Conversation, PowerMonth, RosterEntry, TrendState
from members.clock import now_here

# From the beginning: the whole history of the campaign is recomputed.
BEGINNING = datetime(1, 1, 1, tzinfo=UTC)
# A transaction that began in the last minutes of a week may commit after the week is kept:
# changes that close to the end of the week are reported too.
ROLLOVER_MARGIN = timedelta(minutes=10)

STATE = TrendState._meta.db_table


def history_changed(*, campaign: Campaign, since: datetime | None) -> None:
    """The campaign's history changed from `since` on (None: from its beginning)."""
    since = since or BEGINNING
    if since >= _this_week_starts(campaign):
        return
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {STATE} (campaign_id, kept_through, stale_since)
            VALUES (%s, NULL, %s)
            ON CONFLICT (campaign_id) DO UPDATE
            SET stale_since = least({STATE}.stale_since, EXCLUDED.stale_since)
            """,  # noqa: S608 - the table name is the model's; values are bound
            [campaign.pk, since],
        )


def _this_week_starts(campaign: Campaign) -> datetime:
    """The local Monday 00:00 that starts the week a few minutes from now: what no kept
    week reaches."""
    local = now_here(campaign.committee, at=timezone.now() + ROLLOVER_MARGIN)
    monday = local - timedelta(days=local.weekday())
    return monday.replace(hour=0, minute=0, second=0, microsecond=0)


def history_changed_for_people(*, person_ids: list[int]) -> None:
    """Their whole history changed (a merge, an erasure): every campaign they were on or
    talked with, from its beginning."""
    on = RosterEntry.objects.filter(person_id__in=person_ids).values_list("campaign_id")
    talked = Conversation.objects.filter(person_id__in=person_ids).values_list("campaign_id")
    _changed_from_the_beginning({campaign_id for (campaign_id,) in on.union(talked)})


def history_changed_for_organizer(*, user_id: int) -> None:
    """A login is deleted: the conversations it logged become nobody's, in every week."""
    talked = Conversation.objects.filter(organizer_id=user_id).values_list("campaign_id")
    _changed_from_the_beginning({campaign_id for (campaign_id,) in talked})


def _changed_from_the_beginning(campaign_ids: set[int]) -> None:
    for campaign in Campaign.objects.filter(pk__in=campaign_ids).select_related("committee"):
        history_changed(campaign=campaign, since=None)


def on_user_delete(sender, instance, **kwargs) -> None:
    """pre_delete of a User (connected in CampaignsConfig.ready)."""
    history_changed_for_organizer(user_id=instance.pk)


# The advisory lock (class, committee id) that keeps a view from keeping a month a writer is
# changing: a writer holds it until it commits; a view keeps months only if it gets it at
# once, and counts them under it (campaigns.power.power).
POWER_LOCK = 17_017


def power_months_keepable(*, committee_id: int) -> bool:
    """Whether no writer is changing the committee's members or dues now. A view that gets
    the lock holds it to the end of its transaction, so no writer drops months (below)
    before those it counts under it are kept; one that does not counts without keeping."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [POWER_LOCK, committee_id])
        return bool(cursor.fetchone()[0])


def power_history_changed(*, committee_id: int, since: date | None) -> None:
    """The committee's members or dues changed from `since` on (None: from the beginning):
    the kept months from that month on are dropped, in the caller's transaction."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [POWER_LOCK, committee_id])
        months = PowerMonth.objects.filter(committee_id=committee_id)
        if since is not None:
            months = months.filter(month__gte=since.replace(day=1))
        months.delete()
