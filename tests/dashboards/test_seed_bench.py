"""seed_bench: a big fake campaign for the chart and dashboard benchmarks, small here, and
consistent: every assessed person has the history that gives their current assessment."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.urls import reverse
from django.utils import timezone

from campaigns.management.commands.seed_bench import CAMPAIGN, COMMITTEE, LEAD_EMAIL
from campaigns.models import (
    Action,
    AssessmentRecord,
    Campaign,
    Conversation,
    FollowUp,
    RosterEntry,
    Rsvp,
    Unit,
)
from campaigns.roster.services import assessment_recompute
from members.models import Membership, Person, User
from tests import factories

SMALL = {
    "people": 300,
    "units": 12,
    "sites": 3,
    "organizers": 4,
    "conversations": 2000,
    "actions": 12,
    "weeks": 10,
}


def seed(**options) -> Campaign:
    call_command("seed_bench", force=True, stdout=None, **{**SMALL, **options})
    return Campaign.objects.get(committee__name=COMMITTEE, code_name=CAMPAIGN)


def test_it_refuses_to_run_with_debug_off_unless_forced(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="--force"):
        call_command("seed_bench", **SMALL)
    assert not Campaign.objects.exists()


def test_it_builds_the_campaign_it_was_asked_for(db):
    campaign = seed()

    roster = RosterEntry.objects.filter(campaign=campaign, removed_at=None)
    assert roster.count() == 300
    assert campaign.sites.count() == 3
    units = Unit.objects.filter(site__campaign=campaign)
    assert units.count() == 12
    assert not units.filter(parent__parent__isnull=False).exists()  # two levels
    assert units.filter(parent__isnull=False).exists()
    assert roster.filter(is_leader=True).exists()
    assert roster.filter(assessment__isnull=True).exists()
    assert roster.exclude(organizer=None).exists()
    assert Person.objects.filter(committee=campaign.committee, tags__isnull=False).exists()
    lead = User.objects.get(email=LEAD_EMAIL)
    assert Membership.objects.get(user=lead, committee=campaign.committee).is_lead
    assert not lead.has_usable_password()


def test_its_assessments_agree_with_their_history(db):
    campaign = seed()
    roster = RosterEntry.objects.filter(campaign=campaign)
    before = list(roster.order_by("pk").values_list("pk", "assessment", "assessed_at"))

    for entry_id, _level, _at in before:
        assessment_recompute(entry_id=entry_id)

    assert list(roster.order_by("pk").values_list("pk", "assessment", "assessed_at")) == before
    assert roster.exclude(assessment=None).count() > 150
    # several records a person, each made in a conversation with that person, saying the same
    assert roster.annotate(n=Count("assessments")).filter(n__gt=2).count() > 100
    records = AssessmentRecord.objects.filter(roster_entry__campaign=campaign)
    assert records.count() == Conversation.objects.exclude(assessment=None).count()
    assert not records.exclude(
        conversation__person=F("roster_entry__person"),
        conversation__assessment=F("level"),
        conversation__happened_at=F("happened_at"),
    ).exists()


def support_as_of(campaign: Campaign, moment) -> int:
    """How many people stood at 1 or 2 at that moment, from the history alone."""
    latest = AssessmentRecord.objects.filter(
        roster_entry=OuterRef("pk"), happened_at__lte=moment
    ).order_by("-happened_at", "-pk")
    return (
        RosterEntry.objects.filter(campaign=campaign)
        .annotate(then=Subquery(latest.values("level")[:1]))
        .filter(then__lte=2)
        .count()
    )


def test_its_history_spans_the_weeks_and_support_grows(db):
    campaign = seed()
    now = timezone.now()
    talks = Conversation.objects.filter(campaign=campaign)

    assert talks.count() == 2000
    assert talks.filter(happened_at__lt=now - timedelta(weeks=7)).exists()
    assert not talks.filter(happened_at__gt=now).exists()
    assert not talks.filter(happened_at__lt=campaign.created_at).exists()
    assert campaign.created_at < now - timedelta(weeks=9)
    assert (
        support_as_of(campaign, now - timedelta(weeks=6))
        < support_as_of(campaign, now - timedelta(weeks=3))
        < support_as_of(campaign, now)
    )
    # on the roster from the start, so "as of" any week counts them
    assert not RosterEntry.objects.filter(
        campaign=campaign, added_at__gt=campaign.created_at
    ).exists()


def test_its_organizers_have_follow_ups_some_overdue(db):
    campaign = seed()
    follow_ups = FollowUp.objects.filter(campaign=campaign)
    today = timezone.localdate()

    assert follow_ups.filter(closed_at=None, due_on__lt=today).exists()  # overdue
    assert follow_ups.filter(closed_at=None, due_on__gte=today).exists()
    assert follow_ups.filter(closed_reason=FollowUp.CloseReason.DONE).exists()
    assert not follow_ups.exclude(conversation__person=F("person")).exists()
    assert not follow_ups.filter(organizer=None).exists()


def test_its_actions_have_answers_attendance_and_capacity(db):
    campaign = seed()
    now = timezone.now()
    actions = Action.objects.filter(campaign=campaign)
    rsvps = Rsvp.objects.filter(action__campaign=campaign)

    assert actions.count() == 12
    assert actions.filter(starts_at__lt=now).count() == 9
    past, upcoming = (
        rsvps.filter(action__starts_at__lt=now),
        rsvps.filter(action__starts_at__gt=now),
    )
    assert set(past.values_list("response", flat=True)) == {"", "yes", "maybe", "no"}
    assert past.filter(attended=True).exists() and past.filter(attended=False).exists()
    assert past.filter(source=Rsvp.Source.WALK_IN, attended=True).exists()
    assert not upcoming.exclude(attended=None).exists()
    assert upcoming.filter(response="yes").exists()
    # more of the supporters said yes than of those against: the structure test shows it
    on_roster = RosterEntry.objects.filter(campaign=campaign, person=OuterRef("person"))
    answered = past.exclude(response="").annotate(
        level=Subquery(on_roster.values("assessment")[:1])
    )
    yes = {
        side: answered.filter(levels).aggregate(
            share=Count("pk", filter=Q(response="yes")) * 1.0 / Count("pk")
        )["share"]
        for side, levels in (("for", Q(level__lte=2)), ("against", Q(level__gte=4)))
    }
    assert yes["for"] > yes["against"]
    for action in actions.filter(starts_at__gt=now).exclude(capacity=None):
        seats = action.rsvps.filter(response="yes", waitlisted_at=None).aggregate(
            seats=Sum(F("guests") + 1)
        )["seats"]
        assert (seats or 0) <= action.capacity


def test_it_runs_again_without_duplicating_and_rebuilds_on_reset(db):
    seed()
    seed()
    assert RosterEntry.objects.count() == 300

    assert Conversation.objects.count() == 2000
    with pytest.raises(CommandError, match="--reset"):
        seed(people=50)
    with pytest.raises(CommandError, match="--reset"):
        seed(conversations=500)

    campaign = seed(people=50, units=6, conversations=500, actions=3, reset=True)
    assert RosterEntry.objects.filter(campaign=campaign).count() == 50
    assert Campaign.objects.filter(code_name=CAMPAIGN).count() == 1
    assert Person.objects.count() == 50
    assert Conversation.objects.count() == 500
    assert AssessmentRecord.objects.count() == Conversation.objects.exclude(assessment=None).count()
    assert Action.objects.count() == 3
    assert not Rsvp.objects.exclude(action__campaign=campaign).exists()


def test_its_lead_can_open_the_chart(client, db):
    campaign = seed()
    lead = User.objects.get(email=LEAD_EMAIL)
    factories.enrol_totp(lead)  # leads have a second factor
    client.force_login(lead)

    response = client.get(reverse("campaign_chart", args=[campaign.pk]))

    assert response.status_code == 200
    assert "300 people on the roster" in response.content.decode()
