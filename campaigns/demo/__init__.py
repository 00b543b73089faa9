"""A demo committee with one persona per role and two campaigns, safe to run again and again.

It grows with every feature so the demo always shows everything: a workplace campaign (a
warehouse charted by department and shift, ~200 workers) and a tenant campaign (a landlord
with three buildings, ~150 tenants), with assessments recorded over the past weeks and ten
weeks of one-on-ones (logged through the same service as the app, so each current assessment
agrees with its history), open follow-ups (a few overdue), one-on-ones set for this week, and
a sign-up drive on each campaign; and the committee's power base: members and a year of their
dues, trainings, the lead as treasurer with a ledger, targets.
Each concern has its module: people (the personas), roster (campaigns, charts, rosters),
conversations (one-on-ones), actions (events and trainings, invitations, attendance), signups
(a card drive and a petition, in progress) and power (members, dues, the ledger, targets).
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from campaigns.demo.actions import actions_seed
from campaigns.demo.conversations import WEEKS, conversations_seed, this_week_schedule
from campaigns.demo.people import PERSONAS, member_person_seed, persona_seed
from campaigns.demo.power import power_seed
from campaigns.demo.roster import (
    DEMO_TIME_ZONE,
    buildings_chart,
    campaign_seed,
    roster_fill,
    warehouse_chart,
)
from campaigns.demo.signups import signups_seed
from campaigns.models import Campaign, RosterEntry
from members.models import Committee

COMMITTEE_NAME = "Riverside Workers Committee"


@transaction.atomic
def demo_committee_seed() -> Committee:
    """Create the demo committee or bring it up to date: what exists is kept, what is missing
    is added, and the week's one-on-ones and upcoming actions are topped up."""
    committee, _ = Committee.objects.get_or_create(
        name=COMMITTEE_NAME, defaults={"time_zone": DEMO_TIME_ZONE}
    )
    users = {
        email: persona_seed(
            committee=committee, email=email, name=name, role=role, language=language
        )
        for email, name, role, language in PERSONAS
    }
    lead = users["lead@majority.test"]
    workplace = campaign_seed(
        committee=committee,
        code_name="Lighthouse",
        kind=Campaign.Kind.WORKPLACE,
        target="Meridian Fulfillment LLC",
        organizer=users["organizer.a@majority.test"],
        lead=lead,
    )
    tenant = campaign_seed(
        committee=committee,
        code_name="Oak Street",
        kind=Campaign.Kind.TENANT,
        target="Skyline Property Management",
        organizer=users["organizer.b@majority.test"],
        lead=lead,
    )
    if not workplace.roster.exists():
        units = warehouse_chart(campaign=workplace)
        roster_fill(campaign=workplace, units=units, people=200, seed=1)
    if not tenant.roster.exists():
        units = buildings_chart(campaign=tenant)
        roster_fill(campaign=tenant, units=units, people=150, seed=2)
    # The rosters were charted before the ten weeks of talks, so the dashboard's trends
    # start from the whole roster rather than from today.
    charted = timezone.now() - timedelta(weeks=WEEKS + 2)
    RosterEntry.objects.filter(campaign__committee=committee, added_at__gt=charted).update(
        added_at=charted
    )
    for campaign, seed in ((workplace, 3), (tenant, 4)):
        if not campaign.conversations.exists():
            conversations_seed(campaign=campaign, rng=random.Random(seed))  # noqa: S311 - demo data
        this_week_schedule(campaign=campaign, rng=random.Random(seed))  # noqa: S311 - demo data
    member = member_person_seed(campaign=workplace, user=users["member@majority.test"])
    campaigns = {"workplace": workplace, "tenant": tenant, None: None}
    actions_seed(committee=committee, campaigns=campaigns, lead=lead, member=member)
    drives = {"workplace": workplace, "tenant": tenant}
    signups_seed(campaigns=drives, lead=lead, rng=random.Random(5))  # noqa: S311 - demo data
    power_seed(committee=committee, lead=lead, member=member, rng=random.Random(6))  # noqa: S311
    return committee
