"""A member whose dues fall behind gets one reminder (an email or a text, by their consent, in
their language, the campaign named by its code name, never an amount), again only after they
caught up and fell behind anew; their organizer sees them on My list, and a lapsed member in the
Monday email. The committee is in Los Angeles, where the day ends eight hours after UTC's."""

from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header

import pytest
import time_machine
from django.urls import reverse
from psycopg.types.range import Range

from campaigns.conversations.selectors.mylist import my_list_build
from campaigns.models import DuesPlan, Member, OutboxMessage, Payment
from campaigns.nudges.services.digests import nudges_plan_due
from campaigns.outbox.services.send import outbox_dispatch_due
from campaigns.power.reminders import dues_reminders_plan
from members.models import PersonPhone
from organizing import sms
from tests import factories
from tests.conftest import body_text

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
LOS_ANGELES = "America/Los_Angeles"
# Paid through November 2026: December is the grace month, 1 January 2027 is behind (two
# months), 1 March lapsed (four). 10:00 in Los Angeles is 18:00 UTC in winter.
PAID_UNTIL = date(2026, 12, 1)
JAN_1_TEN = datetime(2027, 1, 1, 18, 0, tzinfo=UTC)
# 1 January in UTC, still New Year's Eve at 20:00 in Los Angeles: she is not behind there yet.
NEW_YEARS_EVE_LA = datetime(2027, 1, 1, 4, 0, tzinfo=UTC)
AMOUNTS = ("10.00", "1000", "$", "USD")


def subject(email) -> str:
    return " ".join(str(make_header(decode_header(email["Subject"]))).split())


@pytest.fixture
def los_angeles(committee):
    committee.time_zone = LOS_ANGELES
    committee.save()
    return committee


@pytest.fixture
def harbor(los_angeles, campaign, team_organizer):
    """Harbor (target Acme Logistics), Nina on its team."""
    return campaign


@pytest.fixture
def texts(settings):
    settings.SMS = {"backend": "locmem"}
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """The outbox's dispatcher, its queued sends run (eagerly) as if its transaction committed."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return outbox_dispatch_due()

    return run


def pay(member: Member, *, paid_on: date, first: date, until: date) -> None:
    Payment.objects.create(
        committee=member.committee,
        member=member,
        amount=1000,
        paid_on=paid_on,
        method="cash",
        covers=Range(first, until),
    )


def a_member(campaign, name: str, *, organizer=None, email: str = "", **fields) -> Member:
    """On Harbor's roster, joined in June 2026 on the 10.00 monthly plan, paid through November."""
    committee = campaign.committee
    person = factories.person(committee=committee, given_name=name, family_name="Diaz", **fields)
    factories.on_roster(campaign=campaign, person=person, organizer=organizer)
    if email:
        person.emails.create(email=email, is_primary=True)
    plan = DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)
    member = Member.objects.create(
        committee=committee, person=person, joined_on=date(2026, 6, 1), plan=plan
    )
    pay(member, paid_on=date(2026, 6, 1), first=date(2026, 6, 1), until=PAID_UNTIL)
    return member


def plan_at(moment: datetime) -> int:
    with time_machine.travel(moment, tick=False):
        return dues_reminders_plan()


def reminders():
    return OutboxMessage.objects.filter(kind=Kind.DUES_REMINDER).order_by("due_at")


def send_at(moment: datetime, send) -> int:
    with time_machine.travel(moment, tick=False):
        return send()


# --- One reminder per time behind ----------------------------------------------------------------


def test_a_member_who_falls_behind_gets_one_email_on_the_committees_day(harbor, mailbox, send):
    a_member(harbor, "Ana", email="ana@example.org")

    assert plan_at(NEW_YEARS_EVE_LA) == 0  # 1 January in UTC, not yet in Los Angeles
    assert plan_at(JAN_1_TEN - timedelta(minutes=5)) == 0  # before 10:00 there
    assert plan_at(JAN_1_TEN + timedelta(minutes=5)) == 1
    send_at(JAN_1_TEN + timedelta(minutes=6), send)

    [email] = mailbox.wait_for(1)
    text = body_text(email)
    assert email["To"] == "ana@example.org"
    assert subject(email) == "Harbor: a reminder about your membership dues"
    assert "Hi Ana," in text and "Where you stand today: Behind 2 months." in text
    assert "Acme" not in text and "Acme" not in subject(email)  # the code name only
    assert "To stop getting emails from us:\r\nhttp://127.0.0.1:8000/u/" in text
    assert email["List-Unsubscribe"]
    assert not any(amount in text for amount in AMOUNTS)
    for later in (timedelta(hours=1), timedelta(days=1), timedelta(days=40)):
        assert plan_at(JAN_1_TEN + later) == 0  # behind, then lapsed: the same time behind
    assert [row.due_at for row in reminders()] == [JAN_1_TEN]


def test_catching_up_and_falling_behind_again_brings_a_new_reminder_but_paying_a_part_does_not(
    harbor,
):
    ana = a_member(harbor, "Ana", email="ana@example.org")
    assert plan_at(JAN_1_TEN) == 1

    pay(ana, paid_on=date(2027, 2, 10), first=date(2026, 12, 1), until=date(2027, 1, 1))
    assert plan_at(datetime(2027, 2, 10, 19, 0, tzinfo=UTC)) == 0  # still behind 2 months
    pay(ana, paid_on=date(2027, 2, 20), first=date(2027, 1, 1), until=date(2027, 2, 1))
    assert plan_at(datetime(2027, 2, 20, 19, 0, tzinfo=UTC)) == 0  # in good standing
    march_first = datetime(2027, 3, 1, 18, 0, tzinfo=UTC)  # February unpaid past its grace
    assert plan_at(march_first) == 1
    assert plan_at(march_first + timedelta(days=1)) == 0

    assert [row.due_at for row in reminders()] == [JAN_1_TEN, march_first]


def test_a_member_who_paid_before_it_went_gets_nothing(harbor, mailbox, send):
    ana = a_member(harbor, "Ana", email="ana@example.org")
    plan_at(JAN_1_TEN)
    pay(ana, paid_on=date(2027, 1, 1), first=date(2026, 12, 1), until=date(2027, 2, 1))

    send_at(JAN_1_TEN + timedelta(minutes=1), send)

    assert mailbox.messages == []
    assert reminders().get().status == Status.VOID


# --- Consent, channel, language ------------------------------------------------------------------


def test_a_member_who_chose_texts_gets_a_short_text_with_no_amount_nor_months(
    harbor, texts, mailbox, send
):
    sam = a_member(harbor, "Sam", preferred_channel="sms", sms_ok=True)
    PersonPhone.objects.create(person=sam.person, number="+13105550143", is_primary=True)
    plan_at(JAN_1_TEN)

    send_at(JAN_1_TEN + timedelta(minutes=1), send)

    [text] = texts
    assert text.to == "+13105550143"
    assert text.body.startswith("Harbor: a friendly reminder that your membership dues are behind.")
    assert text.body.endswith("\nReply STOP to stop these texts.")
    assert "month" not in text.body and "Acme" not in text.body
    assert not any(amount in text.body for amount in AMOUNTS)
    assert mailbox.messages == []


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"preferred_channel": "sms", "sms_ok": False}, "opted out of text messages"),
        ({"email_ok": False}, "opted out of email"),
        ({"do_not_contact": True}, "do not contact"),
    ],
)
def test_nothing_goes_without_consent_nor_to_a_do_not_contact_member(
    harbor, texts, mailbox, send, fields, reason
):
    person = a_member(harbor, "Lee", email="lee@example.org", **fields).person
    PersonPhone.objects.create(person=person, number="+13105550199", is_primary=True)
    plan_at(JAN_1_TEN)

    send_at(JAN_1_TEN + timedelta(minutes=1), send)

    assert (texts, mailbox.messages) == ([], [])
    row = reminders().get()
    assert (row.status, row.reason) == (Status.SUPPRESSED, reason)
    assert plan_at(JAN_1_TEN + timedelta(days=2)) == 0  # and no second try


def test_a_spanish_speaking_member_is_reminded_in_spanish(harbor, mailbox, send):
    a_member(harbor, "Lucía", email="lucia@example.org", preferred_language="es")
    plan_at(JAN_1_TEN)

    send_at(JAN_1_TEN + timedelta(minutes=1), send)

    [email] = mailbox.wait_for(1)
    text = body_text(email)
    assert "Atrasado 2 meses" in text  # the standing, from the Spanish catalogue
    assert "Para dejar de recibir nuestros correos:" in text
    assert "Behind" not in text
    assert 'lang="es"' in email.get_payload()[1].get_payload(decode=True).decode()


# --- What organizers see -------------------------------------------------------------------------


def test_my_list_shows_members_behind_to_their_organizer_only(
    client, harbor, team_organizer, outside_organizer, django_assert_max_num_queries
):
    a_member(harbor, "Ana", organizer=team_organizer)
    paz = a_member(harbor, "Paz", organizer=team_organizer)
    pay(paz, paid_on=date(2026, 12, 20), first=PAID_UNTIL, until=date(2027, 1, 1))

    with time_machine.travel(NEW_YEARS_EVE_LA, tick=False):  # still December's grace there
        assert my_list_build(team_organizer).parts == []
    with time_machine.travel(datetime(2027, 1, 2, 4, 0, tzinfo=UTC), tick=False):  # 1 Jan there
        [part] = my_list_build(team_organizer).parts
        client.force_login(team_organizer)
        with django_assert_max_num_queries(15):  # My list's 14, and the members' standings
            page = client.get(reverse("my_list")).content.decode()
        assert my_list_build(outside_organizer).parts == []

    assert (part.title, part.total) == ("Behind on dues", 1)  # Paz paid December
    assert [(row.entry.person.given_name, row.reason) for row in part.rows] == [
        ("Ana", "Behind 2 months")
    ]
    assert 'id="mylist-dues"' in page and "Behind 2 months" in page
    assert not any(amount in page for amount in ("10.00", "$"))


def test_a_lapsed_member_is_in_their_organizers_monday_email(
    harbor, team_organizer, outside_organizer, mailbox, send
):
    a_member(harbor, "Ana", organizer=team_organizer)
    monday_nine = datetime(2027, 3, 1, 17, 0, tzinfo=UTC)  # lapsed: four months unpaid

    with time_machine.travel(datetime(2027, 3, 1, 4, 0, tzinfo=UTC), tick=False):
        nudges_plan_due()  # Monday in UTC, Sunday evening in Los Angeles
    assert not OutboxMessage.objects.filter(kind=Kind.QUIET_UNITS).exists()
    with time_machine.travel(monday_nine + timedelta(minutes=5), tick=False):
        nudges_plan_due()
        send()

    [email] = mailbox.wait_for(1)
    text = body_text(email)
    assert email["To"] == team_organizer.email
    assert subject(email) == "1 lapsed member to talk to"
    assert "Members assigned to you whose dues have lapsed" in text
    assert "- Ana Diaz (Harbor)" in text
    assert not any(amount in text for amount in AMOUNTS)
    assert set(
        OutboxMessage.objects.filter(kind=Kind.QUIET_UNITS).values_list("user", flat=True)
    ) == {team_organizer.pk}
