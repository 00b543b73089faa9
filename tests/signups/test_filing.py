"""For the filing: a unit's valid signatures as of a day, as CSV and as a printable page,
with the showing of interest; every download on the audit record; leads only. The fixture
is counted by hand in tests/signups/drive_world.py."""

# ruff: noqa: F811 - the fixtures are imported (a conftest here would be shared with others)

import csv
import io

import pytest
from django.urls import reverse

from members.models import AuditEvent
from tests.signups.drive_world import clock, drive, organizer_on_team  # noqa: F401

pytestmark = pytest.mark.django_db


def csv_url(drive, **query) -> str:
    url = reverse("drive_signatures_csv", args=[drive.campaign_id, drive.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def print_url(drive, **query) -> str:
    url = reverse("drive_signatures_print", args=[drive.campaign_id, drive.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_it_lists_only_the_units_fresh_signatures_today(client, lead, drive):
    """Inbound with Night under it: p1, n1 and n2; not p2 (stale), p3 (revoked), p4 (not
    signed), o1 (Outbound) nor x1 (on no roster)."""
    client.force_login(lead)

    response = client.get(csv_url(drive, unit=drive.units["Inbound"].pk))

    [header, *rows] = csv_rows(response)
    assert header == ["Name", "Date signed", "How", "Text version", "Unit"]
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("p1 Doe", "2026-11-01", "Warehouse › Inbound"),
        ("n1 Doe", "2026-12-04", "Warehouse › Inbound › Night"),
        ("n2 Doe", "2026-10-01", "Warehouse › Inbound › Night"),
    ]
    assert rows[0][2] == "On paper"
    digest = drive.texts.get(language="en").digest
    assert rows[0][3] == f"en · {digest[:8]}"
    assert "attachment" in response["Content-Disposition"]


def test_it_lists_the_signatures_valid_on_an_earlier_day(client, lead, drive):
    """On 15 October p2's card was still fresh and p3 had not revoked; p1 had not signed."""
    client.force_login(lead)

    response = client.get(csv_url(drive, unit=drive.units["Inbound"].pk, on="2026-10-15"))

    names = sorted(r[0] for r in csv_rows(response)[1:])
    assert names == ["n2 Doe", "p2 Doe", "p3 Doe"]


def test_the_whole_campaign_without_a_unit(client, lead, drive):
    client.force_login(lead)

    rows = csv_rows(client.get(csv_url(drive)))[1:]

    assert sorted(r[0] for r in rows) == ["n1 Doe", "n2 Doe", "o1 Doe", "p1 Doe"]


def test_each_download_is_on_the_audit_record(client, lead, drive):
    client.force_login(lead)

    client.get(csv_url(drive, unit=drive.units["Inbound"].pk))
    client.get(print_url(drive))

    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).order_by("pk")
    assert [(e.detail, e.count, e.campaign_id, e.actor) for e in events] == [
        ({"of": "signatures", "format": "csv"}, 3, drive.campaign_id, lead),
        ({"of": "signatures", "format": "print"}, 4, drive.campaign_id, lead),
    ]


def test_the_printable_list_states_the_showing_of_interest(client, lead, drive):
    client.force_login(lead)

    response = client.get(print_url(drive, unit=drive.units["Inbound"].pk))

    html = response.content.decode()
    assert (
        "As of Dec 4, 2026, 3 of 8 people in Warehouse › Inbound (37 %) have signed valid cards."
        in html
    )
    assert "n1 Doe" in html
    assert "p2 Doe" not in html
    assert "signups_print.css" in html


def test_an_organizer_may_not_download_and_nothing_is_recorded(client, organizer_on_team, drive):
    client.force_login(organizer_on_team)

    assert client.get(csv_url(drive)).status_code == 403
    assert client.get(print_url(drive)).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_an_outsider_finds_nothing(client, outsider, drive):
    client.force_login(outsider)

    assert client.get(csv_url(drive)).status_code == 404


def test_another_campaigns_unit_is_404(client, lead, drive, committee):
    from tests import factories

    other = factories.campaign(committee=committee, code_name="Oak")
    unit = factories.unit(site=factories.site(campaign=other), name="Elsewhere")
    client.force_login(lead)

    assert client.get(csv_url(drive, unit=unit.pk)).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()
