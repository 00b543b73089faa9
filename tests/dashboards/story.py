"""The dashboards' story: a small campaign computed by hand, which the dashboard tests
check number by number (fixtures in conftest.py).

The story (committee time zone UTC; "today" is Wednesday 12 March 2025, 12:00). Weeks start on
Monday: W1 = 17 Feb, W2 = 24 Feb, W3 = 3 Mar, W4 = 10 Mar (this week). Thresholds 30/50/67.

Site "Warehouse": units Receiving, Shipping, and Shipping › Nights. Everyone is put on the
roster on 17 Feb 10:00 unless said otherwise.

    who  unit today       organizer  conversations (happened, assessment, by)
    Ana  Receiving        Olga       18 Feb 3 (Olga) · 4 Mar 1 + leader (Olga)
    Ben  Receiving        Olga       25 Feb 2 (Olga)
    Cal  Receiving        Oscar      none
    Dee  Shipping         Oscar      19 Feb 4 (Oscar, logged today: back-dated) · 11 Mar 2 (Oscar)
    Eve  Nights (moved    Oscar      26 Feb 2 (Oscar)
         from Receiving)
    Fay  Receiving,       Olga       20 Feb 1 (Olga); taken off the roster on 5 Mar
         removed
    Gus  Shipping         -          24 Feb 2 (Rosa, the lead); his duplicate record "Gus 2"
                                     had 3 Mar 3 (Rosa); merged into Gus: now 3
    Hal  unplaced         Olga       none; put on the roster on 4 Mar

Today (Fay is off the roster): 7 people; Ana 1, Ben 2, Dee 2, Eve 2, Gus 3, Cal and Hal
unassessed.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.dashboards.selectors import (
    DashboardFilters,
    dashboard_build,
    dashboard_places,
)
from campaigns.dashboards.services import trends_refresh
from campaigns.models import Action, FollowUp, Rsvp
from campaigns.people.services import person_merge, roster_entry_update
from campaigns.roster.services import roster_remove
from members.models import Membership
from tests import factories

NOW = datetime(2025, 3, 12, 12, 0, tzinfo=UTC)


def at(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2025, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def story(frozen, committee, lead):
    """The campaign above; returns its pieces by name."""
    olga = factories.member_of(committee, Membership.Role.ORGANIZER, name="Olga One")
    oscar = factories.member_of(committee, Membership.Role.ORGANIZER, name="Oscar Two")
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    factories.on_team(campaign=campaign, user=olga)
    factories.on_team(campaign=campaign, user=oscar)
    site = factories.site(campaign=campaign, name="Warehouse")
    receiving = factories.unit(site=site, name="Receiving")
    shipping = factories.unit(site=site, name="Shipping")
    nights = factories.unit(site=site, name="Nights", parent=shipping)
    people, entries = {}, {}

    def add(name, unit, organizer, when=None):
        with time_machine.travel(when or at(2, 17), tick=False):
            person = factories.person(committee=committee, given_name=name)
            entries[name] = factories.on_roster(
                campaign=campaign, person=person, unit=unit, organizer=organizer
            )
        people[name] = person

    add("Ana", receiving, olga)
    add("Ben", receiving, olga)
    add("Cal", receiving, oscar)
    add("Dee", shipping, oscar)
    add("Eve", receiving, oscar)
    add("Fay", receiving, olga)
    add("Gus", shipping, None)
    add("Gus 2", shipping, None)
    add("Hal", None, olga, when=at(3, 4))

    def talk(name, when, level, by, leader=False):
        data = ConversationData(
            happened_at=when, channel="in_person", assessment=level, is_leader=leader
        )
        conversation_log(campaign=campaign, person=people[name], organizer=by, data=data)

    talk("Ana", at(2, 18), 3, olga)
    talk("Ana", at(3, 4), 1, olga, leader=True)
    talk("Ben", at(2, 25), 2, olga)
    talk("Dee", at(2, 19), 4, oscar)  # logged today, happened in W1
    talk("Dee", at(3, 11), 2, oscar)
    talk("Eve", at(2, 26), 2, oscar)
    talk("Fay", at(2, 20), 1, olga)
    talk("Gus", at(2, 24), 2, lead)
    talk("Gus 2", at(3, 3), 3, lead)
    with time_machine.travel(at(3, 5), tick=False):
        roster_remove(entry=entries["Fay"], reason="Quit")
    eve = entries["Eve"]
    roster_entry_update(
        entry=eve, unit=nights, title="", shift="", is_leader=False, organizer=oscar
    )
    person_merge(survivor=people["Gus"], duplicate=people["Gus 2"], choices={})
    # Follow-ups made after the conversations (logging one closes the person's open ones).
    for name, due, by in [
        ("Cal", date(2025, 3, 1), oscar),  # overdue
        ("Hal", date(2025, 3, 10), olga),  # overdue
        ("Ben", date(2025, 3, 12), olga),  # due today: not overdue
        ("Fay", date(2025, 3, 1), olga),  # off the roster: not counted
    ]:
        FollowUp.objects.create(
            campaign=campaign, person=people[name], organizer=by, due_on=due, description="Call"
        )
    return {
        "campaign": campaign,
        "units": {"Receiving": receiving, "Shipping": shipping, "Nights": nights},
        "site": site,
        "people": people,
        "olga": olga,
        "oscar": oscar,
        "lead": lead,
    }


@pytest.fixture
def actions(story, committee, lead):
    """Two past actions and one coming up (plus a cancelled one and another campaign's)."""
    campaign, people = story["campaign"], story["people"]
    zed = factories.person(committee=committee, given_name="Zed")  # on no roster

    def action(title, starts, capacity=None, **extra):
        return Action.objects.create(
            committee=committee,
            campaign=extra.pop("on", campaign),
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            capacity=capacity,
            created_by=lead,
            **extra,
        )

    def rsvp(act, person, response="", attended=None, invited=True, **extra):
        return Rsvp.objects.create(
            action=act,
            person=person,
            response=response,
            attended=attended,
            invited_at=NOW if invited else None,
            **extra,
        )

    petition = action("Petition delivery", at(3, 6, 18))
    rsvp(petition, people["Ana"], "yes", attended=True)
    rsvp(petition, people["Ben"], "yes", attended=False)
    rsvp(petition, people["Dee"], "maybe", attended=True)
    rsvp(petition, people["Cal"], "no")
    rsvp(petition, people["Eve"])
    rsvp(petition, zed, attended=True, invited=False, source=Rsvp.Source.WALK_IN)
    meeting = action("Committee meeting", at(2, 27, 18))
    rsvp(meeting, people["Ana"], "yes", attended=True)
    rsvp(meeting, people["Eve"], "yes", attended=True)
    rally = action("Rally", at(3, 20, 17), capacity=3)
    rsvp(rally, people["Ana"], "yes", guests=1)
    rsvp(rally, people["Ben"], "yes")
    rsvp(rally, people["Gus"], "yes", waitlisted_at=NOW)
    rsvp(rally, people["Hal"], "maybe")
    cancelled = action("Cancelled picket", at(3, 7, 18), cancelled_at=NOW)
    rsvp(cancelled, people["Ana"], "yes", attended=True)
    other = factories.campaign(committee=committee, code_name="Oak")
    rsvp(action("Oak meeting", at(3, 6, 18), on=other), people["Ben"], "yes", attended=True)
    return {"petition": petition, "meeting": meeting, "rally": rally}


def build(story, **filters):
    campaign = story["campaign"]
    trends_refresh(campaign_ids=[campaign.pk])  # as the dashboard's view does first
    return dashboard_build(
        campaign=campaign,
        filters=DashboardFilters(**filters),
        places=dashboard_places(campaign),
    )


def dashboard_url(campaign) -> str:
    return reverse("campaign_dashboard", args=[campaign.pk])
