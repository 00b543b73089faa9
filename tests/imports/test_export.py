"""The roster export: a lead downloads the active roster as CSV that Excel opens and the
import reads back; every export is on the record, and notes never leave."""

import csv
import io

import pytest
from django.urls import reverse

from campaigns.imports.services import import_commit, import_upload
from campaigns.models import AssessmentRecord, RosterEntry, Site, Unit
from campaigns.roster.services import assessment_recompute, roster_remove
from members.models import AuditEvent, Person, PersonEmail, PersonPhone, Tag
from tests import factories


def export_url(campaign) -> str:
    return reverse("roster_export", args=[campaign.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def rows(response) -> list[dict[str, str]]:
    text = body(response).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def roster(campaign, organizer, committee):
    """Harbor's roster: Maria in Warehouse/Inbound/Night, a leader assessed 2 with notes and
    tags; Ben with only a phone; and Cleo, who left the roster."""
    site = factories.site(campaign=campaign, name="Warehouse")
    night = factories.unit(
        site=site, name="Night", parent=factories.unit(site=site, name="Inbound")
    )
    maria = factories.person(
        committee=committee,
        given_name="Maria",
        family_name="Cruz",
        preferred_name="Mari",
        notes="Scared of the supervisor; talk after shift",
        do_not_contact=True,
    )
    PersonEmail.objects.create(person=maria, email="old@example.org")
    PersonEmail.objects.create(person=maria, email="maria@example.org", is_primary=True)
    PersonPhone.objects.create(person=maria, number="+13125550143", is_primary=True)
    maria.tags.add(Tag.objects.create(committee=committee, name="night shift"))
    maria.tags.add(Tag.objects.create(committee=committee, name="spanish"))
    entry = factories.on_roster(
        campaign=campaign, person=maria, unit=night, title="Picker", shift="Nights",
        is_leader=True, organizer=organizer,
    )  # fmt: skip
    AssessmentRecord.objects.create(roster_entry=entry, level=2, happened_at=entry.added_at)
    assessment_recompute(entry_id=entry.pk)
    ben = factories.person(committee=committee, given_name="Ben", family_name="Ode")
    PersonPhone.objects.create(person=ben, number="+16175550123", is_primary=True)
    factories.on_roster(campaign=campaign, person=ben, unit=site.units.get(name="Inbound"))
    cleo = factories.person(committee=committee, given_name="Cleo")
    roster_remove(entry=factories.on_roster(campaign=campaign, person=cleo), reason="moved")
    return campaign


def test_it_exports_the_active_roster_in_the_import_format(client, lead, roster):
    """By family name, people who left the roster left out."""
    client.force_login(lead)

    response = client.get(export_url(roster))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert body(client.get(export_url(roster))).startswith(b"\xef\xbb\xbfgiven_name,family_name,")
    assert rows(response) == [
        {
            "given_name": "Maria",
            "family_name": "Cruz",
            "preferred_name": "Mari",
            "email": "maria@example.org",
            "phone": "+13125550143",
            "unit_path": "Warehouse/Inbound/Night",
            "title": "Picker",
            "shift": "Nights",
            "leader": "yes",
            "assessment": "2",
            "organizer_email": "marcus@example.org",
            "tags": "night shift; spanish",
            "do_not_contact": "yes",
        },
        {
            "given_name": "Ben",
            "family_name": "Ode",
            "preferred_name": "",
            "email": "",
            "phone": "+16175550123",
            "unit_path": "Warehouse/Inbound",
            "title": "",
            "shift": "",
            "leader": "no",
            "assessment": "",
            "organizer_email": "",
            "tags": "",
            "do_not_contact": "no",
        },
    ]


def test_it_never_exports_notes(client, lead, roster):
    client.force_login(lead)

    assert b"supervisor" not in body(client.get(export_url(roster)))


def test_it_names_the_file_by_code_name_and_keeps_it_out_of_caches(client, lead, roster):
    client.force_login(lead)

    response = client.get(export_url(roster))

    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="harbor-roster-')
    assert "acme" not in disposition.lower()  # never the employer's name
    assert "no-store" in response["Cache-Control"]


def test_it_records_every_export(client, lead, roster):
    client.force_login(lead)

    client.get(export_url(roster), REMOTE_ADDR="203.0.113.7")
    client.get(export_url(roster))

    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT)
    assert events.count() == 2
    event = events.order_by("at").first()
    assert (event.actor, event.campaign_id, event.count) == (lead, roster.pk, 2)
    assert (event.committee, event.ip) == (roster.committee, "203.0.113.7")


def test_it_keeps_formulas_from_running_in_spreadsheets(client, lead, campaign):
    person = factories.person(committee=campaign.committee, given_name="=HYPERLINK(1)")
    PersonEmail.objects.create(person=person, email="h@example.org", is_primary=True)
    factories.on_roster(campaign=campaign, person=person)
    client.force_login(lead)

    assert rows(client.get(export_url(campaign)))[0]["given_name"] == "'=HYPERLINK(1)"


def test_it_exports_with_a_bounded_number_of_queries(
    client, lead, campaign, django_assert_max_num_queries
):
    site = factories.site(campaign=campaign, name="Warehouse")
    for i in range(60):
        person = factories.person(committee=campaign.committee, given_name=f"P{i}")
        PersonEmail.objects.create(person=person, email=f"p{i}@example.org", is_primary=True)
        person.tags.add(Tag.objects.get_or_create(committee=campaign.committee, name="t")[0])
        factories.on_roster(
            campaign=campaign, person=person, unit=factories.unit(site=site, name=f"U{i}")
        )
    client.force_login(lead)

    with django_assert_max_num_queries(20):
        assert len(rows(client.get(export_url(campaign)))) == 60


def test_it_round_trips_an_export_into_another_campaign(client, lead, committee, roster):
    client.force_login(lead)
    exported = body(client.get(export_url(roster)))
    other = factories.campaign(committee=committee, code_name="Oak")
    people_before = Person.objects.count()

    batch = import_upload(campaign=other, uploaded_by=lead, filename="harbor.csv", data=exported)
    report = import_commit(batch_id=batch.pk, actor=lead)

    assert report.errors == [] and report.warnings == []
    assert (report.people_new, report.people_matched) == (0, 2)
    assert Person.objects.count() == people_before
    maria = RosterEntry.objects.select_related("unit__parent").get(
        campaign=other, person__given_name="Maria"
    )
    assert (maria.title, maria.shift, maria.is_leader) == ("Picker", "Nights", True)
    assert (maria.unit.name, maria.unit.parent.name) == ("Night", "Inbound")
    assert Site.objects.get(campaign=other).name == "Warehouse"
    assert Unit.objects.filter(site__campaign=other).count() == 2
    assert maria.assessment is None  # assessments come from conversations, not files
    assert Tag.objects.filter(committee=committee).count() == 2


# --- Who may export -----------------------------------------------------------------------------


def test_it_forbids_an_organizer_on_the_team(client, team_organizer, roster):
    client.force_login(team_organizer)

    assert client.get(export_url(roster)).status_code == 403
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_it_lets_a_campaign_lead_export(client, committee, roster):
    from members.models import Membership

    campaign_lead = factories.member_of(committee, Membership.Role.ORGANIZER)
    factories.on_team(campaign=roster, user=campaign_lead, role="lead")
    client.force_login(campaign_lead)

    assert client.get(export_url(roster)).status_code == 200


@pytest.mark.parametrize("persona", ["outside_organizer", "outsider", "member"])
def test_it_hides_the_export_from_anyone_outside_the_campaign(client, request, roster, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(export_url(roster)).status_code == 404
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_it_never_exports_another_campaigns_contact_details(client, committee, lead, roster):
    """Ben's work phone came from Oak's team: Harbor's export leaves it out."""
    oak = factories.campaign(committee=committee, code_name="Oak")
    ben = roster.roster.get(person__given_name="Ben").person
    ben.phones.update(is_primary=False)
    PersonPhone.objects.create(
        person=ben, number="+16175550999", is_primary=True, campaign_id=oak.pk
    )
    client.force_login(lead)

    exported = body(client.get(export_url(roster)))

    assert b"+16175550999" not in exported and b"+16175550123" in exported
