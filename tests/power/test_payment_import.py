"""Importing dues payments from a file: the treasurer uploads a processor's export or a
payroll list, checks it in a dry run that changes nothing, then records every payment or
none. Each bad line is named by its line with a reason a treasurer can act on."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real
from psycopg.types.range import Range

from campaigns.imports.services import imports_purge_abandoned
from campaigns.models import DuesPlan, Member, Payment, PaymentImport
from campaigns.power import payment_import
from campaigns.power.payment_import import (
    payment_import_commit,
    payment_import_dry_run,
    payment_import_upload,
)
from campaigns.power.standing import Kind, standings
from members.audit import audit_lines
from members.models import AuditEvent, Membership, PersonEmail, PersonPhone
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-12-04 18:00:00+00:00", tick=False):
        yield


@pytest.fixture
def treasurer(committee):
    user = factories.member_of(committee, Membership.Role.LEAD, email="books@example.org")
    Membership.objects.filter(user=user).update(is_treasurer=True)
    return user


def member(committee, given, family, *, number="", email="", phone="", method=""):
    person = factories.person(committee=committee, given_name=given, family_name=family)
    if email:
        PersonEmail.objects.create(person=person, email=email, is_primary=True)
    if phone:
        PersonPhone.objects.create(person=person, number=phone, is_primary=True)
    return Member.objects.create(
        committee=committee,
        person=person,
        number=number,
        joined_on=date(2026, 9, 15),
        pay_method=method,
    )


@pytest.fixture
def ana(committee):
    return member(committee, "Ana", "Lima", number="A-17", email="ana@example.org", method="card")


@pytest.fixture
def ben(committee):
    return member(committee, "Ben", "Cruz", email="ben@example.org", phone="+13125550101")


def upload(committee, user, text: str) -> PaymentImport:
    return payment_import_upload(
        committee=committee, uploaded_by=user, filename="payments.csv", data=text.encode()
    )


def check(batch: PaymentImport, skip: bool = False):
    return payment_import_dry_run(batch=batch, mapping=batch.mapping, skip_unmatched=skip)


GOOD = (
    "Member number,Email,Phone,Amount,Date\n"
    "a-17,,,10.00,2026-11-30\n"  # Ana by number, in another case
    ",,(312) 555-0101,$10.50,2026-12-01\n"  # Ben by phone, in another format
    ",ANA@example.org,,10,2026-12-02\n"  # Ana again, by email: the next month
)


def test_a_dry_run_changes_nothing_and_the_commit_records_every_payment(
    committee, treasurer, ana, ben
):
    batch = upload(committee, treasurer, GOOD)

    dry = check(batch)

    assert dry.errors == [] and Payment.objects.count() == 0
    assert (dry.payments, dry.members, dry.total) == (3, 2, 3050)
    done = payment_import_commit(batch_id=batch.pk, actor=treasurer)
    assert done.committed and (done.payments, done.total) == (3, 3050)
    rows = Payment.objects.order_by("pk").values_list(
        "member_id", "amount", "paid_on", "method", "covers", "source", "recorded_by"
    )
    september, october = (
        Range(date(2026, 9, 1), date(2026, 10, 1), "[)"),
        Range(date(2026, 10, 1), date(2026, 11, 1), "[)"),
    )
    assert list(rows) == [
        (ana.pk, 1000, date(2026, 11, 30), "card", september, "import", treasurer.pk),
        (ben.pk, 1050, date(2026, 12, 1), "other", september, "import", treasurer.pk),
        (ana.pk, 1000, date(2026, 12, 2), "card", october, "import", treasurer.pk),
    ]
    batch.refresh_from_db()
    assert batch.status == PaymentImport.Status.COMMITTED and batch.content == ""


def test_the_standing_follows_the_imported_payments(committee, treasurer, ana):
    text = "email,amount,date,months\nana@example.org,40.00,2026-12-01,4\n"
    before = standings(Member.objects.all(), committee=committee, day=TODAY)[ana.pk]

    payment_import_commit(batch_id=upload(committee, treasurer, text).pk, actor=treasurer)

    after = standings(Member.objects.all(), committee=committee, day=TODAY)[ana.pk]
    assert before.kind == Kind.NO_PLAN
    assert after.kind == Kind.GOOD and after.paid_until == date(2027, 1, 1)


def test_the_commit_is_on_the_audit_trail_once_without_an_amount(committee, treasurer, ana, ben):
    payment_import_commit(batch_id=upload(committee, treasurer, GOOD).pk, actor=treasurer)

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.IMPORT)
    assert event.count == 3 and event.actor == treasurer
    assert event.detail == {"of": "payments", "members": 2, "skipped": 0}
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.PAYMENT).exists()
    [line] = audit_lines([event], committee=committee, campaigns={})
    assert line.text == "Imported 3 dues payments"


def test_a_line_without_months_covers_the_members_plan(committee, treasurer, ana):
    ana.plan = DuesPlan.objects.create(committee=committee, name="Yearly", amount=12000, months=12)
    ana.save()
    text = "email,amount,date\nana@example.org,120,2026-11-30\n"

    payment_import_commit(batch_id=upload(committee, treasurer, text).pk, actor=treasurer)

    assert Payment.objects.get().covers == Range(date(2026, 9, 1), date(2027, 9, 1), "[)")


@pytest.fixture
def paid_october(committee, ana):
    return Payment.objects.create(
        committee=committee,
        member=ana,
        amount=1000,
        paid_on=date(2026, 10, 2),
        method="cash",
        covers=Range(date(2026, 10, 1), date(2026, 11, 1), "[)"),
    )


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        (["ana@example.org,0,2026-11-30,"], "Line 2: Enter an amount greater than zero"),
        (["ana@example.org,-10.00,2026-11-30,"], "Line 2: Enter an amount greater than zero"),
        (["ana@example.org,10.005,2026-11-30,"], "Line 2: USD amounts have at most 2 decimals"),
        (
            ["ana@example.org,10,2026-12-05,"],
            "Line 2: A payment cannot be dated in the future",
        ),
        (
            ["ana@example.org,20,2026-11-30,2026-10"],
            "Line 2: Already paid: October 2026. Start after it, or cover fewer months",
        ),
        (
            ["ana@example.org,10,2026-11-30,2026-11", "ben@example.org,10,2026-11-30,2026-11",
             "ana@example.org,10,2026-11-30,2026-11"],
            "Line 4: November 2026 also paid on line 2",
        ),
        (
            ["ana@example.org,10,2026-11-30,,+13125550101"],
            "Line 2: this line matches more than one member (Ana Lima by email; Ben Cruz by "
            "phone)",
        ),
        (["zed@example.org,10,2026-11-30,"], "Line 2: matches no member (zed@example.org)"),
        (["ana@example.org,ten,2026-11-30,"], "Line 2: Enter an amount, like 10 or 10.50"),
        (["ana@example.org,10,30 Nov,"], "Line 2: “30 Nov” is not a date, like 2026-11-30"),
        ([",10,2026-11-30,"], "Line 2: no member number, email or phone to find the member by"),
    ],
    ids=[
        "zero", "negative", "three decimals", "future", "overlap with the database",
        "overlap within the file", "two people", "unmatched", "not an amount", "not a date",
        "nobody named",
    ],
)  # fmt: skip
def test_a_bad_line_is_named_by_its_line_and_nothing_is_stored(
    committee, treasurer, ana, ben, paid_october, lines, message
):
    text = "email,amount,paid on,first month,phone\n" + "\n".join(lines) + "\n"
    batch = upload(committee, treasurer, text)

    dry = check(batch)
    done = payment_import_commit(batch_id=batch.pk, actor=treasurer)

    assert message in dry.errors and message in done.errors
    assert not done.committed
    assert Payment.objects.count() == 1  # the one paid by hand before
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.IMPORT).exists()
    assert PaymentImport.objects.get().status == PaymentImport.Status.UPLOADED


def test_one_bad_line_among_good_ones_stores_nothing(committee, treasurer, ana, ben):
    text = GOOD + "ben@example.org,,,0,2026-11-30\n"

    done = payment_import_commit(batch_id=upload(committee, treasurer, text).pk, actor=treasurer)

    assert done.errors == ["Line 5: Enter an amount greater than zero"]
    assert Payment.objects.count() == 0


def test_lines_matching_no_member_may_be_left_out_and_are_still_listed(committee, treasurer, ana):
    text = "email,amount,date\nana@example.org,10,2026-11-30\ndonor@example.org,25,2026-11-30\n"
    batch = upload(committee, treasurer, text)

    dry = check(batch, skip=True)
    done = payment_import_commit(batch_id=batch.pk, actor=treasurer)

    assert dry.errors == [] and dry.unmatched == ["Line 3: matches no member (donor@example.org)"]
    assert done.committed and (done.payments, done.skipped) == (1, 1)
    assert list(Payment.objects.values_list("member_id", flat=True)) == [ana.pk]


def hand_paid_september(committee, member) -> Payment:
    return Payment.objects.create(
        committee=committee,
        member=member,
        amount=1000,
        paid_on=TODAY,
        method="cash",
        covers=Range(date(2026, 9, 1), date(2026, 10, 1), "[)"),
    )


SEPTEMBER = "email,amount,date,first month\nana@example.org,10,2026-11-30,2026-09\n"


def test_a_month_paid_by_hand_after_the_dry_run_stops_the_commit(committee, treasurer, ana):
    batch = upload(committee, treasurer, SEPTEMBER)
    assert check(batch).errors == []
    hand = hand_paid_september(committee, ana)

    done = payment_import_commit(batch_id=batch.pk, actor=treasurer)

    assert done.errors == [
        "Line 2: Already paid: September 2026. Start after it, or cover fewer months"
    ]
    assert list(Payment.objects.all()) == [hand]


def test_the_database_refuses_a_month_paid_while_the_file_was_being_written(
    committee, treasurer, ana, monkeypatch
):
    """Paid by hand between the commit's read and its write: the exclusion constraint."""
    batch = upload(committee, treasurer, SEPTEMBER)
    hand = hand_paid_september(committee, ana)
    load = payment_import._Members.load

    def blind(committee):
        known = load(committee)
        known.paid.clear()
        return known

    monkeypatch.setattr(payment_import._Members, "load", staticmethod(blind))

    done = payment_import_commit(batch_id=batch.pk, actor=treasurer)

    assert not done.committed and "nothing was saved" in done.errors[0]
    assert list(Payment.objects.all()) == [hand]
    assert PaymentImport.objects.get().status == PaymentImport.Status.UPLOADED


def test_it_imports_a_file_once_when_committed_twice(committee, treasurer, ana, ben):
    batch = upload(committee, treasurer, GOOD)

    payment_import_commit(batch_id=batch.pk, actor=treasurer)
    again = payment_import_commit(batch_id=batch.pk, actor=treasurer)

    assert again.already_committed and Payment.objects.count() == 3


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (
            "id,Created (UTC),Amount,Currency,Customer Email,Description",
            {"paid_on": "Created (UTC)", "amount": "Amount", "email": "Customer Email",
             "note": "Description"},
        ),
        (
            "Employee ID,Employee Name,Deduction,Pay Date",
            {"number": "Employee ID", "name": "Employee Name", "amount": "Deduction",
             "paid_on": "Pay Date"},
        ),
    ],
    ids=["a processor's export", "a payroll list"],
)  # fmt: skip
def test_it_recognises_the_usual_columns(committee, treasurer, header, expected):
    batch = upload(committee, treasurer, header + "\n" + ",".join("x" * len(header.split(","))))

    assert batch.mapping == expected


def test_a_processors_moment_is_the_day_it_was_in_the_committees_zone(committee, treasurer, ana):
    committee.time_zone = "America/Chicago"
    committee.save()
    text = "Customer Email,Amount,Created (UTC)\nana@example.org,10.00,2026-12-01 03:30:00\n"
    aware = "Customer Email,Amount,Created\nana@example.org,10.00,2026-12-01T03:30:00Z\n"

    naive_day = check(upload(committee, treasurer, text)).lines[0].paid_on
    aware_day = check(upload(committee, treasurer, aware)).lines[0].paid_on

    assert (naive_day, aware_day) == (date(2026, 12, 1), date(2026, 11, 30))


def test_a_spanish_reader_reads_the_problems_in_spanish(committee, treasurer, ana, monkeypatch):
    text = "email,amount,date\nana@example.org,0,2026-11-30\nzed@example.org,10,2026-11-30\n"
    batch = upload(committee, treasurer, text)
    with translation.override("es"):
        catalog = trans_real.translation("es")._catalog._catalogs[0]  # type: ignore[attr-defined]
        # Not translated yet (Spanish is added at merge): a stand-in proves it is asked for.
        monkeypatch.setitem(catalog, "matches no member (%(who)s)", "no es de ningún miembro")
        errors = check(batch).errors

    assert errors == [
        "Línea 2: Escriba un monto mayor que cero",
        "Línea 3: no es de ningún miembro",
    ]


def test_the_commit_takes_a_bounded_number_of_queries(
    committee, treasurer, ana, ben, django_assert_max_num_queries
):
    others = [member(committee, "M", str(i), number=f"N{i}") for i in range(40)]
    text = "member number,amount,date\n" + "".join(f"{m.number},10,2026-11-30\n" for m in others)
    batch = upload(committee, treasurer, text)

    with django_assert_max_num_queries(15):
        done = payment_import_commit(batch_id=batch.pk, actor=treasurer)

    assert done.payments == 40


def test_the_hourly_task_drops_payment_files_left_unimported_for_a_day(committee, treasurer):
    batch = upload(committee, treasurer, "email,amount,date\nx@example.org,1,2026-11-30\n")

    with time_machine.travel("2026-12-05 19:00:00+00:00", tick=False):
        imports_purge_abandoned()

    batch.refresh_from_db()
    assert batch.status == PaymentImport.Status.FAILED and batch.content == ""


# --- The pages -----------------------------------------------------------------------------------


def new_url(committee) -> str:
    return reverse("payment_import_new", args=[committee.pk])


def detail_url(batch) -> str:
    return reverse("payment_import_detail", args=[batch.committee_id, batch.pk])


def test_the_treasurer_goes_from_upload_to_dry_run_to_commit(client, committee, treasurer, ana):
    client.force_login(treasurer)
    text = b"Email,Amount,Date\nana@example.org,10.00,2026-11-30\n"

    sent = client.post(new_url(committee), {"file": SimpleUploadedFile("p.csv", text)})

    batch = PaymentImport.objects.get()
    assert sent.status_code == 302 and sent.url == detail_url(batch)
    page = client.get(detail_url(batch)).content.decode()
    assert '<option value="Amount" selected>Amount</option>' in page
    mapping = {"email": "Email", "amount": "Amount", "paid_on": "Date", "action": "dry_run"}
    dry = client.post(detail_url(batch), mapping).content.decode()
    assert "2. Check: ready to import" in dry and "Ana Lima" in dry and "10.00 USD" in dry
    assert Payment.objects.count() == 0
    done = client.post(detail_url(batch), {"action": "commit"})
    assert done.status_code == 302 and done.url == reverse("treasury", args=[committee.pk])
    assert Payment.objects.get().member == ana
    again = client.post(detail_url(batch), {"action": "commit"})
    assert again.status_code == 302 and Payment.objects.count() == 1


def test_the_page_shows_the_problems_when_the_commit_is_refused(client, committee, treasurer, ana):
    client.force_login(treasurer)
    batch = upload(committee, treasurer, "email,amount,date\nana@example.org,0,2026-11-30\n")

    response = client.post(detail_url(batch), {"action": "commit"})

    assert response.status_code == 422
    assert "Line 2: Enter an amount greater than zero" in response.content.decode()


def test_the_mapping_asks_for_the_amount_and_someone_to_find(client, committee, treasurer):
    client.force_login(treasurer)
    batch = upload(committee, treasurer, "who,how much\nana,10\n")

    response = client.post(detail_url(batch), {"action": "dry_run"})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Choose a column to find members by: member number, email or phone." in page


def test_another_lead_or_committee_sees_no_payment_file(
    client, committee, treasurer, lead, outsider
):
    batch = upload(committee, treasurer, "email,amount,date\nana@example.org,10,2026-11-30\n")
    for user in (lead, outsider):
        client.force_login(user)

        assert client.get(detail_url(batch)).status_code == 404
        assert client.post(detail_url(batch), {"action": "commit"}).status_code == 404
    elsewhere = factories.committee()
    other = factories.member_of(elsewhere, Membership.Role.LEAD)
    Membership.objects.filter(user=other).update(is_treasurer=True)
    client.force_login(other)
    url = reverse("payment_import_detail", args=[elsewhere.pk, batch.pk])
    assert client.get(url).status_code == 404
