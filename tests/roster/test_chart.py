"""The chart: Harbor's Warehouse charted unit by unit, as its team and its leads see it.

The Warehouse: Receiving (with Night shift under it) and Shipping; one person not placed.

    Receiving     Ana Ruiz 1 ★ (Nina's), Ben Cole 2, Cara "Cece" Diaz unassessed
      Night shift Dev Patel 3 (Rosa's, night owls), Eli Moss 2, Fay Lund 1 (taken off the roster)
    Shipping      Gus Hale 5 (night owls), Hana Ito 4 ★
    Unplaced      Ida Bell 2
"""

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from campaigns.roster.selectors import ChartFilters, chart_build
from campaigns.roster.services import assessment_record, roster_remove
from members.models import Tag
from tests import factories

CHIP = re.compile(r'<(a|span|label) class="chip a(\d)"([^>]*)>(.*?)</\1>', re.S)


@pytest.fixture
def warehouse(committee, campaign, team_organizer, lead):
    site = factories.site(campaign=campaign, name="Warehouse")
    receiving = factories.unit(site=site, name="Receiving")
    night = factories.unit(site=site, name="Night shift", parent=receiving)
    shipping = factories.unit(site=site, name="Shipping")
    owls = Tag.objects.create(committee=committee, name="night owls")

    def place(given, family, unit, level=None, **fields):
        tags = fields.pop("tags", [])
        preferred = fields.pop("preferred_name", "")
        person = factories.person(
            committee=committee, given_name=given, family_name=family, preferred_name=preferred
        )
        person.tags.set(tags)
        entry = factories.on_roster(campaign=campaign, person=person, unit=unit, **fields)
        if level:
            assessment_record(
                entry=entry, level=level, happened_at=timezone.now(), recorded_by=team_organizer
            )
        return entry

    entries = {
        "ana": place("Ana", "Ruiz", receiving, 1, is_leader=True, organizer=team_organizer),
        "ben": place("Ben", "Cole", receiving, 2),
        "cara": place("Cara", "Diaz", receiving, preferred_name="Cece"),
        "dev": place("Dev", "Patel", night, 3, organizer=lead, tags=[owls]),
        "eli": place("Eli", "Moss", night, 2),
        "fay": place("Fay", "Lund", night, 1),
        "gus": place("Gus", "Hale", shipping, 5, tags=[owls]),
        "hana": place("Hana", "Ito", shipping, 4, is_leader=True),
        "ida": place("Ida", "Bell", None, 2),
    }
    roster_remove(entry=entries["fay"], reason="moved away")
    return SimpleNamespace(
        site=site, receiving=receiving, night=night, shipping=shipping, owls=owls, **entries
    )


def chart_url(campaign) -> str:
    return reverse("campaign_chart", args=[campaign.pk])


def get_chart(client, user, url, **kwargs):
    client.force_login(user)
    return client.get(url, **kwargs)


def region(response) -> str:
    """The chart region of a page (the part htmx swaps), or the whole htmx answer."""
    html = response.content.decode()
    return html.split('id="chart"', 1)[-1]


def chips(response) -> dict[str, tuple[str, str]]:
    """Each chip in the chart region: the name shown -> (colour class number, the chip's HTML)."""
    found = {}
    for _tag, level, attributes, inner in CHIP.findall(region(response)):
        name = re.sub(r"<(b|span)\b[^>]*>.*?</\1>|<[^>]+>", "", inner).strip()
        found[name] = (level, f"{attributes}>{inner}")
    return found


def text(page) -> str:
    """A response (or some of its HTML) as a reader sees it: no tags, single spaces."""
    html = page if isinstance(page, str) else page.content.decode()
    html = re.sub(r"<[^>]+>", " ", html)
    return " ".join(html.split())


# --- Who sees it -----------------------------------------------------------------------------


def test_it_shows_the_team_organizer_every_unit_with_its_people(
    client, campaign, team_organizer, warehouse
):
    response = get_chart(client, team_organizer, chart_url(campaign))

    assert response.status_code == 200
    page = text(response)
    assert page.index("Receiving") < page.index("Night shift") < page.index("Shipping")
    assert set(chips(response)) == {
        "Ana Ruiz",
        "Ben Cole",
        "Cece Diaz",
        "Dev Patel",
        "Eli Moss",
        "Gus Hale",
        "Hana Ito",
        "Ida Bell",
    }


def test_it_shows_the_committee_lead_the_chart(client, campaign, lead, warehouse):
    response = get_chart(client, lead, chart_url(campaign))

    assert response.status_code == 200
    assert "Ana Ruiz" in chips(response)


@pytest.mark.parametrize("persona", ["outside_organizer", "outsider", "member"])
def test_it_hides_the_chart_from_everyone_outside_the_campaign(
    client, request, campaign, warehouse, persona
):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(chart_url(campaign)).status_code == 404
    site_url = reverse("site_chart", args=[campaign.pk, warehouse.site.pk])
    assert client.get(site_url).status_code == 404


def test_it_sends_visitors_who_are_not_logged_in_to_the_login_page(client, campaign):
    response = client.get(chart_url(campaign))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- Chips -------------------------------------------------------------------------------------


def test_it_shows_each_assessment_as_a_number_in_a_coloured_chip(
    client, campaign, team_organizer, warehouse
):
    shown = chips(get_chart(client, team_organizer, chart_url(campaign)))

    assert {name: level for name, (level, _html) in shown.items()} == {
        "Ana Ruiz": "1",
        "Ben Cole": "2",
        "Cece Diaz": "0",
        "Dev Patel": "3",
        "Eli Moss": "2",
        "Gus Hale": "5",
        "Hana Ito": "4",
        "Ida Bell": "2",
    }
    assert "<b>2</b>" in shown["Ben Cole"][1]
    assert "style=" not in region(get_chart(client, team_organizer, chart_url(campaign)))


def test_it_shows_the_unassessed_with_a_word_never_a_number(
    client, campaign, team_organizer, warehouse
):
    _level, html = chips(get_chart(client, team_organizer, chart_url(campaign)))["Cece Diaz"]

    assert 'title="Unassessed"' in html
    assert not re.search(r"\d", re.sub(r'href="[^"]*"', "", html))


def test_it_marks_leaders_with_a_labelled_star(client, campaign, team_organizer, warehouse):
    shown = chips(get_chart(client, team_organizer, chart_url(campaign)))

    assert 'aria-label="Leader"' in shown["Ana Ruiz"][1]
    assert "★" in shown["Hana Ito"][1]
    assert "★" not in shown["Ben Cole"][1]


def test_it_links_each_chip_to_the_persons_page(client, campaign, team_organizer, warehouse):
    try:
        person_url = reverse("person_detail", args=[warehouse.ben.person_id])
    except NoReverseMatch:
        pytest.skip("the person page is not built yet")

    shown = chips(get_chart(client, team_organizer, chart_url(campaign)))

    assert f'href="{person_url}"' in shown["Ben Cole"][1]


def test_it_offers_to_add_a_person_to_each_unit(client, campaign, team_organizer, warehouse):
    try:
        add_url = reverse("roster_add", args=[campaign.pk])
    except NoReverseMatch:
        pytest.skip("adding a person is not built yet")

    response = get_chart(client, team_organizer, chart_url(campaign))

    for unit in (warehouse.receiving, warehouse.night, warehouse.shipping):
        assert f'href="{add_url}?unit={unit.pk}"' in response.content.decode()


# --- Stats -------------------------------------------------------------------------------------


def test_it_counts_each_unit_with_the_units_under_it(campaign, warehouse):
    chart = chart_build(campaign=campaign, filters=ChartFilters())
    receiving, shipping = chart.sites[0].units
    night = receiving.children[0]

    assert (night.stats.people, night.stats.assessed, night.stats.ones, night.stats.twos) == (
        2,
        2,
        0,
        1,
    )
    assert (receiving.stats.people, receiving.stats.assessed, receiving.stats.supporters) == (
        5,
        4,
        3,
    )
    assert (receiving.stats.support, receiving.stats.leaders) == (60, 1)
    assert (shipping.stats.people, shipping.stats.support, shipping.stats.goal) == (
        2,
        0,
        "interest",
    )
    assert (chart.sites[0].stats.people, chart.stats.people, chart.stats.supporters) == (7, 8, 4)


def test_it_leaves_people_taken_off_the_roster_out(client, campaign, team_organizer, warehouse):
    response = get_chart(client, team_organizer, chart_url(campaign))

    assert "Fay Lund" not in response.content.decode()
    night = chart_build(campaign=campaign, filters=ChartFilters()).sites[0].units[0].children[0]
    assert night.stats.people == 2
    assert night.stats.ones == 0


def test_it_does_not_count_the_unassessed_as_assessed(campaign, warehouse):
    receiving = chart_build(campaign=campaign, filters=ChartFilters()).sites[0].units[0]

    assert receiving.stats.people == 5
    assert receiving.stats.assessed == 4


def test_it_shows_support_against_the_next_threshold(client, campaign, team_organizer, warehouse):
    page = text(get_chart(client, team_organizer, chart_url(campaign)))

    assert "50% · majority above 50%" in page  # the campaign: 4 of 8
    assert "42% · majority above 50%" in page  # the Warehouse: 3 of 7
    assert "60% · supermajority at 67%" in page  # Receiving: 3 of 5
    assert "0% · showing of interest at 30%" in page  # Shipping
    assert "5 people · 4 assessed · 1s 1 · 2s 2 · ★ 1 leader" in page


def test_it_uses_the_campaigns_own_thresholds(client, campaign, team_organizer, warehouse):
    campaign.threshold_interest, campaign.threshold_majority = 40, 60
    campaign.threshold_super = 80
    campaign.save()

    page = text(get_chart(client, team_organizer, chart_url(campaign)))

    assert "50% · majority above 60%" in page
    assert "42% · majority above 60%" in page


def test_it_flags_units_without_a_leader(client, campaign, team_organizer, warehouse):
    page = text(get_chart(client, team_organizer, chart_url(campaign)))

    assert "Night shift 50% · majority above 50% 2 people · 2 assessed" in page
    assert "1s 0 · 2s 1 · no leader yet" in page


def test_it_puts_people_without_a_unit_in_an_unplaced_row(
    client, campaign, team_organizer, warehouse
):
    page = text(get_chart(client, team_organizer, chart_url(campaign)))

    assert page.index("Unplaced") < page.index("Ida Bell")


# --- One site ----------------------------------------------------------------------------------


def test_it_charts_one_site_alone(client, committee, campaign, team_organizer, warehouse):
    annex = factories.site(campaign=campaign, name="Annex")
    person = factories.person(committee=committee, given_name="Jon", family_name="Kim")
    factories.on_roster(
        campaign=campaign, person=person, unit=factories.unit(site=annex, name="Dock")
    )

    url = reverse("site_chart", args=[campaign.pk, warehouse.site.pk])
    response = get_chart(client, team_organizer, url)

    assert response.status_code == 200
    assert set(chips(response)) == {
        "Ana Ruiz",
        "Ben Cole",
        "Cece Diaz",
        "Dev Patel",
        "Eli Moss",
        "Gus Hale",
        "Hana Ito",
    }
    assert "7 people on the roster" in text(response)
    assert "Unplaced" not in text(response)


def test_it_404s_for_another_campaigns_site(client, committee, campaign, lead, warehouse):
    oak_site = factories.site(campaign=factories.campaign(committee=committee, code_name="Oak"))

    response = get_chart(client, lead, reverse("site_chart", args=[campaign.pk, oak_site.pk]))

    assert response.status_code == 404


# --- Filters -----------------------------------------------------------------------------------

FILTERS = {
    "assessment 2": (lambda w, org: {"assessment": "2"}, {"Ben Cole", "Eli Moss", "Ida Bell"}),
    "1s and 5s": (lambda w, org: {"assessment": ["1", "5"]}, {"Ana Ruiz", "Gus Hale"}),
    "unassessed": (lambda w, org: {"assessment": "none"}, {"Cece Diaz"}),
    "organizer": (lambda w, org: {"organizer": org.pk}, {"Ana Ruiz"}),
    "no organizer": (
        lambda w, org: {"organizer": "none"},
        {"Ben Cole", "Cece Diaz", "Eli Moss", "Gus Hale", "Hana Ito", "Ida Bell"},
    ),
    "leaders": (lambda w, org: {"leader": "1"}, {"Ana Ruiz", "Hana Ito"}),
    "tag": (lambda w, org: {"tag": w.owls.pk}, {"Dev Patel", "Gus Hale"}),
    "unit and under": (
        lambda w, org: {"unit": w.receiving.pk},
        {"Ana Ruiz", "Ben Cole", "Cece Diaz", "Dev Patel", "Eli Moss"},
    ),
    "preferred name": (lambda w, org: {"q": "cEcE"}, {"Cece Diaz"}),
    "given name": (lambda w, org: {"q": "cara"}, {"Cece Diaz"}),
    "family name": (lambda w, org: {"q": "PAT"}, {"Dev Patel"}),
    "full name": (lambda w, org: {"q": "ana ruiz"}, {"Ana Ruiz"}),
    "combined": (
        lambda w, org: {"assessment": "2", "unit": w.receiving.pk},
        {"Ben Cole", "Eli Moss"},
    ),
}


@pytest.mark.parametrize("name", FILTERS)
def test_it_shows_only_the_people_a_filter_keeps(client, campaign, team_organizer, warehouse, name):
    params, expected = FILTERS[name]

    response = get_chart(
        client, team_organizer, chart_url(campaign), data=params(warehouse, team_organizer)
    )

    assert response.status_code == 200
    assert set(chips(response)) == expected


def test_it_says_how_many_of_the_roster_it_shows(client, campaign, team_organizer, warehouse):
    response = get_chart(client, team_organizer, chart_url(campaign), data={"assessment": "2"})

    assert "Showing 3 of 8" in text(response)


def test_it_keeps_counting_whole_units_while_filtering(client, campaign, team_organizer, warehouse):
    response = get_chart(client, team_organizer, chart_url(campaign), data={"assessment": "2"})

    page = text(response)
    assert "Receiving 60% · supermajority at 67% 5 people · 4 assessed" in page
    assert "Night shift 50% · majority above 50% 2 people" in page


def test_it_hides_units_nobody_shown_is_in(client, campaign, team_organizer, warehouse):
    response = get_chart(client, team_organizer, chart_url(campaign), data={"assessment": "5"})

    page = text(region(response))
    assert "Shipping" in page
    assert "Receiving" not in page
    assert "Unplaced" not in page


def test_it_says_when_no_one_matches(client, campaign, team_organizer, warehouse):
    response = get_chart(client, team_organizer, chart_url(campaign), data={"q": "zzz"})

    assert "No one matches these filters." in text(response)
    assert "Showing 0 of 8" in text(response)


def test_it_ignores_filters_that_do_not_fit(client, committee, campaign, lead, warehouse):
    oak = factories.campaign(committee=committee, code_name="Oak")
    oak_unit = factories.unit(site=factories.site(campaign=oak), name="Oak unit")
    person = factories.person(committee=committee, given_name="Olga", family_name="Oak")
    factories.on_roster(campaign=oak, person=person, unit=oak_unit)

    response = get_chart(client, lead, chart_url(campaign), data={"unit": oak_unit.pk})
    assert response.status_code == 200
    assert chips(response) == {}
    assert "Olga" not in response.content.decode()

    response = get_chart(client, lead, chart_url(campaign), data={"tag": 999999, "organizer": "x"})
    assert len(chips(response)) == 8


def test_it_keeps_the_filters_in_the_form(client, campaign, team_organizer, warehouse):
    response = get_chart(
        client, team_organizer, chart_url(campaign), data={"q": "Ben", "assessment": ["2", "5"]}
    )

    html = response.content.decode()
    assert 'name="q" value="Ben"' in html
    assert re.search(r'value="2"[^>]*checked', html)
    assert re.search(r'value="5"[^>]*checked', html)
    assert not re.search(r'value="3"[^>]*checked', html)


def test_it_redraws_only_the_chart_for_htmx(client, campaign, team_organizer, warehouse):
    client.force_login(team_organizer)

    partial = client.get(
        chart_url(campaign), {"assessment": "2", "q": "", "tag": ""}, headers={"HX-Request": "true"}
    )
    whole = client.get(chart_url(campaign), {"assessment": "2"})

    assert "<html" not in partial.content.decode()
    assert 'class="filters' not in partial.content.decode()
    assert set(chips(partial)) == {"Ben Cole", "Eli Moss", "Ida Bell"}
    assert "Showing 3 of 8" in text(partial)
    assert "<html" in whole.content.decode()
    assert 'hx-push-url="true"' in whole.content.decode()
    assert partial["HX-Push-Url"] == f"{chart_url(campaign)}?assessment=2"
    assert "HX-Request" in partial["Vary"]
    assert "HX-Request" in whole["Vary"]


def test_it_gives_htmx_the_whole_page_when_restoring_history(
    client, campaign, team_organizer, warehouse
):
    client.force_login(team_organizer)
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}

    response = client.get(chart_url(campaign), {"assessment": "2"}, headers=headers)

    assert "<html" in response.content.decode()


# --- Select mode -------------------------------------------------------------------------------


def test_it_turns_chips_into_checkboxes_to_select_people(
    client, campaign, team_organizer, warehouse
):
    response = get_chart(client, team_organizer, chart_url(campaign), data={"select": "1"})

    html = response.content.decode()
    assert f'action="{reverse("roster_bulk", args=[campaign.pk])}"' in html
    assert f'name="entry" value="{warehouse.ben.pk}"' in html
    assert 'type="checkbox"' in chips(response)["Ben Cole"][1]


# --- Speed -------------------------------------------------------------------------------------


def roster_of(committee, campaign, people: int, units: int) -> None:
    site = factories.site(campaign=campaign, name=f"Site of {people}")
    top = factories.unit(site=site, name="Top")
    placed = [top] + [factories.unit(site=site, name=f"U{n}", parent=top) for n in range(units)]
    tag = Tag.objects.create(committee=committee, name=f"tag {people}")
    for n in range(people):
        person = factories.person(committee=committee, family_name=f"F{n}")
        person.tags.add(tag)
        factories.on_roster(
            campaign=campaign, person=person, unit=placed[n % len(placed)], is_leader=n % 7 == 0
        )


def queries_for(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"q": "f1", "leader": "1"}, {"select": "1"}])
def test_it_makes_as_few_queries_for_60_people_as_for_5(
    client, committee, lead, team_organizer, params
):
    small = factories.campaign(committee=committee, code_name="Small")
    big = factories.campaign(committee=committee, code_name="Big")
    roster_of(committee, small, people=5, units=2)
    roster_of(committee, big, people=60, units=12)
    client.force_login(lead)

    few = queries_for(client, chart_url(small), params)
    many = queries_for(client, chart_url(big), params)

    assert few == many
    assert many <= 12


def test_it_makes_one_more_query_to_filter_by_tag(
    client, committee, lead, django_assert_max_num_queries
):
    big = factories.campaign(committee=committee, code_name="Big")
    roster_of(committee, big, people=60, units=12)
    tag = Tag.objects.get(name="tag 60")
    client.force_login(lead)

    with django_assert_max_num_queries(13):
        response = client.get(chart_url(big), {"tag": tag.pk})

    assert len(chips(response)) == 60


# --- In a browser ------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_organizer_filters_as_they_type_then_assigns_who_they_found(
    page, live_server, campaign, team_organizer, warehouse
):
    from playwright.sync_api import expect

    page.goto(live_server.url + reverse("account_login"))
    page.get_by_label("Email").fill(team_organizer.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(factories.totp_code(factories.totp_secret(team_organizer)))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Welcome, Nina")).to_be_visible()
    page.goto(live_server.url + chart_url(campaign))
    chart = page.locator("#chart")

    page.get_by_label("Find a person").fill("cole")
    expect(chart.get_by_role("status")).to_contain_text("Showing 1 of 8")
    expect(page).to_have_url(re.compile(r"q=cole"))
    page.reload()
    expect(chart.locator(".chip")).to_have_count(1)
    expect(page.get_by_label("Find a person")).to_have_value("cole")

    page.get_by_role("link", name="Select people").click()
    page.locator("#chart").get_by_label("Ben Cole").check()
    page.get_by_label("Organizer", exact=True).last.select_option(label="Nina Okafor")
    page.get_by_role("button", name="Assign").click()

    expect(page.get_by_text("Assigned 1 person to Nina Okafor.")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=cole"))
    warehouse.ben.refresh_from_db()
    assert warehouse.ben.organizer == team_organizer


@pytest.mark.parametrize(
    ("supporters", "people", "reached"),
    [
        (0, 0, 0),  # an empty unit has met nothing
        (3, 10, 1),  # 30%: the showing of interest
        (5, 10, 1),  # exactly half is a tie, not a majority
        (6, 10, 2),  # 50% + 1
        (67, 100, 3),
    ],
)
def test_a_majority_needs_more_than_half(supporters, people, reached):
    from campaigns.roster.selectors import Stats

    stats = Stats(thresholds=(30, 50, 67), people=people, ones=0, twos=supporters)

    assert stats.reached == reached
