"""The chart's signatures on the campaign's current drive: a mark on each chip (with words for
screen readers), a "Signed" filter, a choice of drive when several run, a pen that opens the
paper-signature form, and nothing of it when no drive runs."""

import re
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.signups.services import drive_close, signature_record, signature_revoke
from tests import factories
from tests.signups.record_story import NOW, card_drive, in_los_angeles

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(committee, campaign):
    in_los_angeles(committee)
    made = {}
    for given in ["Ana", "Ben", "Cy", "Dee"]:
        made[given] = factories.person(committee=committee, given_name=given, family_name="Roe")
        factories.on_roster(campaign=campaign, person=made[given])
    return made


@pytest.fixture
def drive(campaign, people):
    drive = card_drive(campaign, fresh_months=1)

    def sign(name, day):
        return signature_record(
            drive=drive, person=people[name], signed_on=day, method="paper"
        ).signature

    sign("Ana", date(2026, 12, 4))  # the committee's today (UTC is on the 5th)
    sign("Ben", date(2026, 11, 1))  # a month and three days: stale
    signature_revoke(
        signature=sign("Cy", date(2026, 11, 2)), revoked_on=date(2026, 11, 3), by_signer=True
    )
    return drive


def chips(client, campaign, **params) -> dict[str, str]:
    """Each chip shown: its name, and the chip's HTML with what follows it (the pen)."""
    page = client.get(reverse("campaign_chart", args=[campaign.pk]), params).content.decode()
    found = re.findall(r'(<a class="chip a\d".*?</a>(?:<a class="chip-sign".*?</a>)?)', page)
    return {re.search(r"<bdi>(.*?)</bdi>", chip)[1]: chip for chip in found}


def test_each_chip_shows_its_signature_with_words(client, team_organizer, campaign, drive):
    client.force_login(team_organizer)

    shown = chips(client, campaign)

    assert 'aria-label="Signed"' in shown["Ana Roe"] and "✓" in shown["Ana Roe"]
    assert 'aria-label="Signature stale"' in shown["Ben Roe"]
    assert 'aria-label="Signature revoked"' in shown["Cy Roe"]
    assert 'class="sig' not in shown["Dee Roe"]


def test_the_pen_opens_the_paper_signature_form_for_who_has_no_fresh_signature(
    client, team_organizer, campaign, drive, people
):
    client.force_login(team_organizer)

    shown = chips(client, campaign)

    address = reverse("signature_add", args=[campaign.pk, drive.pk, people["Dee"].pk])
    assert f'hx-get="{address}?next=' in shown["Dee Roe"]
    assert 'aria-label="Record a paper signature for Dee Roe"' in shown["Dee Roe"]
    assert "chip-sign" in shown["Cy Roe"]  # revoked: may sign again
    assert "chip-sign" in shown["Ben Roe"]  # stale: a new card counts from its day
    assert "chip-sign" not in shown["Ana Roe"]
    form = client.get(address, headers={"HX-Request": "true"}).content.decode()
    assert form.startswith('<div class="card signup-editing"') or "signup-editing" in form


@pytest.mark.parametrize(
    ("signed", "names"),
    [("fresh", {"Ana Roe"}), ("not", {"Ben Roe", "Cy Roe", "Dee Roe"})],
)
def test_the_signed_filter_keeps_the_fresh_or_the_rest(
    client, team_organizer, campaign, drive, signed, names
):
    client.force_login(team_organizer)

    assert set(chips(client, campaign, signed=signed)) == names


def test_several_drives_running_offer_a_choice_the_most_recent_first(
    client, team_organizer, campaign, drive, people
):
    newer = card_drive(campaign, title="Petition to the boss", opens_on=date(2026, 12, 1))
    signature_record(drive=newer, person=people["Dee"], signed_on=date(2026, 12, 2), method="paper")
    client.force_login(team_organizer)

    default = chips(client, campaign, signed="fresh")
    chosen = chips(client, campaign, signed="fresh", drive=drive.pk)
    page = client.get(reverse("campaign_chart", args=[campaign.pk])).content.decode()

    assert set(default) == {"Dee Roe"} and set(chosen) == {"Ana Roe"}
    assert 'id="chart-drive"' in page and "Petition to the boss" in page


def test_no_drive_running_no_marks_and_no_filter(client, team_organizer, campaign, drive):
    drive_close(drive=drive, actor=None)
    client.force_login(team_organizer)

    shown = chips(client, campaign, signed="fresh")
    page = client.get(reverse("campaign_chart", args=[campaign.pk])).content.decode()

    assert set(shown) == {"Ana Roe", "Ben Roe", "Cy Roe", "Dee Roe"}  # the filter is ignored
    assert not any("sig-" in chip or "chip-sign" in chip for chip in shown.values())
    assert 'name="signed"' not in page


def test_a_drive_opening_on_utcs_today_is_not_running_yet(client, team_organizer, campaign, people):
    card_drive(campaign, opens_on=date(2026, 12, 5))  # Saturday: still Friday in Los Angeles
    client.force_login(team_organizer)

    page = client.get(reverse("campaign_chart", args=[campaign.pk])).content.decode()

    assert 'name="signed"' not in page


def test_the_marks_cost_one_query_for_the_whole_roster(
    client, committee, team_organizer, campaign, drive
):
    client.force_login(team_organizer)
    url = reverse("campaign_chart", args=[campaign.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(20):
        person = factories.person(committee=committee, given_name=f"P{number}")
        factories.on_roster(campaign=campaign, person=person)
        signature_record(drive=drive, person=person, signed_on=date(2026, 12, 1), method="paper")

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many) == len(few)
    assert len([q for q in many if "campaigns_signature" in q["sql"]]) == 1
