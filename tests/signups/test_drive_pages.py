"""The lead's drive pages: starting a drive (bad input kept and explained), its text frozen
once signed (a new version is a new drive), and the counting page against a fixture counted
by hand (tests/signups/drive_world.py), today and as of an earlier day; who may see what."""

# ruff: noqa: F811 - the fixtures are imported (a conftest here would be shared with others)

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.models import SignupDrive
from campaigns.signups.services import DriveData, drive_create
from tests import factories
from tests.signups.drive_world import TODAY, clock, drive, organizer_on_team  # noqa: F401
from tests.test_permission_matrix import csrf_client, get_and_post, url_for, world  # noqa: F401

pytestmark = pytest.mark.django_db


def create_url(campaign) -> str:
    return reverse("drive_create", args=[campaign.pk])


def detail_url(drive, **query) -> str:
    url = reverse("drive_detail", args=[drive.campaign_id, drive.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def drive_form(**changes) -> dict:
    data = {
        "kind": "card",
        "title": "Harbor card",
        "text_en": "I authorize the union.",
        "text_es": "",
        "opens_on": "2026-12-01",
        "closes_on": "",
        "threshold_interest": "30",
        "threshold_majority": "50",
        "threshold_super": "67",
        "fresh_months": "12",
    }
    return {**data, **changes}


def row(html: str, attribute: str) -> dict[str, str]:
    """The counting table's row with `attribute` (data-unit="3", class="count-campaign"…):
    each column's text by its data-col."""
    match = re.search(rf"<tr [^>]*{attribute}[^>]*>(.*?)</tr>", html, re.S)
    assert match, f"no row with {attribute}"
    cells = re.findall(r'data-col="([^"]+)">(.*?)</td>', match.group(1), re.S)
    return {col: " ".join(re.sub(r"<[^>]+>", " ", text).split()) for col, text in cells}


# --- The list ------------------------------------------------------------------------------------


def test_it_lists_the_drives_with_todays_fresh_signatures(client, lead, drive):
    client.force_login(lead)
    url = reverse("drive_list", args=[drive.campaign_id])

    before = " ".join(client.get(url).content.decode().split())
    client.post(reverse("drive_close", args=[drive.campaign_id, drive.pk]))
    after = " ".join(client.get(url).content.decode().split())

    assert "Lighthouse union card" in before
    assert "4 fresh signatures · 40 % of the roster" in before
    assert "Union card drive · open · from Sun, Jun 1, 2025" in before
    assert "Union card drive · closed ·" in after


def test_the_list_reads_the_same_queries_however_many_drives(
    client, lead, drive, django_assert_num_queries
):
    """Each drive counted in one statement for them all: a campaign's versions add none."""
    client.force_login(lead)
    url = reverse("drive_list", args=[drive.campaign_id])
    client.get(url)  # the session and the committee's zone, read once
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for version in range(2):
        drive_create(
            campaign=drive.campaign,
            data=DriveData(
                kind="petition",
                title=f"Petition {version}",
                texts={"en": "We ask."},
                opens_on=drive.opens_on,
            ),
            actor=lead,
        )

    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()

    assert "Petition 1" in page and "Lighthouse union card" in page


# --- Starting a drive ----------------------------------------------------------------------------


def test_it_starts_a_card_drive_with_the_campaigns_thresholds(client, lead, drive):
    client.force_login(lead)
    campaign = drive.campaign

    page = client.get(create_url(campaign))
    response = client.post(create_url(campaign), drive_form(text_es="Autorizo al sindicato."))

    assert 'value="50"' in page.content.decode()
    new = SignupDrive.objects.exclude(pk=drive.pk).get()
    assert response.status_code == 302
    assert response["Location"] == reverse("drive_detail", args=[campaign.pk, new.pk])
    assert {t.language: t.text for t in new.texts.all()} == {
        "en": "I authorize the union.",
        "es": "Autorizo al sindicato.",
    }
    assert (new.thresholds, new.fresh_months) == ((30, 50, 67), 12)


def test_it_lets_a_card_never_go_stale_when_the_window_is_left_empty(client, lead, drive):
    client.force_login(lead)

    client.post(create_url(drive.campaign), drive_form(fresh_months=""))

    assert SignupDrive.objects.exclude(pk=drive.pk).get().fresh_months is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"opens_on": "2026-12-10", "closes_on": "2026-12-01"}, "closes on or after the day"),
        ({"threshold_majority": "70", "threshold_super": "60"}, "The thresholds go up"),
        ({"text_en": "  ", "text_es": ""}, "Write the text people sign"),
    ],
)
def test_it_refuses_bad_input_keeping_what_was_typed(client, lead, drive, changes, message):
    client.force_login(lead)

    response = client.post(create_url(drive.campaign), drive_form(title="Typed title", **changes))

    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    assert 'value="Typed title"' in html
    assert SignupDrive.objects.count() == 1


# --- The text frozen once signed -----------------------------------------------------------------


def frozen_form(drive, **changes) -> dict:
    signed = {
        "title": drive.title,
        "text_en": "I want the union.",
        "text_es": "Quiero el sindicato.",
        "opens_on": "2025-06-01",
    }
    return drive_form(**{**signed, **changes})


def test_it_shows_a_signed_text_read_only_and_points_to_a_new_version(client, lead, drive):
    client.force_login(lead)

    html = client.get(reverse("drive_edit", args=[drive.campaign_id, drive.pk])).content.decode()

    assert "Someone has signed this text, so it can no longer change." in html
    assert re.search(r"<textarea[^>]*name=\"text_en\"[^>]*readonly", html)
    assert reverse("drive_new_version", args=[drive.campaign_id, drive.pk]) in html


def test_it_refuses_to_change_a_signed_text_and_keeps_the_old_words(client, lead, drive):
    client.force_login(lead)
    url = reverse("drive_edit", args=[drive.campaign_id, drive.pk])

    response = client.post(url, frozen_form(drive, text_en="I want the union, maybe."))

    assert response.status_code == 422
    assert "Start a new version instead" in response.content.decode()
    assert drive.texts.get(language="en").text == "I want the union."


def test_it_still_saves_the_rest_of_a_signed_drive(client, lead, drive):
    client.force_login(lead)
    url = reverse("drive_edit", args=[drive.campaign_id, drive.pk])

    response = client.post(url, frozen_form(drive, closes_on="2027-03-01"))

    drive.refresh_from_db()
    assert response.status_code == 302
    assert drive.closes_on == date(2027, 3, 1)


def test_a_new_version_is_a_new_drive_and_closes_the_old(client, lead, drive):
    client.force_login(lead)
    url = reverse("drive_new_version", args=[drive.campaign_id, drive.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url, frozen_form(drive, text_en="I want the union now.", opens_on=TODAY.isoformat())
    )

    assert "I want the union." in page  # the text pre-filled
    new = SignupDrive.objects.get(replaces=drive)
    drive.refresh_from_db()
    assert response["Location"] == reverse("drive_detail", args=[drive.campaign_id, new.pk])
    assert new.texts.get(language="en").text == "I want the union now."
    assert drive.closed_at is not None
    assert drive.signatures.count() == 7  # the old signatures stay with the old words


def test_closing_asks_first_then_closes(client, lead, drive):
    client.force_login(lead)
    url = reverse("drive_close", args=[drive.campaign_id, drive.pk])

    page = client.get(url)
    drive.refresh_from_db()
    assert "takes no more signatures" in page.content.decode()
    assert drive.closed_at is None

    client.post(url)
    drive.refresh_from_db()
    assert drive.closed_at is not None


def test_it_opens_the_public_page_and_shows_its_address(client, lead, drive):
    client.force_login(lead)

    client.post(reverse("drive_public_set", args=[drive.campaign_id, drive.pk]), {"open": "1"})

    drive.refresh_from_db()
    html = client.get(detail_url(drive)).content.decode()
    assert drive.public_key
    assert f"/sign/{drive.public_key}/" in html


# --- The counting page ---------------------------------------------------------------------------


def test_it_counts_the_campaign_and_each_unit_as_counted_by_hand(client, lead, drive):
    client.force_login(lead)

    html = client.get(detail_url(drive)).content.decode()

    campaign = row(html, 'class="count-campaign')
    assert [campaign[k] for k in ("fresh", "stale", "revoked", "unsigned", "percent")] == [
        "4",
        "1",
        "1",
        "4",
        "40 %",
    ]
    inbound = row(html, f'data-unit="{drive.units["Inbound"].pk}"')  # with Night under it
    assert [inbound[k] for k in ("fresh", "stale", "revoked", "unsigned")] == ["3", "1", "1", "3"]
    night = row(html, f'data-unit="{drive.units["Night"].pk}"')
    # 2 of 4 is 50 % exactly: not a majority; one more makes it, and 67 % too.
    assert (night["percent"], night["goal-30"], night["goal-50"]) == ("50 %", "✓ met", "1 more")
    assert (night["goal-67"], night["next"]) == ("1 more", "1 more")
    outbound = row(html, f'data-unit="{drive.units["Outbound"].pk}"')
    assert (outbound["percent"], outbound["goal-50"]) == ("50 %", "1 more")


def test_the_counting_page_reads_a_fixed_number_of_queries(
    client, lead, drive, django_assert_max_num_queries
):
    """One query for everyone's status, one for the units, one for the signatures off the
    roster: a bigger roster or tree adds none."""
    site = drive.units["Inbound"].site
    for name in ("Dock", "Yard", "Office"):
        unit = factories.unit(site=site, name=name, parent=drive.units["Night"])
        person = factories.person(committee=drive.campaign.committee, given_name=name)
        factories.on_roster(campaign=drive.campaign, person=person, unit=unit)
    client.force_login(lead)

    with django_assert_max_num_queries(10):
        response = client.get(detail_url(drive))

    assert row(response.content.decode(), 'class="count-campaign')["people"] == "13"


def test_it_states_the_showing_of_interest(client, lead, drive):
    client.force_login(lead)

    html = client.get(detail_url(drive)).content.decode()

    assert "As of Dec 4, 2026, 4 of 10 people in Lighthouse (40 %) have signed valid cards." in html


def test_it_counts_as_of_an_earlier_day(client, lead, drive):
    client.force_login(lead)

    html = client.get(detail_url(drive, on="2026-10-15")).content.decode()

    campaign = row(html, 'class="count-campaign')
    assert [campaign[k] for k in ("fresh", "stale", "revoked", "unsigned")] == ["3", "0", "0", "7"]
    assert "As of Oct 15, 2026, 3 of 10 people" in html


@pytest.mark.parametrize(
    ("day", "message"),
    [("2026-12-05", "is still to come: counted as of today"), ("soon", "That is not a date")],
)
def test_a_bad_or_future_day_says_so_and_counts_today(client, lead, drive, day, message):
    """The 5th is already today in UTC, but not yet in Los Angeles."""
    client.force_login(lead)

    response = client.get(detail_url(drive, on=day))

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html
    assert row(html, 'class="count-campaign')["fresh"] == "4"


def test_it_lists_signatures_by_people_not_on_the_roster(client, lead, drive):
    client.force_login(lead)

    html = client.get(detail_url(drive)).content.decode()

    section = html[html.index("Signed, not on the roster") :]
    assert "x1 New" in section
    assert "new contact" in section
    assert "p1 Doe" not in section
    assert reverse("person_detail", args=[drive.people["x1"].pk]) in section  # a committee lead
    assert reverse("roster_add", args=[drive.campaign_id]) in section


# --- Who sees what -------------------------------------------------------------------------------


def test_an_organizer_on_the_team_sees_the_counts_but_not_the_filing(
    client, organizer_on_team, drive
):
    client.force_login(organizer_on_team)

    html = client.get(detail_url(drive)).content.decode()
    listing = client.get(reverse("drive_list", args=[drive.campaign_id]))

    assert row(html, 'class="count-campaign')["fresh"] == "4"
    assert "x1 New" in html
    assert reverse("person_detail", args=[drive.people["x1"].pk]) not in html
    assert "For the filing" not in html
    assert "Lighthouse union card" in listing.content.decode()
    assert client.get(create_url(drive.campaign)).status_code == 403
    assert client.get(reverse("drive_edit", args=[drive.campaign_id, drive.pk])).status_code == 403


def test_an_outsider_finds_nothing(client, outsider, drive):
    client.force_login(outsider)

    assert client.get(detail_url(drive)).status_code == 404
    assert client.get(reverse("drive_list", args=[drive.campaign_id])).status_code == 404


def test_the_campaign_tabs_link_to_the_drives(client, lead, drive):
    client.force_login(lead)

    html = client.get(reverse("campaign_dashboard", args=[drive.campaign_id])).content.decode()

    assert reverse("drive_list", args=[drive.campaign_id]) in html


DRIVE_URLS = [
    "drive_detail",
    "drive_edit",
    "drive_new_version",
    "drive_close",
    "drive_public_set",
    "drive_signatures_csv",
    "drive_signatures_print",
]


@pytest.mark.parametrize("name", DRIVE_URLS)
def test_campaign_bs_drive_in_campaign_as_urls_is_404(world, name):
    kwargs = {**world["kwargs"], "drive_id": world["campaign_b"]["drive_id"]}
    for persona in ["organizer_a", "lead"]:
        client = csrf_client(world["users"][persona])

        assert get_and_post(client, url_for(name, kwargs)) in {(404, 404), (405, 404), (404, 405)}
