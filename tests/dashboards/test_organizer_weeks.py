"""Who is doing the work, over any date range: the dashboard reads the completed weeks'
conversations per organizer from those kept and counts only the loose ends (part weeks at
either end of the range, the current week). Whatever the range, the numbers are those of
counting every conversation in it."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.dashboards.selectors import DashboardFilters, organizer_rows
from campaigns.dashboards.selectors.coverage import local_bounds
from campaigns.dashboards.selectors.trends import week_number
from campaigns.dashboards.services import trends_refresh
from campaigns.models import Conversation
from members.clock import zone_for
from members.models import Membership
from tests import factories

# A Thursday evening in Los Angeles, already Friday in UTC.
NOW = datetime(2026, 12, 4, 5, 30, tzinfo=UTC)
FIRST_DAY = date(2026, 10, 20)  # about six weeks of history before today (3 December)


@pytest.fixture
def world(db):
    with time_machine.travel(NOW, tick=False):
        committee = factories.committee(name="Harbor Tenants")
        committee.time_zone = "America/Los_Angeles"
        committee.save(update_fields=["time_zone"])
        campaign = factories.campaign(committee=committee)
        organizers = [
            factories.member_of(committee, Membership.Role.ORGANIZER, email=f"o{i}@example.org")
            for i in range(2)
        ]
        people = [factories.person(committee=committee, given_name=f"P{i}") for i in range(3)]
        for person in people:
            factories.on_roster(campaign=campaign, person=person)
        tz = zone_for(committee)
        # One conversation every 19 hours from FIRST_DAY on, by one organizer or the other,
        # or by nobody (a login since deleted): around every day boundary and week boundary.
        moment = datetime.combine(FIRST_DAY, datetime.min.time(), tz)
        talks, n = [], 0
        while moment < NOW:
            talks.append(
                Conversation(
                    campaign=campaign,
                    person=people[n % 3],
                    organizer=organizers[n % 2] if n % 5 else None,
                    happened_at=moment,
                    channel="door",
                )
            )
            moment += timedelta(hours=19)
            n += 1
        Conversation.objects.bulk_create(talks)
        trends_refresh()  # the beat's minute
        yield campaign, tz


days = st.one_of(st.none(), st.dates(min_value=FIRST_DAY, max_value=date(2026, 12, 4)))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(since=days, until=days)
def test_any_date_range_counts_every_conversation_in_it_once(world, since, until):
    campaign, tz = world
    if since and until and since > until:
        since, until = until, since
    filters = DashboardFilters(since=since, until=until)
    with time_machine.travel(NOW, tick=False):
        today = datetime.now(tz).date()
        rows = organizer_rows(
            campaign=campaign,
            filters=filters,
            tz=tz,
            today=today,
            kept_through=week_number(today) - 1,
        )
    start, end = local_bounds(filters, tz)
    talks = Conversation.objects.filter(campaign=campaign)
    if start:
        talks = talks.filter(happened_at__gte=start)
    if end:
        talks = talks.filter(happened_at__lt=end)
    expected: dict[int | None, int] = {}
    for organizer_id in talks.values_list("organizer_id", flat=True):
        expected[organizer_id] = expected.get(organizer_id, 0) + 1
    shown = {row.user_id: row.conversations for row in rows if row.conversations}
    assert shown == expected
