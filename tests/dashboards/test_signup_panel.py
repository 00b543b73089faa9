"""The dashboard's sign-up panel: the current drive's fresh, stale, revoked and not signed
against its thresholds, how many more reach the next, in the dashboard's site or unit; and
fresh signatures week by week, counted by the same rule as signature_statuses."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.roster.signatures import FRESH, signature_statuses, signature_trend
from campaigns.signups.services import drive_close, signature_record, signature_revoke
from tests import factories
from tests.signups.record_story import NOW, TODAY, card_drive, in_los_angeles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(committee, campaign):
    """Ten people in two units (A: 6, B: 4); a card drive opened 1 September with a
    three-month window: in A, four fresh, one stale, one revoked; in B, one fresh."""
    in_los_angeles(committee)
    site = factories.site(campaign=campaign)
    units = {name: factories.unit(site=site, name=name) for name in "AB"}
    with time_machine.travel(date(2026, 8, 1), tick=False):
        people = []
        for number in range(10):
            person = factories.person(committee=committee, given_name=f"P{number}")
            factories.on_roster(
                campaign=campaign, person=person, unit=units["A" if number < 6 else "B"]
            )
            people.append(person)
    drive = card_drive(campaign, opens_on=date(2026, 9, 1), fresh_months=3)

    def sign(n, day):
        return signature_record(drive=drive, person=people[n], signed_on=day, method="paper")

    sign(0, date(2026, 10, 1))
    sign(1, date(2026, 10, 20))
    sign(2, date(2026, 11, 10))
    sign(3, TODAY)  # the committee's Friday, while UTC has Saturday
    sign(4, date(2026, 9, 2))  # three months and two days: stale
    revoked = sign(5, date(2026, 10, 5)).signature
    signature_revoke(signature=revoked, revoked_on=date(2026, 11, 20), by_signer=False)
    sign(6, date(2026, 11, 1))
    return {"drive": drive, "units": units, "people": people}


def panel(client, campaign, **params) -> str:
    page = client.get(reverse("campaign_dashboard", args=[campaign.pk]), params).content.decode()
    start = page.find('id="dash-signups"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def test_it_counts_the_current_drive_against_its_thresholds(client, lead, campaign, world):
    client.force_login(lead)

    shown = panel(client, campaign)

    assert "Harbor union card" in shown
    assert "<strong>50%</strong>" in shown  # five fresh of ten
    assert 'data-stat="signed-stale"><dt>Signed, stale</dt><dd><strong>1</strong>' in shown
    assert 'data-stat="signed-revoked"><dt>Revoked</dt><dd><strong>1</strong>' in shown
    assert 'data-stat="not-signed"><dt>Not signed</dt><dd><strong>3</strong>' in shown
    # 50 % is not a majority: one more is.
    assert "more signature for a majority (over 50%)" in shown
    assert "30%: reached" in shown and "67%: 2 more" in shown


def test_it_counts_in_the_dashboards_unit(client, lead, campaign, world):
    client.force_login(lead)

    shown = panel(client, campaign, unit=world["units"]["B"].pk)

    assert "<strong>25%</strong>" in shown  # one fresh of four
    assert "more signature for a majority" not in shown
    assert "2 more signatures for a majority" not in shown


def test_no_drive_running_no_panel(client, lead, campaign, world):
    drive_close(drive=world["drive"], actor=None)
    client.force_login(lead)

    assert panel(client, campaign) == ""


def test_the_trend_agrees_with_the_statuses_on_each_weeks_last_day(world):
    drive = world["drive"]

    trend = signature_trend(drive, weeks=12)

    assert [point.day for point in trend] == [TODAY - timedelta(weeks=11 - i) for i in range(12)]
    for point in trend:
        statuses = signature_statuses(drive, day=point.day)
        counted = list(statuses.values())
        assert point.tally.people == len(counted)
        assert point.tally.fresh == counted.count(FRESH), point.day
        assert point.tally.stale == counted.count("stale"), point.day
        assert point.tally.revoked == counted.count("revoked"), point.day
    assert trend[-1].tally.fresh == 5


def test_the_trend_counts_a_unit_alone(world):
    unit_b = world["units"]["B"].pk

    trend = signature_trend(world["drive"], weeks=4, units=[unit_b])

    assert [point.tally.people for point in trend] == [4, 4, 4, 4]
    assert trend[-1].tally.fresh == 1


def test_the_trend_table_is_on_the_page(client, lead, campaign, world):
    client.force_login(lead)

    shown = panel(client, campaign)

    assert "Week by week, the numbers" in shown
    assert shown.count("<tr>") == 13  # the head and twelve weeks


def test_the_panel_costs_at_most_three_queries_whatever_the_roster(
    client, settings, committee, lead, campaign, world
):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client.force_login(lead)
    url = reverse("campaign_dashboard", args=[campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as with_drive:
        client.get(url)
    for number in range(15):
        person = factories.person(committee=committee, given_name=f"More{number}")
        factories.on_roster(campaign=campaign, person=person, unit=world["units"]["A"])
        signature_record(drive=world["drive"], person=person, signed_on=TODAY, method="paper")
    drive_close(drive=world["drive"], actor=None)
    with CaptureQueriesContext(connection) as without:
        client.get(url)
    card_drive(campaign, title="Again")
    with CaptureQueriesContext(connection) as bigger:
        client.get(url)

    assert len(with_drive) - len(without) == 2  # the drives read, then the rows and the trend
    assert len(bigger) == len(with_drive)
