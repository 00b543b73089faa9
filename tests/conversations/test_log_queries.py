"""Logging a one-on-one is the app's hot path (an organizer logs between two talks), so its POST
costs a fixed number of queries, whatever the campaign asks and however much a talk records.

Nina (team_organizer) logs a talk with Maria Lopez: an assessment, the asks answered, the
issues she raised, a follow-up promised, and the follow-up promised last time closed.
"""

import uuid
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.conversations.selectors.log import log_target
from campaigns.models import Ask, Conversation, FollowUp, IssueTag, RosterEntry, TrendState
from tests import factories

# The user, their committee (its time zone); their roles on the campaign with the campaign
# and Maria's place on its roster (one query); the form's asks and issues; then in one
# transaction one statement: the roster entry advanced, and the conversation with all it
# records. (Before issue 21: 20.)
LOG_QUERIES = 7
# A Wednesday afternoon: the talk logged happened this week, as most do.
NOW = datetime(2026, 3, 4, 18, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def wednesday():
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def maria(committee, campaign):
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    return factories.on_roster(campaign=campaign, person=person)


def asks_and_issues(campaign, count: int) -> tuple[list[Ask], list[IssueTag]]:
    """The campaign's asks (the two it starts with, and more) and issues, `count` of each."""
    for position in range(Ask.objects.filter(campaign=campaign).count(), count):
        Ask.objects.create(campaign=campaign, text=f"Ask {position}", position=position)
    for number in range(IssueTag.objects.filter(campaign=campaign).count(), count):
        IssueTag.objects.create(campaign=campaign, name=f"Issue {number}")
    return list(Ask.objects.filter(campaign=campaign)), list(
        IssueTag.objects.filter(campaign=campaign)
    )


def a_full_log(asks: list[Ask], issues: list[IssueTag]) -> dict:
    return {
        "happened_at": "2026-03-04T12:30",
        "channel": "phone",
        "duration_minutes": "10",
        "issues": [tag.pk for tag in issues],
        **{f"ask_{ask.pk}": "yes" for ask in asks},
        "assessment": "2",
        "next_step": "Bring a card",
        "follow_up_pick": "three_days",
    }


def log_queries(client, entry, data: dict) -> int:
    """The queries of the log POST, once the form was opened (as an organizer does)."""
    url = reverse("conversation_new", args=[entry.campaign_id, entry.person_id])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return len(queries)


@pytest.mark.parametrize("told", [1, 8], ids=["an ask and an issue", "eight of each"])
@pytest.mark.parametrize("keyed", [False, True], ids=["no key", "the key field mode sends"])
def test_a_log_costs_the_same_queries_however_much_it_records(
    client, campaign, team_organizer, maria, told, keyed
):
    asks, issues = asks_and_issues(campaign, 8)
    earlier = FollowUp.objects.create(
        campaign=campaign, person=maria.person, organizer=team_organizer, due_on="2026-03-01"
    )
    client.force_login(team_organizer)
    data = a_full_log(asks[:told], issues[:told])
    if keyed:  # a log saved once per key costs nothing more the first time
        data["log_key"] = str(uuid.uuid4())

    queries = log_queries(client, maria, data)

    assert queries == LOG_QUERIES
    talk = Conversation.objects.get(person=maria.person)
    assert talk.answers.count() == talk.issues.count() == told
    assert talk.assessment_record.level == 2
    assert FollowUp.objects.get(conversation=talk).closed_at is None
    earlier.refresh_from_db()
    assert earlier.closed_reason == FollowUp.CloseReason.DONE


def test_a_campaign_with_many_asks_and_issues_costs_no_more(
    client, committee, campaign, team_organizer, maria
):
    """The form's choices are read at once, whatever their number."""
    asks, issues = asks_and_issues(campaign, 2)
    client.force_login(team_organizer)
    few = log_queries(client, maria, a_full_log(asks[:1], issues[:1]))

    asks, issues = asks_and_issues(campaign, 30)
    other = factories.on_roster(
        campaign=campaign, person=factories.person(committee=committee, given_name="Omar")
    )
    many = log_queries(client, other, a_full_log(asks, issues))

    assert few == many == LOG_QUERIES


def test_what_the_log_reads_in_one_query_is_what_the_orm_reads(committee, campaign, team_organizer):
    """log_target makes its model instances itself: each field as the ORM would give it."""
    site = factories.site(campaign=campaign, name="Warehouse")
    unit = factories.unit(site=site, name="Receiving")
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    entry = factories.on_roster(campaign=campaign, person=person, unit=unit, title="Picker")

    access, read = log_target(team_organizer, campaign.pk, person.pk)

    orm = RosterEntry.objects.select_related("campaign__committee", "person", "unit__site").get(
        pk=entry.pk
    )
    pairs = [
        (read, orm),
        (read.person, orm.person),
        (read.unit, orm.unit),
        (read.unit.site, orm.unit.site),
        (access.campaign, orm.campaign),
        (access.campaign.committee, orm.campaign.committee),
    ]
    for mine, theirs in pairs:
        fields = type(theirs)._meta.concrete_fields
        assert [getattr(mine, f.attname) for f in fields] == [
            getattr(theirs, f.attname) for f in fields
        ]
        assert not mine._state.adding
    assert read.campaign is access.campaign


def test_a_talk_back_dated_into_a_kept_week_costs_one_statement_more(
    client, campaign, team_organizer, maria
):
    """Logged on Wednesday for the Friday before: the dashboards' kept weeks from that one on
    are marked stale, in the same transaction (campaigns.roster.history)."""
    asks, issues = asks_and_issues(campaign, 1)
    client.force_login(team_organizer)

    queries = log_queries(
        client, maria, {**a_full_log(asks, issues), "happened_at": "2026-02-27T16:00"}
    )

    assert queries == LOG_QUERIES + 1
    assert TrendState.objects.get(campaign=campaign).stale_since == datetime(
        2026, 2, 27, 16, 0, tzinfo=UTC
    )
