"""The roster import service: a lead's file goes in whole or not at all, matched against the
people the committee already knows, with every problem named by its line in the file."""

import threading
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection

from campaigns.imports import csv_formats
from campaigns.imports import services as imports
from campaigns.imports.services import import_commit, import_dry_run, import_upload
from campaigns.models import ImportBatch, RosterEntry, Site, Unit
from members.models import AuditEvent, Person, PersonEmail, PersonPhone, Tag
from tests import factories

DATA = Path(__file__).parent / "data"


def upload(campaign, user, name: str, data: bytes | None = None) -> ImportBatch:
    content = (DATA / name).read_bytes() if data is None else data
    return import_upload(campaign=campaign, uploaded_by=user, filename=name, data=content)


def commit(batch, user):
    return import_commit(batch_id=batch.pk, actor=user)


def snapshot() -> dict[str, int]:
    """How many rows each table touched by an import holds."""
    models = [Person, PersonEmail, PersonPhone, RosterEntry, Site, Unit, Tag, AuditEvent]
    return {model.__name__: model.objects.count() for model in models}


def unit_path(unit) -> str:
    names = []
    while unit is not None:
        names.append(unit.name)
        site, unit = unit.site, unit.parent
    return "/".join([site.name, *reversed(names)])


def entry_of(campaign, email: str) -> RosterEntry:
    return RosterEntry.objects.select_related("person", "unit").get(
        campaign=campaign, person__emails__email__iexact=email
    )


# --- Reading files --------------------------------------------------------------------------


def test_it_imports_a_plain_file_into_units_it_creates(campaign, lead):
    batch = upload(campaign, lead, "roster_plain.csv")

    report = commit(batch, lead)

    assert report.committed and report.errors == []
    assert (report.people_new, report.people_matched, report.roster_added) == (5, 0, 5)
    assert (report.sites_created, report.units_created) == (2, 4)
    maria = entry_of(campaign, "maria.cruz@example.org")
    assert (maria.person.given_name, maria.person.family_name) == ("Maria de la", "Cruz")
    assert maria.person.phones.get().number == "+13125550143"
    assert unit_path(maria.unit) == "Warehouse/Inbound/Night"
    assert unit_path(entry_of(campaign, "li.wei@example.org").unit) == "Warehouse/Outbound"
    sam = RosterEntry.objects.get(campaign=campaign, person__given_name="Sam")
    assert unit_path(sam.unit) == "Dock Annex/Yard"
    assert not sam.person.emails.exists()


def test_it_recognises_an_action_network_export(campaign, lead):
    factories.site(campaign=campaign, name="Main warehouse")

    batch = upload(campaign, lead, "action_network.csv")

    assert batch.mapping == {
        "given_name": "first_name",
        "family_name": "last_name",
        "email": "email",
        "phone": "can2_phone",
        "unit": "Department",
        "shift": "Shift",
    }
    report = commit(batch, lead)
    assert (report.people_new, report.units_created, report.sites_created) == (3, 2, 0)
    ana = entry_of(campaign, "ana.ruiz@example.org")
    assert ana.person.phones.get().number == "+16175550123"
    assert (unit_path(ana.unit), ana.shift) == ("Main warehouse/Receiving", "Days")
    assert entry_of(campaign, "ben.adeyemi@example.org").person.full_name == "Ben Adeyemi"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            ["Full Name", "E-mail", "Mobile", "Department", "Apartment"],
            {"full_name": "Full Name", "email": "E-mail", "phone": "Mobile",
             "unit": "Department", "title": "Apartment"},
        ),
        (
            ["Nombre", "Apellidos", "Correo electrónico", "Teléfono", "Apt #"],
            {"given_name": "Nombre", "family_name": "Apellidos", "email": "Correo electrónico",
             "phone": "Teléfono", "title": "Apt #"},
        ),
        (["Email Address", "Phone", "Unit", "Zip"], {"email": "Email Address", "phone": "Phone",
                                                     "unit": "Unit"}),
        (
            ["Apodo", "Unidad", "Líder", "Etiquetas", "No contactar", "Notas", "Idioma"],
            {"preferred_name": "Apodo", "unit": "Unidad", "leader": "Líder",
             "tags": "Etiquetas", "do_not_contact": "No contactar", "notes": "Notas",
             "language": "Idioma"},
        ),
    ],
)  # fmt: skip
def test_it_recognises_the_usual_column_names(header, expected):
    assert csv_formats.guess_mapping(header) == expected


def test_it_reads_a_semicolon_file_with_apartments_and_tags(committee, lead):
    tenants = factories.campaign(committee=committee, code_name="Skyline", kind="tenant")
    Tag.objects.create(committee=committee, name="Tenant Council")

    batch = upload(tenants, lead, "roster_semicolon.csv")
    report = commit(batch, lead)

    assert batch.summary["delimiter"] == ";"
    assert (report.people_new, report.tags_created) == (2, 1)
    jose = entry_of(tenants, "jose@example.org")
    assert (jose.person.full_name, jose.title) == ("José Núñez", "3B")
    assert unit_path(jose.unit) == "Building 12/Floor 3"
    assert sorted(jose.person.tags.values_list("name", flat=True)) == ["Tenant Council", "spanish"]
    assert Tag.objects.filter(committee=committee).count() == 2


def test_it_reads_a_tab_separated_file_with_given_and_family_names(campaign, lead):
    batch = upload(campaign, lead, "roster_tabs.csv")
    commit(batch, lead)

    rosa = entry_of(campaign, "rosa@example.org")
    assert batch.summary["delimiter"] == "\t"
    assert (rosa.person.full_name, rosa.shift, rosa.is_leader) == ("Rosa Parks", "Night", True)


def test_it_reads_a_latin1_file_and_says_so(campaign, lead):
    batch = upload(campaign, lead, "roster_latin1.csv")

    assert batch.summary["encoding"] == "Windows-1252"
    commit(batch, lead)
    assert Person.objects.filter(given_name="José", family_name="Núñez").exists()
    assert Person.objects.filter(given_name="Renée", family_name="Façon").exists()


def test_it_reads_excels_unicode_text(campaign, lead):
    data = "Name\tEmail\nZoë Brandt\tzoe@example.org\n".encode("utf-16")

    batch = upload(campaign, lead, "unicode.txt", data)

    assert (batch.summary["encoding"], batch.summary["delimiter"]) == ("UTF-16", "\t")
    assert commit(batch, lead).people_new == 1
    assert Person.objects.get().given_name == "Zoë"


def test_it_reads_utf8_with_a_byte_order_mark(campaign, lead):
    data = "\ufeffName,Email\nZoë Brandt,zoe@example.org\n".encode()

    batch = upload(campaign, lead, "bom.csv", data)

    assert batch.mapping == {"full_name": "Name", "email": "Email"}
    assert batch.summary["encoding"] == "UTF-8"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", None, "This file is empty."),
        ("blank.csv", b"\n\n  \n", "This file is empty."),
        ("header_only.csv", None, "This file has a header line but no people under it."),
        ("binary.csv", None, "This is not a text file."),
        ("book.csv", b"PK\x03\x04" + b"\x00" * 40, "spreadsheet workbook, not a CSV file"),
        ("twice.csv", b"Name,Email,email\nA,a@x.org,b@x.org\n", "“email” appears twice"),
        ("nohead.csv", b"Ana Ruiz,ana@example.org\n", "looks like a person"),
        ("quote.csv", b'Name,Email\nBen,b@x.org\n"Ana,ana@example.org\n', "(from line 3)"),
    ],
)
def test_it_refuses_a_file_it_cannot_read_and_stores_nothing(campaign, lead, name, data, message):
    before = snapshot()

    with pytest.raises(ValidationError) as refused:
        upload(campaign, lead, name, data)

    assert message in refused.value.messages[0]
    assert not ImportBatch.objects.exists()
    assert snapshot() == before


def test_it_refuses_fifty_thousand_rows_with_a_clear_message(campaign, lead):
    rows = "".join(f"Person {i},p{i}@example.org\n" for i in range(50_000))

    with pytest.raises(ValidationError) as refused:
        upload(campaign, lead, "huge.csv", f"Name,Email\n{rows}".encode())

    assert refused.value.messages == [
        "This file has 50,000 rows; split it into files of at most 20,000."
    ]
    assert not ImportBatch.objects.exists()
    assert not Person.objects.exists()


def test_it_refuses_a_file_over_five_megabytes(campaign, lead):
    data = b"Name,Notes\n" + b"Ana,%s\n" % (b"x" * (5 * 1024 * 1024))

    with pytest.raises(ValidationError, match="the limit is 5 MB"):
        upload(campaign, lead, "big.csv", data)


# --- Checking rows --------------------------------------------------------------------------


def test_it_names_each_bad_row_by_its_line_in_the_file(campaign, lead):
    batch = upload(campaign, lead, "roster_bad_rows.csv")

    report = import_dry_run(batch=batch, mapping=batch.mapping)

    assert report.errors == [
        "Line 3: “555-12” is not a valid phone number; add the country code, like +1",
        "Line 4: “not-an-email” is not a valid email address",
        "Line 5: no name",
        "Line 6: same email as line 2",
    ]
    assert report.people_new == 1


def test_it_counts_lines_inside_quoted_cells_like_a_spreadsheet(campaign, lead):
    data = b'Name,Notes,Phone\nAna,"line one\nline two",312-555-0130\nBen,,555-12\n'
    batch = upload(campaign, lead, "notes.csv", data)

    report = import_dry_run(batch=batch, mapping=batch.mapping)

    assert report.errors == [
        "Line 4: “555-12” is not a valid phone number; add the country code, like +1"
    ]


def test_it_reports_two_rows_for_one_known_person(campaign, lead):
    known = factories.person(committee=campaign.committee, given_name="Ana")
    PersonEmail.objects.create(person=known, email="ana@example.org", is_primary=True)
    PersonPhone.objects.create(person=known, number="+13125550140", is_primary=True)
    data = b"Name,Email,Phone\nAna R,ana@example.org,\nAna Ruiz,,(312) 555-0140\n"
    batch = upload(campaign, lead, "twice.csv", data)

    report = import_dry_run(batch=batch, mapping=batch.mapping)

    assert report.errors == ["Line 3: same person as line 2"]


def test_it_refuses_a_row_whose_email_and_phone_are_two_known_people(campaign, lead):
    ana = factories.person(committee=campaign.committee, given_name="Ana")
    ben = factories.person(committee=campaign.committee, given_name="Ben")
    PersonEmail.objects.create(person=ana, email="ana@example.org", is_primary=True)
    PersonPhone.objects.create(person=ben, number="+13125550141", is_primary=True)
    batch = upload(
        campaign, lead, "mixed.csv", b"Name,Email,Phone\nAna,ana@example.org,3125550141\n"
    )

    report = import_dry_run(batch=batch, mapping=batch.mapping)

    assert report.errors == [
        "Line 2: the email is one person's and the phone another's; merge them or fix the line"
    ]


def test_it_reads_leader_flags_and_refuses_other_answers(campaign, lead):
    data = b"Name,Leader\nA,yes\nB,X\nC,1\nD,no\nE,\nF,maybe\n"
    batch = upload(campaign, lead, "leaders.csv", data)

    report = import_dry_run(batch=batch, mapping=batch.mapping)

    assert report.errors == ["Line 7: “maybe” under “Leader (yes/no)” should be yes or no"]
    data = data.replace(b"F,maybe\n", b"F,true\n")
    commit(upload(campaign, lead, "leaders.csv", data), lead)
    leaders = RosterEntry.objects.filter(campaign=campaign, is_leader=True)
    assert sorted(leaders.values_list("person__given_name", flat=True)) == ["A", "B", "C", "F"]


def test_it_notes_a_language_it_does_not_offer_without_stopping(campaign, lead):
    data = b"Name,Language\nA,Spanish\nB,es\nC,Klingon\n"
    batch = upload(campaign, lead, "lang.csv", data)

    report = commit(batch, lead)

    assert report.committed
    assert report.warnings[0] == "Line 4: language “Klingon” is not one we offer; left blank"
    languages = dict(Person.objects.values_list("given_name", "preferred_language"))
    assert languages == {"A": "es", "B": "es", "C": ""}


# --- Matching the people the committee knows ------------------------------------------------------


def test_it_matches_known_people_by_email_in_any_case_and_by_phone_in_any_format(campaign, lead):
    maria = factories.person(committee=campaign.committee, given_name="Maria", family_name="Cruz")
    PersonEmail.objects.create(person=maria, email="Maria.Cruz@Example.org", is_primary=True)
    dwayne = factories.person(committee=campaign.committee, given_name="Dwayne")
    PersonPhone.objects.create(person=dwayne, number="+13125550199", is_primary=True)
    elsewhere = factories.person(committee=factories.committee(), given_name="Li")
    PersonEmail.objects.create(person=elsewhere, email="li.wei@example.org", is_primary=True)

    report = commit(upload(campaign, lead, "roster_plain.csv"), lead)

    assert (report.people_new, report.people_matched) == (3, 2)
    assert Person.objects.filter(committee=campaign.committee).count() == 5
    assert entry_of(campaign, "maria.cruz@example.org").person == maria
    maria.refresh_from_db()
    assert (maria.given_name, maria.family_name) == ("Maria", "Cruz")  # names are kept
    # Added, never made the primary of someone known (campaigns.roster.matching).
    assert list(maria.phones.values_list("number", "is_primary")) == [("+13125550143", False)]
    assert list(dwayne.emails.values_list("email", flat=True)) == ["dwayne@example.org"]
    assert RosterEntry.objects.get(campaign=campaign, person=dwayne).unit.name == "Night"


def test_it_keeps_what_organizers_set_for_people_already_on_the_roster(campaign, lead):
    site = factories.site(campaign=campaign, name="Warehouse")
    dock = factories.unit(site=site, name="Dock")
    maria = factories.person(committee=campaign.committee, given_name="Maria")
    PersonEmail.objects.create(person=maria, email="maria.cruz@example.org", is_primary=True)
    factories.on_roster(campaign=campaign, person=maria, unit=dock, title="Picker")
    dwayne = factories.person(committee=campaign.committee, given_name="Dwayne")
    PersonEmail.objects.create(person=dwayne, email="dwayne@example.org", is_primary=True)
    factories.on_roster(campaign=campaign, person=dwayne)

    report = commit(upload(campaign, lead, "roster_plain.csv"), lead)

    assert (report.roster_added, report.roster_existing) == (3, 2)
    maria_entry = entry_of(campaign, "maria.cruz@example.org")
    assert (maria_entry.unit, maria_entry.title) == (dock, "Picker")
    assert unit_path(entry_of(campaign, "dwayne@example.org").unit) == "Warehouse/Inbound/Night"
    assert RosterEntry.objects.filter(campaign=campaign).count() == 5


def test_it_reuses_sites_and_units_whatever_their_case(campaign, lead):
    site = factories.site(campaign=campaign, name="warehouse")
    inbound = factories.unit(site=site, name="INBOUND")

    report = commit(upload(campaign, lead, "roster_plain.csv"), lead)

    assert (report.sites_created, report.units_created) == (1, 3)
    assert report.new_places == [
        "warehouse/INBOUND/Night",
        "warehouse/Outbound",
        "Dock Annex",
        "Dock Annex/Yard",
    ]
    assert entry_of(campaign, "maria.cruz@example.org").unit.parent == inbound
    again = commit(upload(campaign, lead, "roster_plain.csv"), lead)
    assert (again.sites_created, again.units_created, again.people_new) == (0, 0, 0)


def test_it_places_single_names_as_units_of_the_only_site(committee, lead):
    tenants = factories.campaign(committee=committee, code_name="Skyline", kind="tenant")
    building = factories.site(campaign=tenants, name="Building 12")
    data = b"Name,Unit\nAna,3B\nBen,Building 12\nCai,Building 12/3B\n"

    commit(upload(tenants, lead, "apts.csv", data), lead)

    units = {e.person.given_name: e.unit for e in RosterEntry.objects.select_related("person")}
    assert units["Ana"] == units["Cai"] == Unit.objects.get(site=building, name="3B")
    assert units["Ben"] is None
    assert Site.objects.filter(campaign=tenants).count() == 1


def test_it_warns_that_people_without_email_or_phone_cannot_be_recognised(campaign, lead):
    batch = upload(campaign, lead, "names.csv", b"Name,Phone\nAna,\nBen,\nCai,312-555-0150\n")

    report = import_dry_run(batch=batch, mapping=batch.mapping)

    assert report.errors == []
    assert report.warnings == [
        "2 people have no email or phone: they are added as new people, and importing them "
        "again would add them twice."
    ]


# --- Dry run and commit ---------------------------------------------------------------------------


def test_it_changes_nothing_in_a_dry_run(campaign, lead):
    batch = upload(campaign, lead, "roster_semicolon.csv")
    before = snapshot()

    report = import_dry_run(batch=batch, mapping={**batch.mapping, "shift": "Apt"})

    assert (report.people_new, report.roster_added, report.tags_created) == (2, 2, 2)
    assert (report.sites_created, report.units_created) == (1, 1)
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED
    assert batch.mapping["shift"] == "Apt"  # the mapping is kept for the commit


def test_it_imports_nothing_when_one_row_is_bad(campaign, lead):
    batch = upload(campaign, lead, "roster_bad_rows.csv")
    before = snapshot()

    report = commit(batch, lead)

    assert not report.committed and len(report.errors) == 4
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED and batch.content


def test_it_rolls_everything_back_when_a_row_fails_at_commit_time(campaign, lead):
    batch = upload(campaign, lead, "roster_plain.csv")
    assert import_dry_run(batch=batch, mapping=batch.mapping).errors == []
    # Meanwhile, someone else adds Dwayne's email and phone to two different people.
    one, two = (
        factories.person(committee=campaign.committee),
        factories.person(committee=campaign.committee),
    )
    PersonEmail.objects.create(person=one, email="dwayne@example.org")
    PersonPhone.objects.create(person=two, number="+13125550199")
    before = snapshot()

    report = commit(batch, lead)

    assert report.errors == [
        "Line 3: the email is one person's and the phone another's; merge them or fix the line"
    ]
    assert snapshot() == before
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.UPLOADED


def test_it_rolls_everything_back_when_the_database_fails_midway(campaign, lead, monkeypatch):
    batch = upload(campaign, lead, "roster_semicolon.csv")
    before = snapshot()

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(imports, "_roster_place", fail)  # after people, emails, tags are in
    report = commit(batch, lead)

    assert not report.committed
    assert report.errors == [
        "The import stopped on a database error, so nothing was saved. Try again."
    ]
    assert snapshot() == before
    assert ImportBatch.objects.get().status == ImportBatch.Status.UPLOADED


def test_it_records_the_commit_and_forgets_the_file(campaign, lead):
    batch = upload(campaign, lead, "roster_plain.csv")

    commit(batch, lead)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.COMMITTED and batch.committed_at
    assert batch.content == ""
    assert batch.summary["people_new"] == 5 and batch.summary["units_created"] == 4
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.IMPORT)
    assert (event.actor, event.campaign_id, event.count) == (lead, campaign.pk, 5)
    assert event.detail == {
        "people_new": 5,
        "people_matched": 0,
        "roster_added": 5,
        "roster_existing": 0,
        "sites_created": 2,
        "units_created": 4,
        "tags_created": 0,
    }
    assert "Maria" not in str(event.detail) and "Maria" not in str(batch.summary)


def test_it_imports_a_batch_once_when_committed_twice(campaign, lead):
    batch = upload(campaign, lead, "roster_plain.csv")

    first, second = commit(batch, lead), commit(batch, lead)

    assert first.committed and second.already_committed
    assert (second.people_new, second.units_created) == (5, 4)  # the first time's counts
    assert Person.objects.count() == 5
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).count() == 1


@pytest.mark.django_db(transaction=True)
def test_it_imports_once_when_two_commits_race(committee, lead):
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    batch = upload(campaign, lead, "roster_plain.csv")
    results, barrier = [], threading.Barrier(2)

    def click():
        barrier.wait()
        try:
            results.append(commit(batch, lead))
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(r.committed for r in results) == [False, True]
    assert Person.objects.count() == 5


def test_it_imports_with_a_bounded_number_of_queries(campaign, lead, django_assert_max_num_queries):
    rows = "".join(
        f"Person {i},p{i}@example.org,312-555-{i:04d},Warehouse/Aisle {i % 3},a;b\n"
        for i in range(400)
    )
    batch = upload(campaign, lead, "many.csv", f"Name,Email,Phone,Unit,Tags\n{rows}".encode())

    with django_assert_max_num_queries(40):
        report = commit(batch, lead)

    assert report.people_new == 400 and report.units_created == 3


def test_the_hourly_task_drops_files_left_unimported_for_a_day(campaign, lead):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from campaigns.imports.tasks import imports_purge_abandoned_task
    from campaigns.models import ImportBatch

    old = ImportBatch.objects.create(campaign=campaign, filename="old.csv", content="name\nAna\n")
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        fresh = ImportBatch.objects.create(campaign=campaign, filename="new.csv", content="x\n")
        purged = imports_purge_abandoned_task()

    assert purged == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.content == "" and old.status == ImportBatch.Status.FAILED
    assert fresh.content == "x\n"


def test_it_never_attaches_a_campaign_lead_to_people_of_campaigns_they_are_not_on(
    committee, campaign
):
    """Maria is on Oak's roster; Harbor's campaign lead imports a file with her email: she is
    counted as someone new, the file's row gets a new record, and a lead gets a possible
    duplicate."""
    from campaigns.models import PossibleDuplicate
    from members.models import Membership

    oak = factories.campaign(committee=committee, code_name="Oak")
    maria = factories.person(committee=committee, given_name="Maria", family_name="Cruz")
    PersonEmail.objects.create(person=maria, email="maria.cruz@example.org", is_primary=True)
    factories.on_roster(campaign=oak, person=maria)
    campaign_lead = factories.member_of(committee, Membership.Role.ORGANIZER)
    factories.on_team(campaign=campaign, user=campaign_lead, role="lead")

    batch = upload(campaign, campaign_lead, "roster_plain.csv")
    dry = import_dry_run(batch=batch, mapping=batch.mapping)
    report = commit(batch, campaign_lead)

    assert (dry.people_new, dry.people_matched) == (5, 0)
    assert (report.people_new, report.people_matched) == (5, 0)
    assert not maria.roster_entries.filter(campaign=campaign).exists()
    assert list(maria.phones.all()) == [], "nothing from the file is added to Maria"
    queued = PossibleDuplicate.objects.get()
    assert (queued.existing, queued.campaign, queued.matched_on) == (maria, campaign, "email")
    assert queued.person == entry_of(campaign, "maria.cruz@example.org").person
