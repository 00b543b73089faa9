"""My list's "Supporters who have not signed": my 1s and 2s on campaigns with a drive running
and no fresh signature on its current drive, each with a one-tap paper signature."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from campaigns.roster.services import assessment_record
from campaigns.signups.services import drive_close, signature_record, signature_revoke
from tests import factories
from tests.signups.record_story import NOW, card_drive, in_los_angeles

pytestmark = pytest.mark.django_db
URL = "/my-list/"


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def people(committee, campaign, team_organizer, lead):
    in_los_angeles(committee)
    made = {}
    for given, level, organizer in [
        ("Ana", 1, team_organizer),
        ("Ben", 2, team_organizer),
        ("Cy", 2, team_organizer),
        ("Dee", 3, team_organizer),  # undecided: not a supporter
        ("Eve", 2, lead),  # someone else's
        ("Fay", 2, team_organizer),
    ]:
        made[given] = factories.person(committee=committee, given_name=given, family_name="Roe")
        entry = factories.on_roster(campaign=campaign, person=made[given], organizer=organizer)
        assess(entry, level, lead)
    return made


def assess(entry, level, by):
    assessment_record(entry=entry, level=level, happened_at=NOW - timedelta(days=1), recorded_by=by)


def section(client) -> str:
    page = client.get(URL).content.decode()
    start = page.find('id="mylist-unsigned"')
    return page[start : page.find("</section>", start)] if start >= 0 else ""


def test_it_lists_my_supporters_without_a_fresh_signature(client, team_organizer, campaign, people):
    drive = card_drive(campaign, fresh_months=1)
    signature_record(drive=drive, person=people["Ana"], signed_on=date(2026, 12, 4), method="paper")
    stale = signature_record(
        drive=drive, person=people["Fay"], signed_on=date(2026, 11, 1), method="paper"
    )
    gone = signature_record(
        drive=drive, person=people["Cy"], signed_on=date(2026, 11, 2), method="paper"
    )
    signature_revoke(signature=gone.signature, revoked_on=date(2026, 11, 3), by_signer=True)
    client.force_login(team_organizer)

    shown = section(client)

    assert "Supporters who have not signed" in shown
    assert "Ben Roe" in shown and "not signed on Harbor union card" in shown
    assert "Cy Roe" in shown and "revoked on Harbor union card" in shown
    assert "Fay Roe" in shown and "signature stale" in shown
    assert "Ana Roe" not in shown  # signed today, the committee's Friday
    assert "Dee Roe" not in shown and "Eve Roe" not in shown
    assert stale.created
    sign = reverse("signature_add", args=[campaign.pk, drive.pk, people["Ben"].pk])
    assert f'hx-get="{sign}?next=/my-list/"' in shown


def test_recording_from_my_list_answers_in_the_rows_slot(client, team_organizer, campaign, people):
    drive = card_drive(campaign)
    client.force_login(team_organizer)
    sign = reverse("signature_add", args=[campaign.pk, drive.pk, people["Ben"].pk])

    response = client.post(
        sign,
        {"signed_on": "2026-12-04", "collected_by": team_organizer.pk, "next": URL},
        headers={"HX-Request": "true"},
    )

    assert f'id="signup-{drive.pk}-{people["Ben"].pk}"' in response.content.decode()
    assert "Ben Roe" not in section(client)


def test_no_drive_running_no_section(client, team_organizer, campaign, people):
    drive = card_drive(campaign)
    drive_close(drive=drive, actor=None)
    card_drive(campaign, title="Opens tomorrow", opens_on=date(2026, 12, 5))  # UTC's today
    client.force_login(team_organizer)

    assert section(client) == ""


def test_the_section_costs_three_queries_however_many_campaigns(
    client, committee, team_organizer, campaign, people, django_assert_max_num_queries
):
    card_drive(campaign)
    for number in range(3):
        other = factories.campaign(committee=committee, code_name=f"C{number}")
        factories.on_team(campaign=other, user=team_organizer)
        card_drive(other, title=f"Card {number}")
        person = factories.person(committee=committee, given_name=f"P{number}")
        entry = factories.on_roster(campaign=other, person=person, organizer=team_organizer)
        assess(entry, 1, team_organizer)
    client.force_login(team_organizer)

    with django_assert_max_num_queries(15):  # My list's 12, and this section's 3
        response = client.get(URL)

    assert response.content.decode().count('class="mylist-slot" id="signup-') == 7
