"""seed_bench: a big fake campaign for the chart benchmark, small here, and consistent:
every assessed person has exactly the history that gives their current assessment."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.urls import reverse

from campaigns.management.commands.seed_bench import CAMPAIGN, COMMITTEE, LEAD_EMAIL
from campaigns.models import AssessmentRecord, Campaign, RosterEntry, Unit
from campaigns.services.roster import assessment_recompute
from members.models import Membership, Person, User
from tests import factories

SMALL = {"people": 300, "units": 12, "sites": 3, "organizers": 4}


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
    records = AssessmentRecord.objects.filter(roster_entry__campaign=campaign)
    assert records.count() == roster.exclude(assessment=None).count()
    assert not roster.annotate(n=Count("assessments")).filter(n__gt=1).exists()


def test_it_runs_again_without_duplicating_and_rebuilds_on_reset(db):
    seed()
    seed()
    assert RosterEntry.objects.count() == 300

    with pytest.raises(CommandError, match="--reset"):
        seed(people=50)

    campaign = seed(people=50, units=6, reset=True)
    assert RosterEntry.objects.filter(campaign=campaign).count() == 50
    assert Campaign.objects.filter(code_name=CAMPAIGN).count() == 1
    assert Person.objects.count() == 50


def test_its_lead_can_open_the_chart(client, db):
    campaign = seed()
    lead = User.objects.get(email=LEAD_EMAIL)
    factories.enrol_totp(lead)  # leads have a second factor
    client.force_login(lead)

    response = client.get(reverse("campaign_chart", args=[campaign.pk]))

    assert response.status_code == 200
    assert "300 people on the roster" in response.content.decode()
