"""The person page's "Sign-ups": each open drive of the campaigns the viewer may see, where
the person stands on it, and what to record next."""

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
def ana(committee, campaign):
    in_los_angeles(committee)
    person = factories.person(committee=committee, given_name="Ana", family_name="Reyes")
    factories.on_roster(campaign=campaign, person=person)
    return person


def section(client, person) -> str:
    page = client.get(reverse("person_detail", args=[person.pk])).content.decode()
    start = page.find('id="people-signups-title"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def test_it_shows_not_signed_with_the_paper_signature_button(client, team_organizer, campaign, ana):
    drive = card_drive(campaign)
    client.force_login(team_organizer)

    shown = section(client, ana)

    assert "Harbor union card" in shown and "Not signed" in shown
    assert reverse("signature_add", args=[campaign.pk, drive.pk, ana.pk]) in shown
    assert "Record a paper signature" in shown


def test_it_shows_the_date_signed_and_how_and_offers_revoked(client, team_organizer, campaign, ana):
    drive = card_drive(campaign)
    signature_record(drive=drive, person=ana, signed_on=date(2026, 12, 3), method="paper")
    client.force_login(team_organizer)

    shown = section(client, ana)

    assert "Signed on Thursday, December 3 · On paper" in shown
    assert "Record revoked" in shown and "Record a paper signature" not in shown


def test_a_card_older_than_its_window_shows_stale(client, team_organizer, campaign, ana):
    drive = card_drive(campaign, fresh_months=1)
    signature_record(drive=drive, person=ana, signed_on=date(2026, 11, 1), method="paper")
    client.force_login(team_organizer)

    shown = section(client, ana)

    assert "Signed, stale" in shown and "older than 1 month" in shown


def test_a_revoked_signature_shows_its_date(client, team_organizer, campaign, ana):
    drive = card_drive(campaign)
    signed = signature_record(drive=drive, person=ana, signed_on=date(2026, 11, 2), method="paper")
    signature_revoke(signature=signed.signature, revoked_on=date(2026, 11, 9), by_signer=True)
    client.force_login(team_organizer)

    shown = section(client, ana)

    assert "Revoked on Monday, November 9" in shown
    assert "Record a paper signature" in shown


def test_a_drive_opening_on_the_committees_tomorrow_and_a_closed_one_are_left_out(
    client, team_organizer, campaign, ana
):
    card_drive(campaign, title="Opens Saturday", opens_on=date(2026, 12, 5))  # UTC's today
    closed = card_drive(campaign, title="Closed one")
    drive_close(drive=closed, actor=None)
    client.force_login(team_organizer)

    assert section(client, ana) == ""


def test_another_campaigns_drive_is_never_shown_to_an_organizer_not_on_it(
    client, committee, team_organizer, lead, campaign, ana
):
    oak = factories.campaign(committee=committee, code_name="Oak")
    factories.on_roster(campaign=oak, person=ana)
    card_drive(campaign, title="Harbor card")
    card_drive(oak, title="Oak petition")

    client.force_login(team_organizer)
    organizer_sees = section(client, ana)
    client.force_login(lead)
    lead_sees = section(client, ana)

    assert "Harbor card" in organizer_sees and "Oak" not in organizer_sees
    assert "Harbor card" in lead_sees and "Oak petition" in lead_sees


def test_the_section_reads_in_the_same_queries_for_one_drive_or_many(
    client, committee, lead, campaign, ana, django_assert_num_queries
):
    client.force_login(lead)
    card_drive(campaign, title="First")
    url = reverse("person_detail", args=[ana.pk])
    client.get(url)  # warm the session and the lead's zone
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for number in range(3):
        other = factories.campaign(committee=committee, code_name=f"C{number}")
        factories.on_roster(campaign=other, person=ana)
        signed = card_drive(other, title=f"Drive {number}")
        signature_record(drive=signed, person=ana, signed_on=date(2026, 12, 1), method="paper")

    with django_assert_num_queries(len(one)):
        response = client.get(url)

    assert response.content.decode().count("signup-standing ") == 4
