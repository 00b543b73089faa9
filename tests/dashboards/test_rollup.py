"""A tenant campaign's dashboard reads as the buildings are built: each building with its
totals, its floors with everyone under them added in, then the apartments; the columns say
what they count, so an assessed tenant nobody logged a one-on-one with is no contradiction.

The building, computed by hand ("today" is the story's NOW; days since the last one-on-one):

    Maple Court
      Floor 1     1A  Ana  talked 2 days ago, 1 + leader
                      Ben  assessed 2 by an import, never talked with
                  1B  Cal  nothing
      Floor 2         Eve  (placed on the floor itself) talked 10 days ago, 2
                  2A  Dee  talked 30 days ago, 3
    Elm House
      Floor 1     1A  Fay  nothing
    unplaced          Gus  nothing
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.dashboards.selectors import dashboard_places, unit_rollup
from campaigns.roster.services import assessment_record
from tests import factories
from tests.dashboards.story import NOW, build, dashboard_url


@pytest.fixture
def maple(frozen, committee, lead):
    campaign = factories.campaign(committee=committee, code_name="Maple", kind="tenant")
    court = factories.site(campaign=campaign, name="Maple Court")
    floor1 = factories.unit(site=court, name="Floor 1")
    floor2 = factories.unit(site=court, name="Floor 2")
    units = {
        "1A": factories.unit(site=court, name="1A", parent=floor1),
        "1B": factories.unit(site=court, name="1B", parent=floor1),
        "2A": factories.unit(site=court, name="2A", parent=floor2),
        "Floor 1": floor1,
        "Floor 2": floor2,
    }
    elm = factories.site(campaign=campaign, name="Elm House")
    elm_floor = factories.unit(site=elm, name="Floor 1")
    elm_1a = factories.unit(site=elm, name="1A", parent=elm_floor)

    def tenant(name, unit, talked_days_ago=None, level=None, leader=False):
        person = factories.person(committee=committee, given_name=name)
        entry = factories.on_roster(campaign=campaign, person=person, unit=unit)
        if talked_days_ago is not None:
            data = ConversationData(
                happened_at=NOW - timedelta(days=talked_days_ago),
                channel="in_person",
                assessment=level,
                is_leader=leader,
            )
            conversation_log(campaign=campaign, person=person, organizer=lead, data=data)
        elif level:
            assessment_record(entry=entry, level=level, happened_at=NOW, recorded_by=None)

    tenant("Ana", units["1A"], talked_days_ago=2, level=1, leader=True)
    tenant("Ben", units["1A"], level=2)
    tenant("Cal", units["1B"])
    tenant("Eve", floor2, talked_days_ago=10, level=2)
    tenant("Dee", units["2A"], talked_days_ago=30, level=3)
    tenant("Fay", elm_1a)
    tenant("Gus", None)
    return {"campaign": campaign, "lead": lead, "units": units}


def numbers(coverage, days_quiet):
    c = coverage
    return (
        c.people,
        c.contacted,
        c.stats.assessed,
        c.stats.supporters,
        c.stats.leaders,
        days_quiet,
    )


def test_it_adds_up_each_floor_and_building_from_the_apartments(maple):
    campaign = maple["campaign"]
    dashboard = build({"campaign": campaign})

    sites = unit_rollup(
        units=dashboard.units,
        places=dashboard_places(campaign),
        thresholds=campaign.threshold_triple,
        today=dashboard.today,
        tz=ZoneInfo(campaign.committee.time_zone),
    )

    elm, court, unplaced = sites  # the sites in their order, by name
    # people, talked with, assessed, supporters, leaders, days since the last one-on-one
    assert court.name == "Maple Court"
    assert numbers(court.coverage, court.days_quiet) == (5, 3, 4, 3, 1, 2)
    assert [(r.place.label, numbers(r.coverage, r.days_quiet)) for r in court.rows] == [
        ("Floor 1", (3, 1, 2, 2, 1, 2)),
        ("Floor 1 › 1A", (2, 1, 2, 2, 1, 2)),
        ("Floor 1 › 1B", (1, 0, 0, 0, 0, None)),
        ("Floor 2", (2, 2, 2, 1, 0, 10)),
        ("Floor 2 › 2A", (1, 1, 1, 0, 0, 30)),
    ]
    assert [r.has_children for r in court.rows] == [True, False, False, True, False]
    assert (court.coverage.contacted_pct, court.coverage.assessed_pct) == (60, 80)
    assert court.coverage.stats.support == 60
    assert elm.name == "Elm House"
    assert numbers(elm.coverage, elm.days_quiet) == (1, 0, 0, 0, 0, None)
    assert [r.place.label for r in elm.rows] == ["Floor 1", "Floor 1 › 1A"]
    assert (unplaced.site_id, unplaced.coverage.people, unplaced.rows) == (None, 1, [])


def test_the_page_shows_each_building_closed_with_its_totals(client, maple):
    client.force_login(maple["lead"])

    html = client.get(dashboard_url(maple["campaign"])).content.decode()

    assert "By building, floor and apartment" in html
    court = html.split('data-site="')[2]
    assert " open" not in court.split(">", 1)[0]  # floors and apartments wait inside
    summary = re.sub(r"\s+", " ", court.split("</summary>")[0])
    assert "Maple Court" in summary
    assert "5 people · 60% ever talked with · 80% ever assessed · support 60% · 1 leader" in summary
    floor2 = court.split(f'data-unit="{maple["units"]["Floor 2"].pk}"')[1].split("</tr>")[0]
    assert "with all under it" in floor2
    assert re.findall(r'<td class="num[^"]*">\s*(\d+)', floor2)[:5] == [
        "2",
        "100",
        "100",
        "50",
        "0",
    ]


def test_the_columns_say_what_they_count(client, maple):
    client.force_login(maple["lead"])

    html = client.get(dashboard_url(maple["campaign"])).content.decode()
    ben_and_ana = html.split(f'data-unit="{maple["units"]["1B"].pk}"')[1].split("</tr>")[0]

    for label in ["Ever talked with", "Ever assessed", "Days since anyone was talked with"]:
        assert f">{label}<" in html
    assert ">Contacted<" not in html
    assert "never talked with" in ben_and_ana


def test_a_workplace_dashboard_keeps_its_sortable_unit_table_with_the_same_words(client, story):
    client.force_login(story["lead"])

    html = client.get(dashboard_url(story["campaign"])).content.decode()

    assert "By building, floor and apartment" not in html
    assert ">Ever talked with<" in html
    assert ">Ever assessed</a>" in html
    assert ">Contacted<" not in html
