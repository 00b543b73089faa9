"""The campaign dashboard and the committee overview, checked number by number against a
small campaign computed by hand.

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

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.dashboards.selectors import (
    DashboardFilters,
    dashboard_build,
    dashboard_places,
    overview_build,
)
from campaigns.models import Action, FollowUp, RosterEntry, Rsvp
from campaigns.people.services import person_merge, roster_entry_update
from campaigns.roster.services import roster_remove
from members.models import AuditEvent, Membership
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
    return dashboard_build(
        campaign=campaign,
        filters=DashboardFilters(**filters),
        places=dashboard_places(campaign),
    )


def dashboard_url(campaign) -> str:
    return reverse("campaign_dashboard", args=[campaign.pk])


# --- Headline numbers ----------------------------------------------------------------------------


def test_it_counts_the_roster_as_it_is_today(story):
    total = build(story).total

    assert total.people == 7  # 9 added, Fay removed, Gus 2 merged into Gus
    assert total.contacted == 5  # Ana, Ben, Dee, Eve, Gus; not Cal or Hal
    assert total.contacted_pct == 71  # 500 // 7
    assert total.stats.assessed == 5
    assert total.assessed_pct == 71
    assert total.levels == [1, 3, 1, 0, 0]  # Ana 1; Ben, Dee, Eve 2; Gus 3 (merged, latest)
    assert total.unassessed == 2  # Cal, Hal
    assert total.stats.supporters == 4
    assert total.stats.support == 57  # 400 // 7
    # 57% is past 30% and over 50%, not yet 67%: 67 × 7 / 100 = 4.69, so 5 supporters.
    assert total.stats.goal == "super"
    assert total.needed == 1
    assert total.stats.leaders == 1  # Ana, flagged in her 4 Mar conversation
    assert total.organizers == 2  # Olga (Ana, Ben, Hal) and Oscar (Cal, Dee, Eve)
    assert total.committee == 3  # 2 organizers + 1 leader
    assert total.people_per_committee == 2  # round(7 / 3)


def test_it_shows_the_headline_numbers_on_the_page(client, story):
    client.force_login(story["lead"])

    response = client.get(dashboard_url(story["campaign"]))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-stat="roster"><dt>On the roster</dt><dd><strong>7</strong>' in html
    assert 'data-stat="support"><dt>Support (1s and 2s)</dt><dd><strong>57%</strong>' in html
    assert '<strong>1</strong> <span class="muted">more supporter for the supermajority (67%)' in (
        " ".join(html.split())
    )
    assert response.context["dashboard"].overdue == 2


# --- The unit table ------------------------------------------------------------------------------


def row_facts(row):
    c = row.coverage
    return (
        row.name or "Unplaced",
        c.people,
        c.contacted_pct,
        c.assessed_pct,
        c.stats.support,
        c.stats.leaders,
        row.days_quiet,
        c.stats.goal_at if c.stats.goal else None,
        c.needed,
    )


def test_it_lists_units_worst_covered_first(story):
    rows = [row_facts(row) for row in build(story).units]

    assert rows == [
        # Hal alone, never talked with: 0% assessed. Interest: ceil(0.3) = 1 supporter.
        ("Unplaced", 1, 0, 0, 0, 0, None, 30, 1),
        # Ana, Ben, Cal (Eve moved out, Fay removed): 2 of 3 contacted and assessed (66%),
        # both supporters (66%); last talk Ana on 4 Mar, 8 days ago; 67% of 3 = 2.01 → 3.
        ("Receiving", 3, 66, 66, 66, 1, 8, 67, 1),
        # Eve alone since her move, a 2: every threshold met; last talk 26 Feb, 14 days.
        ("Shipping › Nights", 1, 100, 100, 100, 0, 14, None, 0),
        # Dee (2) and Gus (3): 50% is not over 50%; a majority of 2 needs 2, so 1 more.
        # Last talk Dee on 11 Mar, 1 day ago.
        ("Shipping", 2, 100, 100, 50, 0, 1, 50, 1),
    ]


def test_it_sorts_the_unit_table_by_a_column(client, story):
    client.force_login(story["lead"])

    response = client.get(dashboard_url(story["campaign"]), {"sort": "name"})

    names = [row.name or "Unplaced" for row in response.context["units"]]
    assert names == ["Receiving", "Shipping", "Shipping › Nights", "Unplaced"]
    assert 'aria-sort="ascending"' in response.content.decode()


# --- Trends, as of each week ---------------------------------------------------------------------


def week_facts(weeks):
    return [
        (
            w.starts_on,
            w.roster,
            w.assessed,
            w.supporters,
            w.support,
            w.assessed_pct,
            w.conversations,
        )
        for w in weeks
    ]


def test_it_computes_each_week_from_the_history_not_today(story):
    weeks = week_facts(build(story).weeks)

    assert weeks == [
        # W1 end: 7 on the roster (Hal not yet, Fay still). Ana 3, Dee 4 (back-dated), Fay 1:
        # 3 assessed (42%), 1 supporter (14%). Conversations: Ana, Dee, Fay.
        (date(2025, 2, 17), 7, 3, 1, 14, 42, 3),
        # W2 end: + Ben 2, Eve 2, Gus 2 → 6 assessed (85%); Ben, Eve, Fay, Gus → 4 (57%).
        # Conversations: Gus 24 Feb, Ben 25, Eve 26.
        (date(2025, 2, 24), 7, 6, 4, 57, 85, 3),
        # W3 end: Fay off the roster (5 Mar), Hal on (4 Mar): 7. Ana now 1, Gus now 3 (his
        # merged record of 3 Mar): assessed Ana, Ben, Dee, Eve, Gus = 5 (71%); supporters
        # Ana, Ben, Eve = 3 (42%). Conversations: Gus 2's (now Gus's) 3 Mar, Ana 4 Mar.
        (date(2025, 3, 3), 7, 5, 3, 42, 71, 2),
        # W4 so far: Dee now 2 → Ana, Ben, Dee, Eve = 4 (57%), as today. Conversation: Dee.
        (date(2025, 3, 10), 7, 5, 4, 57, 71, 1),
    ]


def test_it_narrows_trends_to_a_unit_and_what_is_under_it(story):
    shipping = story["units"]["Shipping"]

    dashboard = build(story, unit_id=shipping.pk)

    # Shipping and Nights: Dee, Gus and Eve (in Nights today, so counted here all along).
    assert week_facts(dashboard.weeks) == [
        (date(2025, 2, 17), 3, 1, 0, 0, 33, 1),  # Dee 4; Dee's conversation
        (date(2025, 2, 24), 3, 3, 2, 66, 100, 2),  # Dee 4, Eve 2, Gus 2; Gus's and Eve's
        (date(2025, 3, 3), 3, 3, 1, 33, 100, 1),  # Gus now 3: only Eve; Gus 2's talk
        (date(2025, 3, 10), 3, 3, 2, 66, 100, 1),  # Dee now 2; Dee's talk
    ]
    assert (dashboard.total.people, dashboard.total.stats.supporters) == (3, 2)
    assert [row.name for row in dashboard.units] == ["Shipping › Nights", "Shipping"]


def test_it_narrows_to_a_site(story):
    dashboard = build(story, site_id=story["site"].pk)

    assert dashboard.total.people == 6  # everyone but Hal, who is in no unit
    assert "Unplaced" not in [row.name or "Unplaced" for row in dashboard.units]


def test_it_narrows_the_weeks_by_the_date_range(story):
    weeks = week_facts(build(story, since=date(2025, 3, 4), until=date(2025, 3, 9)).weeks)

    # Only W3, with the numbers it has when counted from the start.
    assert weeks == [(date(2025, 3, 3), 7, 5, 3, 42, 71, 2)]


# --- Organizers ----------------------------------------------------------------------------------


def organizer_facts(dashboard):
    return [
        (r.name, r.conversations, r.overdue, r.assigned, r.on_team) for r in dashboard.organizers
    ]


def test_it_shows_each_organizers_work(story):
    dashboard = build(story)

    assert organizer_facts(dashboard) == [
        # Olga: Ana ×2, Ben, Fay = 4 conversations; Hal's follow-up is overdue (Fay's is,
        # but she is off the roster); assigned Ana, Ben, Hal.
        ("Olga One", 4, 1, 3, True),
        # Oscar: Dee ×2, Eve = 3; Cal's follow-up overdue; assigned Cal, Dee, Eve.
        ("Oscar Two", 3, 1, 3, True),
        # Rosa the lead logged Gus's two, is assigned no one and is not on the team.
        ("Rosa Delgado", 2, 0, 0, False),
    ]
    assert dashboard.conversations == 9


def test_it_counts_organizers_conversations_in_the_date_range(client, story):
    client.force_login(story["lead"])

    response = client.get(
        dashboard_url(story["campaign"]), {"since": "2025-03-03", "until": "2025-03-12"}
    )

    # Olga: Ana 4 Mar; Oscar: Dee 11 Mar; Rosa: Gus 2's 3 Mar. Two weeks shown.
    assert organizer_facts(response.context["dashboard"]) == [
        ("Olga One", 1, 1, 3, True),
        ("Oscar Two", 1, 1, 3, True),
        ("Rosa Delgado", 1, 0, 0, False),
    ]
    assert [weekly for _row, weekly in response.context["per_week"]] == [0.5, 0.5, 0.5]


# --- Actions and the structure test --------------------------------------------------------------


def test_it_shows_upcoming_actions_against_their_capacity(story, actions):
    (rally,) = build(story).upcoming

    assert rally.title == "Rally"
    assert (rally.invited, rally.yes, rally.guests, rally.places_taken) == (4, 2, 1, 3)
    assert (rally.maybe, rally.no, rally.waitlisted, rally.capacity) == (1, 0, 1, 3)


def test_it_shows_past_actions_with_turnout_and_who_came(story, actions):
    petition, meeting = build(story).past  # the latest first; not the cancelled one

    assert petition.title == "Petition delivery"
    # Invited: Ana, Ben, Dee, Cal, Eve (Zed walked in). Yes: Ana, Ben. Came: Ana, Dee, Zed.
    assert (petition.invited, petition.yes, petition.maybe, petition.no) == (5, 2, 1, 1)
    assert (petition.attended, petition.yes_attended, petition.turnout) == (3, 1, 50)
    assert petition.attended_levels == (1, 1, 0, 0, 0)  # Ana a 1, Dee a 2
    assert (petition.attended_unassessed, petition.attended_off_roster) == (0, 1)  # Zed
    assert (meeting.yes, meeting.attended, meeting.turnout) == (2, 2, 100)
    assert meeting.attended_levels == (1, 1, 0, 0, 0)  # Ana, Eve


def test_it_runs_the_structure_test_over_distinct_people(story, actions):
    structure = [(s.level, s.people, s.took_part, s.pct) for s in build(story).structure]

    assert structure == [
        (1, 1, 1, 100),  # Ana came to both: counted once
        (2, 3, 2, 66),  # Dee (petition) and Eve (meeting) of Ben, Dee, Eve
        (3, 1, 0, 0),  # Gus
        (4, 0, 0, 0),
        (5, 0, 0, 0),
        (0, 2, 0, 0),  # Cal and Hal
    ]


def test_the_structure_table_names_each_level(client, story, actions):
    client.force_login(story["lead"])

    html = client.get(dashboard_url(story["campaign"])).content.decode()

    rows = re.findall(r'<tr data-level="(\d)">\s*<th scope="row">.*?</span> ([^<]+)</th>', html)
    assert rows == [
        ("1", "1 · Leader"),
        ("2", "2 · Supporter"),
        ("3", "3 · Undecided"),
        ("4", "4 · Leaning against"),
        ("5", "5 · Opposed"),
        ("0", "Unassessed"),
    ]


def test_the_date_range_narrows_the_actions(story, actions):
    dashboard = build(story, since=date(2025, 3, 1), until=date(2025, 3, 10))

    assert [a.title for a in dashboard.past] == ["Petition delivery"]
    assert dashboard.upcoming == []
    assert [(s.level, s.took_part) for s in dashboard.structure][:2] == [(1, 1), (2, 1)]


# --- The page, filters, export -------------------------------------------------------------------


def test_it_redraws_only_the_dashboard_for_htmx_with_the_filters_in_the_address(client, story):
    client.force_login(story["lead"])
    url = dashboard_url(story["campaign"])
    nights = story["units"]["Nights"]

    response = client.get(url, {"unit": nights.pk}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<html" not in html
    assert "Showing Shipping › Nights only" in html
    assert response["HX-Push-Url"] == f"{url}?unit={nights.pk}"
    assert response.context["total"].people == 1


def test_it_drops_filters_that_do_not_fit(client, story):
    client.force_login(story["lead"])

    response = client.get(
        dashboard_url(story["campaign"]), {"unit": "999999", "since": "soon", "sort": "x"}
    )

    assert response.status_code == 200
    assert response.context["total"].people == 7


def test_it_exports_the_unit_table_as_shown_and_records_it(client, story):
    client.force_login(story["lead"])
    url = reverse("campaign_dashboard_export", args=[story["campaign"].pk])

    response = client.get(url, {"site": story["site"].pk})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="harbor-units-2025-03-12.csv"' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Site,Unit,People,Contacted,Contacted %,Assessed,Assessed %,1,")
    assert lines[1:] == [
        "Warehouse,Receiving,3,2,66,2,66,1,1,0,0,0,1,66,1,2025-03-04,8,67,1",
        "Warehouse,Shipping › Nights,1,1,100,1,100,0,1,0,0,0,0,100,0,2025-02-26,14,,0",
        "Warehouse,Shipping,2,2,100,2,100,0,1,1,0,0,0,50,0,2025-03-11,1,50,1",
    ]
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert (event.actor, event.campaign_id, event.count) == (
        story["lead"],
        story["campaign"].pk,
        3,
    )
    assert event.detail["of"] == "dashboard_units"


def test_the_export_reads_only_the_unit_table(client, story, actions):
    """No trends, organizers or actions are worked out for a CSV of units."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(story["lead"])
    url = reverse("campaign_dashboard_export", args=[story["campaign"].pk])

    with CaptureQueriesContext(connection) as queries:
        client.get(url)

    sql = " ".join(q["sql"] for q in queries)
    assert "generate_series" not in sql and "GROUPING(a.id)" not in sql


def test_an_organizer_of_the_campaign_sees_its_dashboard(client, story):
    client.force_login(story["olga"])

    response = client.get(dashboard_url(story["campaign"]))

    assert response.status_code == 200
    assert b'aria-current="page">Dashboard</a>' in response.content


def test_a_new_conversation_shows_at_once(client, story):
    client.force_login(story["lead"])
    campaign, people = story["campaign"], story["people"]
    data = ConversationData(happened_at=NOW, channel="phone", assessment=1)
    conversation_log(campaign=campaign, person=people["Cal"], organizer=story["oscar"], data=data)

    response = client.get(dashboard_url(campaign))

    assert response.context["total"].stats.supporters == 5  # Cal joins them


def test_leads_looking_together_share_one_computation_fresh_within_seconds(client, story, settings):
    """Cached for DASHBOARD_CACHE_SECONDS per campaign and filters: a conversation logged
    meanwhile shows once they have passed (here one second, as the setting says)."""
    import time

    settings.DASHBOARD_CACHE_SECONDS = 1
    client.force_login(story["lead"])
    campaign, people = story["campaign"], story["people"]

    def supporters() -> str:
        page = client.get(dashboard_url(campaign)).content.decode()
        stat = re.search(r'data-stat="support">.*?<span class="muted">(\d+) people', page, re.S)
        return stat.group(1)

    before = supporters()
    data = ConversationData(happened_at=NOW, channel="phone", assessment=1)
    conversation_log(campaign=campaign, person=people["Cal"], organizer=story["oscar"], data=data)

    assert supporters() == before  # the same view, kept
    time.sleep(1.1)
    assert supporters() != before  # Cal now counts


# --- Speed: a constant number of queries ---------------------------------------------------------


def grow(story, committee, n):
    """n more people per unit, each talked with twice, and an action with RSVPs."""
    campaign, olga = story["campaign"], story["olga"]
    action = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title=f"Meeting {n}",
        starts_at=at(3, 1, 18),
        ends_at=at(3, 1, 19),
    )
    for unit in [*story["units"].values(), None]:
        for i in range(n):
            person = factories.person(committee=committee, given_name=f"P{n}-{i}")
            factories.on_roster(campaign=campaign, person=person, unit=unit, organizer=olga)
            for day, level in [(18, 3), (26, 2)]:
                data = ConversationData(happened_at=at(2, day), channel="door", assessment=level)
                conversation_log(campaign=campaign, person=person, organizer=olga, data=data)
            Rsvp.objects.create(action=action, person=person, response="yes", attended=True)


@pytest.mark.parametrize("more", [0, 12])
def test_it_makes_the_same_few_queries_whatever_the_size(
    client, story, actions, committee, more, django_assert_max_num_queries
):
    grow(story, committee, more)
    client.force_login(story["lead"])

    with django_assert_max_num_queries(15) as queries:
        response = client.get(dashboard_url(story["campaign"]), {"sort": "support"})

    assert response.status_code == 200
    assert response.context["total"].people == 7 + 4 * more
    assert len(queries) <= 12


def test_the_query_count_does_not_grow(client, story, actions, committee):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(story["lead"])
    url = dashboard_url(story["campaign"])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"unit": story["units"]["Shipping"].pk})
    grow(story, committee, 10)
    with CaptureQueriesContext(connection) as big:
        client.get(url, {"unit": story["units"]["Shipping"].pk})

    assert len(big) == len(small)


# --- The committee overview ----------------------------------------------------------------------


def test_the_overview_puts_campaigns_side_by_side(client, story, committee):
    oak = factories.campaign(committee=committee, code_name="Oak")
    factories.campaign(committee=committee, code_name="Paused").__class__.objects.filter(
        code_name="Paused"
    ).update(status="paused")
    client.force_login(story["lead"])

    response = client.get(reverse("committee_overview", args=[committee.pk]))

    overview = response.context["overview"]
    assert [card.campaign for card in overview.cards] == [story["campaign"], oak]
    harbor = overview.cards[0]
    assert (harbor.coverage.people, harbor.coverage.stats.support, harbor.overdue) == (7, 57, 2)
    # The last 12 weeks, of which Harbor has 4: its support by week, as on its dashboard.
    assert [w.support for w in harbor.weeks] == [14, 57, 42, 57]
    assert [f.person.given_name for f in overview.overdue] == ["Cal", "Hal"]  # Cal's is older
    assert [f.days_late for f in overview.overdue] == [11, 2]
    assert overview.overdue_total == 2
    html = response.content.decode()
    assert "Support by week, Harbor" in html
    assert "14% → 57%" in html


def test_an_organizer_sees_only_their_campaigns_on_the_overview(story, committee):
    oak = factories.campaign(committee=committee, code_name="Oak")
    omar = factories.member_of(committee, Membership.Role.ORGANIZER, name="Omar")
    factories.on_team(campaign=oak, user=omar)

    overview = overview_build(committee=committee, user=omar)

    assert [card.campaign for card in overview.cards] == [oak]
    assert overview.overdue == []


def test_removed_entries_keep_their_history_in_the_trends(story):
    fay = RosterEntry.objects.get(person=story["people"]["Fay"])

    assert fay.removed_at is not None
    assert build(story).weeks[0].supporters == 1  # Fay's 1 counted while she was on it


def test_action_times_read_on_the_actions_own_clock(client, story, actions, lead):
    """17:00 UTC on 20 March 2025 is noon in Chicago (daylight time): the table says 12:00."""
    Action.objects.filter(pk=actions["rally"].pk).update(time_zone="America/Chicago")
    client.force_login(lead)

    page = client.get(dashboard_url(story["campaign"])).content.decode()

    assert "Thu 20 Mar, 12:00" in page


def test_a_waiting_message_is_shown_not_a_kept_page(client, story, settings):
    """The whole page is kept for a few seconds per session, except when a message waits to
    be shown on it (it must not be swallowed by a kept copy)."""
    from django.contrib.messages import INFO
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.http import HttpResponse

    settings.DASHBOARD_CACHE_SECONDS = 60
    client.force_login(story["lead"])
    url = dashboard_url(story["campaign"])
    client.get(url)  # kept now

    request = client.get(url).wsgi_request
    storage = CookieStorage(request)
    storage.add(INFO, "Saved the campaign.")
    response = HttpResponse()
    storage.update(response)  # as a redirect carrying a message would set it
    client.cookies.update(response.cookies)

    assert "Saved the campaign." in client.get(url).content.decode()
