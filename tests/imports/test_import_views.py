"""The import pages: a lead uploads a roster, matches its columns, checks it, imports it."""

from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from campaigns.imports.services import import_upload
from campaigns.models import ImportBatch, RosterEntry
from members.models import Membership, Person
from tests import factories

DATA = Path(__file__).parent / "data"


def new_url(campaign) -> str:
    return reverse("import_new", args=[campaign.pk])


def detail_url(batch) -> str:
    return reverse("import_detail", args=[batch.campaign_id, batch.pk])


def uploaded(campaign, user, name: str = "roster_plain.csv") -> ImportBatch:
    data = (DATA / name).read_bytes()
    return import_upload(campaign=campaign, uploaded_by=user, filename=name, data=data)


def send_file(client, campaign, name: str, data: bytes | None = None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = (DATA / name).read_bytes() if data is None else data
    return client.post(new_url(campaign), {"file": SimpleUploadedFile(name, content, "text/csv")})


def chart_or_detail(batch) -> str:
    try:
        return reverse("campaign_chart", args=[batch.campaign_id])
    except NoReverseMatch:
        return detail_url(batch)


def test_it_takes_a_lead_from_upload_to_matched_columns_and_a_preview(client, lead, campaign):
    client.force_login(lead)

    response = send_file(client, campaign, "roster_plain.csv")

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == detail_url(batch)
    page = client.get(detail_url(batch)).content.decode()
    assert '<option value="name" selected>name</option>' in page
    assert '<option value="phone" selected>phone</option>' in page
    assert "Maria de la</td><td>Cruz" in page  # the full name split at its last space
    assert "+13125550143" in page and "Warehouse / Inbound / Night" in page
    assert "5 rows" in page and "read as UTF-8" in page and "comma-separated" in page


def test_it_tells_a_lead_their_file_was_not_utf8(client, lead, campaign):
    client.force_login(lead)

    send_file(client, campaign, "roster_latin1.csv")

    page = client.get(detail_url(ImportBatch.objects.get())).content.decode()
    assert "This file is not in UTF-8, so it was read as Windows-1252" in page
    assert "José</td><td>Núñez" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.csv", "This file is empty."),
        ("header_only.csv", "This file has a header line but no people under it."),
        ("binary.csv", "This is not a text file."),
    ],
)
def test_it_refuses_an_unreadable_file_on_the_form(client, lead, campaign, name, message):
    client.force_login(lead)

    response = send_file(client, campaign, name)

    assert response.status_code == 422
    assert f'<p class="error" id="id_file_error">{message}' in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_it_asks_for_a_file_when_none_is_sent(client, lead, campaign):
    client.force_login(lead)

    response = client.post(new_url(campaign))

    assert response.status_code == 422
    assert "This field is required." in response.content.decode()


def test_it_lets_a_campaign_lead_import(client, committee, campaign):
    campaign_lead = factories.member_of(committee, Membership.Role.ORGANIZER)
    factories.on_team(campaign=campaign, user=campaign_lead, role="lead")
    client.force_login(campaign_lead)

    assert send_file(client, campaign, "roster_plain.csv").status_code == 302


def test_it_reports_a_dry_run_without_changing_anything(client, lead, campaign):
    batch = uploaded(campaign, lead, "roster_bad_rows.csv")
    client.force_login(lead)

    response = client.post(detail_url(batch), {**batch.mapping, "action": "dry_run"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "4 problems to fix" in page
    assert "Line 3: “555-12” is not a valid phone number" in page
    assert "Line 6: same email as line 2" in page
    assert 'value="commit"' not in page
    assert not Person.objects.exists()


def test_it_offers_the_import_after_a_clean_dry_run(client, lead, campaign):
    batch = uploaded(campaign, lead)
    client.force_login(lead)

    response = client.post(detail_url(batch), {**batch.mapping, "action": "dry_run"})

    page = response.content.decode()
    assert "2. Check: ready to import" in page
    assert "<dt>New units</dt><dd>4</dd>" in page
    assert "Import 5 people" in page
    assert not Person.objects.exists()


def test_it_asks_for_the_name_column_and_keeps_the_other_choices(client, lead, campaign):
    batch = uploaded(campaign, lead)
    client.force_login(lead)

    response = client.post(detail_url(batch), {"email": "email", "action": "dry_run"})

    page = response.content.decode()
    assert response.status_code == 422
    assert "Choose the column with people&#x27;s names" in page
    assert '<option value="email" selected>email</option>' in page


def test_it_imports_and_sends_the_lead_to_the_chart(client, lead, campaign):
    batch = uploaded(campaign, lead)
    client.force_login(lead)
    client.post(detail_url(batch), {**batch.mapping, "action": "dry_run"})

    response = client.post(detail_url(batch), {"action": "commit"}, follow=True)

    assert response.redirect_chain[0] == (chart_or_detail(batch), 302)
    assert (
        "Imported 5 people: 5 new, 0 already known; 2 sites and 4 units created."
        in response.content.decode()
    )
    assert RosterEntry.objects.filter(campaign=campaign).count() == 5


def test_it_imports_once_when_the_button_is_pressed_twice(client, lead, campaign):
    batch = uploaded(campaign, lead)
    client.force_login(lead)
    client.post(detail_url(batch), {"action": "commit"})

    response = client.post(detail_url(batch), {"action": "commit"}, follow=True)

    assert response.redirect_chain == [(detail_url(batch), 302)]
    page = response.content.decode()
    assert "This file was already imported; nothing was imported twice." in page
    assert "<dt>New people</dt><dd>5</dd>" in page
    assert Person.objects.count() == 5


def test_it_shows_the_problems_when_the_import_is_refused(client, lead, campaign):
    batch = uploaded(campaign, lead, "roster_bad_rows.csv")
    client.force_login(lead)

    response = client.post(detail_url(batch), {"action": "commit"})

    assert response.status_code == 422
    assert "Line 5: no name" in response.content.decode()
    assert not Person.objects.exists()


def test_it_discards_a_file_and_forgets_its_contents(client, lead, campaign):
    batch = uploaded(campaign, lead)
    client.force_login(lead)

    response = client.post(detail_url(batch), {"action": "discard"})

    batch.refresh_from_db()
    assert response.status_code == 302
    assert (batch.status, batch.content) == (ImportBatch.Status.FAILED, "")
    assert client.post(detail_url(batch), {"action": "commit"}).status_code == 302
    assert not Person.objects.exists()


def test_it_lists_recent_imports_on_the_upload_page(client, lead, campaign):
    batch = uploaded(campaign, lead)
    client.force_login(lead)

    page = client.get(new_url(campaign)).content.decode()

    assert f'href="{detail_url(batch)}">roster_plain.csv</a>' in page
    assert "Not imported yet" in page


# --- Who may import ------------------------------------------------------------------------


def test_it_forbids_an_organizer_on_the_team(client, team_organizer, lead, campaign):
    batch = uploaded(campaign, lead)
    client.force_login(team_organizer)

    assert client.get(new_url(campaign)).status_code == 403
    assert send_file(client, campaign, "roster_plain.csv").status_code == 403
    assert client.get(detail_url(batch)).status_code == 403
    assert client.post(detail_url(batch), {"action": "commit"}).status_code == 403
    assert not Person.objects.exists()


@pytest.mark.parametrize("persona", ["outside_organizer", "outsider", "member"])
def test_it_hides_the_import_from_anyone_outside_the_campaign(
    client, request, lead, campaign, persona
):
    batch = uploaded(campaign, lead)
    client.force_login(request.getfixturevalue(persona))

    assert client.get(new_url(campaign)).status_code == 404
    assert send_file(client, campaign, "roster_plain.csv").status_code == 404
    assert client.get(detail_url(batch)).status_code == 404
    assert client.post(detail_url(batch), {"action": "commit"}).status_code == 404
    assert ImportBatch.objects.count() == 1 and not Person.objects.exists()


def test_it_hides_another_campaigns_batch(client, lead, committee, campaign):
    other = factories.campaign(committee=committee, code_name="Oak")
    batch = uploaded(other, lead)
    client.force_login(lead)
    url = reverse("import_detail", args=[campaign.pk, batch.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "commit"}).status_code == 404
    assert not Person.objects.exists()
