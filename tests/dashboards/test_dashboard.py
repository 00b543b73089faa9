"""The campaign dashboard, number by number: headline numbers, the unit table, the weekly
trends, organizers, actions and the structure test. The story they check is told in
tests/dashboards/story.py."""

import re
from datetime import date

from tests.dashboards.story import build, dashboard_url

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
    # By assessment at the time of the action, not today's: on 6 March Ana was a 1 and Dee
    # still a 4 (she became a 2 on 11 March); Zed, on no roster, was unassessed.
    assert came_by_level(petition) == [1, 0, 0, 1, 0, 1]
    assert (meeting.yes, meeting.attended, meeting.turnout) == (2, 2, 100)
    assert came_by_level(meeting) == [0, 1, 1, 0, 0, 0]  # on 27 February Ana a 3, Eve a 2


def came_by_level(row) -> list[int]:
    """Who came, at levels 1 to 5 then unassessed."""
    return [level.came for level in row.levels]


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
