"""Sending the outbox: each message goes out once, in the person's language, never to someone
who must not be contacted, and SMTP trouble is retried from the row, not from Celery."""

import re
import threading
from datetime import UTC, datetime, timedelta
from email.header import decode_header, make_header

import pytest
import time_machine
from aiosmtpd.controller import Controller
from django.db import connection, transaction
from django.utils import timezone

from campaigns.actions.services.rsvps import action_invite, rsvp_set
from campaigns.models import Action, OutboxMessage, Rsvp
from campaigns.outbox.services import send as outbox_send
from campaigns.outbox.services.send import (
    FAILED,
    MAX_ATTEMPTS,
    RETRY,
    SENT,
    SKIPPED,
    SUPPRESSED,
    VOID,
    backoff,
    lease,
    mail_message_id,
    outbox_dispatch_due,
    outbox_send_batch,
    outbox_send_one,
)
from campaigns.outbox.tasks import outbox_send_batch_task
from members.models import PersonEmail
from tests import factories
from tests.conftest import Mailbox, body_text, free_port

Status = OutboxMessage.Status
# Wednesday 4 December 2030, 18:00 in Chicago.
STARTS = datetime(2030, 12, 5, 0, 0, tzinfo=UTC)


def an_action(committee, campaign, **fields) -> Action:
    fields = {
        "title": "Meeting about Acme Logistics' new schedule",
        "kind": Action.Kind.GENERAL_MEETING,
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=2),
        "time_zone": "America/Chicago",
        "location": "Union hall, 12 Dock Street",
        **fields,
    }
    return Action.objects.create(committee=committee, campaign=campaign, **fields)


def someone(committee, email: str | None = "ana@example.org", **fields):
    person = factories.person(committee=committee, given_name="Ana", family_name="Reyes", **fields)
    if email:
        PersonEmail.objects.create(person=person, email=email, is_primary=True)
    return person


def subject(email) -> str:
    return str(make_header(decode_header(email["Subject"])))


def invited(action, person, lead) -> OutboxMessage:
    action_invite(action=action, people=[person], by=lead)
    return OutboxMessage.objects.get(action=action, person=person)


@pytest.fixture
def action(committee, campaign):
    return an_action(committee, campaign)


@pytest.fixture
def queued(monkeypatch):
    """The ids the dispatcher hands to Celery (recorded instead of sent)."""
    ids: list[int] = []
    lock = threading.Lock()

    def delay(message_ids):
        with lock:
            ids.extend(message_ids)

    monkeypatch.setattr(outbox_send_batch_task, "delay", delay)
    return ids


@pytest.fixture
def dispatch(django_capture_on_commit_callbacks):
    """The dispatcher, its on-commit queueing run as if its transaction committed."""

    def run(**kwargs) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return outbox_dispatch_due(**kwargs)

    return run


@pytest.fixture
def no_kick(monkeypatch):
    """Planning does not hand due messages to a worker at once: the test dispatches."""
    monkeypatch.setattr("campaigns.outbox.services.plan.outbox_kick", lambda: None)


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False


# --- What the invitation says ------------------------------------------------------------------


def test_it_sends_the_invitation_with_the_code_name_and_local_time(action, lead, mailbox, client):
    ana = someone(action.committee)
    message = invited(action, ana, lead)

    assert outbox_send_one(message_id=message.pk) == SENT

    [email] = mailbox.wait_for(1)
    assert email["To"] == "ana@example.org"
    assert email["Subject"] == "Harbor: General meeting, Wed, Dec 4, 2030, 6 p.m."
    body = body_text(email)
    assert "Hi Ana," in body
    assert "Wednesday, December 4, 2030, 6 p.m. – 8 p.m. (America/Chicago)" in body
    assert "Union hall, 12 Dock Street" in body
    assert "You don't need to log in to answer." in body
    link = next(line for line in body.splitlines() if line.startswith("http"))
    assert link.startswith("http://127.0.0.1:8000/r/")  # SITE_URL
    page = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert page.status_code == 200
    assert "Meeting about Acme Logistics" in page.content.decode()
    message.refresh_from_db()
    assert message.status == Status.SENT and message.sent_at is not None
    assert message.to_address == "ana@example.org" and message.attempts == 1


def test_the_subject_and_preview_never_name_the_employer(action, lead, mailbox):
    """A boss glancing at an inbox sees the code name only; the title (which organizers wrote,
    and which names the employer) comes after the preview."""
    outbox_send_one(message_id=invited(action, someone(action.committee), lead).pk)

    [email] = mailbox.wait_for(1)
    preview = " ".join(body_text(email).replace("\r\n", "\n").split("\n\n")[:2])
    assert "Acme" not in email["Subject"] and "Acme" not in preview
    assert "Acme" not in body_text(email).split("Meeting about Acme")[0]
    assert "Harbor" in email["Subject"]
    assert "/r/" in body_text(email) and "Acme" not in email.get("List-Unsubscribe", "")


def test_a_committee_wide_action_has_no_code_name(committee, lead, mailbox):
    action = an_action(committee, None, kind=Action.Kind.TRAINING)

    outbox_send_one(message_id=invited(action, someone(committee), lead).pk)

    assert mailbox.wait_for(1)[0]["Subject"] == "Training, Wed, Dec 4, 2030, 6 p.m."


def test_it_writes_in_the_persons_language(action, lead, mailbox):
    ana = someone(action.committee, preferred_language="es")

    outbox_send_one(message_id=invited(action, ana, lead).pk)

    [email] = mailbox.wait_for(1)
    assert "mié 4 dic 2030, 18:00" in subject(email)
    assert "miércoles 4 de diciembre de 2030" in body_text(email)


def test_it_uses_the_primary_address(action, lead, mailbox):
    ana = someone(action.committee, email=None)
    PersonEmail.objects.create(person=ana, email="old@example.org")
    PersonEmail.objects.create(person=ana, email="ana@example.org", is_primary=True)

    outbox_send_one(message_id=invited(action, ana, lead).pk)

    assert mailbox.wait_for(1)[0]["To"] == "ana@example.org"


def test_it_tells_the_waitlist_a_place_opened_up(committee, campaign, lead, mailbox):
    action = an_action(
        committee, campaign, capacity=1, starts_at=timezone.now() + timedelta(days=2)
    )
    action.ends_at = action.starts_at + timedelta(hours=1)
    action.save()
    first, ana = someone(committee, "first@example.org"), someone(committee)
    rsvp_set(action=action, person=first, response="yes", source="app")
    assert rsvp_set(action=action, person=ana, response="yes", source="email").waitlisted

    rsvp_set(action=action, person=first, response="no", source="app")

    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.WAITLIST_PROMOTED)
    assert message.person == ana
    assert outbox_send_one(message_id=message.pk) == SENT
    [email] = mailbox.wait_for(1)
    assert email["Subject"].startswith("Harbor: A place opened up, you're in: General meeting")
    assert "A place opened up and it's yours" in body_text(email)
    assert "/r/" in body_text(email)


def test_an_invitation_due_now_goes_out_when_the_invite_commits(
    action, lead, mailbox, django_capture_on_commit_callbacks
):
    people = [someone(action.committee, f"p{i}@example.org") for i in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        action_invite(action=action, people=people, by=lead)

    emails = mailbox.wait_for(3)
    assert sorted(email["To"] for email in emails) == [f"p{i}@example.org" for i in range(3)]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}


# --- Consent and messages that no longer apply ---------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "email", "reason"),
    [
        ({"do_not_contact": True}, "ana@example.org", "do not contact"),
        ({"email_ok": False}, "ana@example.org", "opted out of email"),
        ({}, None, "no email address"),
    ],
)
def test_it_suppresses_and_records_why(action, lead, mailbox, fields, email, reason):
    message = invited(action, someone(action.committee, email, **fields), lead)

    assert outbox_send_one(message_id=message.pk) == SUPPRESSED

    message.refresh_from_db()
    assert (message.status, message.reason, message.sent_at) == (Status.SUPPRESSED, reason, None)
    assert message.attempts == 1
    assert mailbox.messages == []


def test_an_invitation_to_a_cancelled_action_is_void(action, lead, mailbox):
    message = invited(action, someone(action.committee), lead)
    Action.objects.filter(pk=action.pk).update(cancelled_at=timezone.now())

    assert outbox_send_one(message_id=message.pk) == VOID

    message.refresh_from_db()
    assert (message.status, message.reason) == (Status.VOID, "the action was cancelled")
    assert mailbox.messages == []


def test_an_invitation_to_someone_taken_off_the_list_is_void(action, lead, mailbox):
    ana = someone(action.committee)
    message = invited(action, ana, lead)
    Rsvp.objects.filter(action=action, person=ana).delete()

    assert outbox_send_one(message_id=message.pk) == VOID
    assert mailbox.messages == []


# --- One Message-ID per message ----------------------------------------------------------------


def test_a_message_sent_again_carries_the_same_message_id_at_the_sites_host(
    action, lead, mailbox, settings
):
    """A worker killed between a send and its record sends the message again: the member's
    mail client shows the two as one, because their Message-IDs are the same."""
    settings.SITE_URL = "https://majority.example.org"
    ana = invited(action, someone(action.committee), lead)
    bea = invited(action, someone(action.committee, "bea@example.org"), lead)

    assert outbox_send_one(message_id=ana.pk) == SENT
    OutboxMessage.objects.filter(pk=ana.pk).update(status=Status.PENDING, sent_at=None)
    assert outbox_send_one(message_id=ana.pk) == SENT  # as if the first was never recorded
    assert outbox_send_one(message_id=bea.pk) == SENT

    first, again, other = mailbox.wait_for(3)
    assert first["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert re.fullmatch(r"<outbox-\d+\.[0-9a-f]{12}@majority\.example\.org>", first["Message-ID"])


def test_a_database_started_afresh_never_reuses_a_message_id(action, lead):
    """Its rows are numbered from 1 again: a new message with an old one's number is another
    message, which a mail client must not fold into the old one."""
    message = invited(action, someone(action.committee), lead)
    renumbered = OutboxMessage(pk=message.pk, created_at=message.created_at + timedelta(days=90))

    assert mail_message_id(message) == mail_message_id(OutboxMessage.objects.get(pk=message.pk))
    assert mail_message_id(renumbered) != mail_message_id(message)


# --- Failures ---------------------------------------------------------------------------------


def test_smtp_down_puts_the_message_back_for_later(action, lead, smtp_down, settings):
    message = invited(action, someone(action.committee), lead)
    before = timezone.now()

    assert outbox_send_one(message_id=message.pk) == RETRY

    message.refresh_from_db()
    assert message.status == Status.PENDING and message.sent_at is None
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.reason
    wait = (message.next_attempt_at - before).total_seconds()
    base = settings.MAIL_RETRY_BACKOFF_SECONDS
    assert 0.8 * base - 1 <= wait <= 1.2 * base + 1
    assert message.to_address == "ana@example.org"


def test_it_retries_until_the_mail_server_is_back(action, lead, smtp_down, settings, smtp_port):
    message = invited(action, someone(action.committee), lead)
    outbox_send_one(message_id=message.pk)
    outbox_send_one(message_id=message.pk)
    message.refresh_from_db()
    assert message.attempts == 2 and message.status == Status.PENDING

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    settings.EMAIL_PORT = smtp_port
    try:
        assert outbox_send_one(message_id=message.pk) == SENT
        assert len(box.wait_for(1)) == 1
    finally:
        controller.stop()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.reason) == (Status.SENT, 3, "")


def test_it_gives_up_after_the_last_attempt(action, lead, smtp_down):
    message = invited(action, someone(action.committee), lead)
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=MAX_ATTEMPTS - 1)

    assert outbox_send_one(message_id=message.pk) == FAILED

    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == MAX_ATTEMPTS
    assert "ConnectionRefusedError" in message.reason


class Refusing(Mailbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return "550 5.1.1 No such mailbox"


def test_a_refused_recipient_fails_at_once(action, lead, settings, smtp_port):
    controller = Controller(Refusing(), hostname="127.0.0.1", port=smtp_port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp_port
    message = invited(action, someone(action.committee), lead)
    try:
        assert outbox_send_one(message_id=message.pk) == FAILED
    finally:
        controller.stop()

    message.refresh_from_db()
    assert message.status == Status.FAILED and message.attempts == 1
    assert "SMTPRecipientsRefused" in message.reason and "No such mailbox" in message.reason


def test_a_bad_address_fails_at_once(action, lead, mailbox):
    message = invited(action, someone(action.committee, "ana at example"), lead)

    assert outbox_send_one(message_id=message.pk) == FAILED

    message.refresh_from_db()
    assert (message.status, message.reason) == (Status.FAILED, "Permanent: bad address")
    assert mailbox.messages == []


def test_the_backoff_doubles_up_to_half_an_hour_with_jitter(settings):
    settings.MAIL_RETRY_BACKOFF_SECONDS = 30
    for attempts, expected in [(1, 30), (2, 60), (3, 120), (7, 1800), (8, 1800)]:
        waits = [backoff(attempts).total_seconds() for _ in range(50)]
        assert all(0.8 * expected <= wait <= 1.2 * expected for wait in waits)
        assert len(set(waits)) > 1  # jittered


# --- Once and only once ---------------------------------------------------------------------------


def test_sending_twice_sends_once(action, lead, mailbox):
    message = invited(action, someone(action.committee), lead)

    assert outbox_send_one(message_id=message.pk) == SENT
    assert outbox_send_one(message_id=message.pk) == SKIPPED

    assert len(mailbox.wait_for(1)) == 1
    message.refresh_from_db()
    assert message.attempts == 1


@pytest.mark.parametrize("status", [Status.VOID, Status.SUPPRESSED, Status.FAILED])
def test_a_finished_row_is_left_alone(action, lead, mailbox, status):
    message = invited(action, someone(action.committee), lead)
    OutboxMessage.objects.filter(pk=message.pk).update(status=status)

    assert outbox_send_one(message_id=message.pk) == SKIPPED
    assert outbox_send_one(message_id=10**9) == SKIPPED  # gone
    assert mailbox.messages == []


def test_the_dispatcher_queues_due_rows_once(action, lead, queued, dispatch):
    due = invited(action, someone(action.committee), lead)
    later = OutboxMessage.objects.create(
        committee=action.committee,
        kind=OutboxMessage.Kind.ACTION_INVITATION,
        action=action,
        person=someone(action.committee, "bo@example.org"),
        due_at=timezone.now() + timedelta(hours=1),
        next_attempt_at=timezone.now() + timedelta(hours=1),
    )

    assert dispatch() == 1
    assert dispatch() == 0

    assert queued == [due.pk]
    due.refresh_from_db()
    assert due.status == Status.SENDING
    later.refresh_from_db()
    assert later.status == Status.PENDING


def test_a_task_delivered_twice_sends_once(action, lead, queued, dispatch, mailbox):
    message = invited(action, someone(action.committee), lead)
    dispatch()

    assert outbox_send_one(message_id=message.pk) == SENT
    assert outbox_send_one(message_id=message.pk) == SKIPPED
    assert len(mailbox.wait_for(1)) == 1


def test_a_row_being_sent_is_not_taken_by_another_worker(action, lead, queued, dispatch):
    message = invited(action, someone(action.committee), lead)
    dispatch()
    assert outbox_send._claim(message.pk, timezone.now())  # a worker is sending it now

    assert outbox_send_one(message_id=message.pk) == SKIPPED
    assert dispatch() == 0
    message.refresh_from_db()
    assert message.attempts == 1


def test_a_row_stuck_in_sending_is_claimed_again(action, lead, queued, dispatch, mailbox):
    """The worker died mid-send (or its task was lost): after its lease the row goes out."""
    message = invited(action, someone(action.committee), lead)
    dispatch()
    outbox_send._claim(message.pk, timezone.now())  # ...and the worker died
    queued.clear()

    assert dispatch() == 0
    later = timezone.now() + lease() + timedelta(seconds=1)
    assert dispatch(now=later) == 1
    assert queued == [message.pk]
    with time_machine.travel(later, tick=False):
        assert outbox_send_one(message_id=message.pk) == SENT

    message.refresh_from_db()
    assert message.status == Status.SENT and message.attempts == 2
    assert len(mailbox.wait_for(1)) == 1


def test_a_lost_task_is_dispatched_again(action, lead, queued, dispatch):
    message = invited(action, someone(action.committee), lead)
    dispatch()  # marked sending, but the task never reaches a worker

    assert dispatch(now=timezone.now() + lease() + timedelta(seconds=1)) == 1
    assert queued == [message.pk, message.pk]


@pytest.mark.django_db(transaction=True)
def test_a_second_dispatcher_skips_the_rows_the_first_holds(
    committee, campaign, lead, queued, no_kick
):
    action = an_action(committee, campaign)
    for i in range(5):
        invited(action, someone(committee, f"p{i}@example.org"), lead)
    seen = []

    with transaction.atomic():
        first = outbox_dispatch_due()  # holds its rows until commit
        other = threading.Thread(target=lambda: seen.append(_dispatch_in_thread()))
        other.start()
        other.join(timeout=10)

    assert (first, seen) == (5, [0])
    assert outbox_dispatch_due() == 0
    assert sorted(queued) == sorted(OutboxMessage.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_dispatchers_racing_queue_each_row_once(committee, campaign, lead, queued, no_kick):
    action = an_action(committee, campaign)
    people = [someone(committee, f"p{i}@example.org") for i in range(120)]
    action_invite(action=action, people=people, by=lead)
    start = threading.Barrier(4)

    def dispatcher():
        start.wait()
        while _dispatch_in_thread(limit=7):
            pass

    threads = [threading.Thread(target=dispatcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(queued) == 120
    assert sorted(queued) == sorted(OutboxMessage.objects.values_list("pk", flat=True))


def _dispatch_in_thread(limit: int = 500) -> int:
    try:
        return outbox_dispatch_due(limit=limit)
    finally:
        connection.close()


def test_a_batch_goes_over_one_mail_server_connection(action, lead, mailbox, no_kick):
    people = [someone(action.committee, f"p{i}@example.org") for i in range(5)]
    action_invite(action=action, people=people, by=lead)
    ids = list(OutboxMessage.objects.values_list("pk", flat=True))

    outcomes = outbox_send_batch(message_ids=ids)

    assert outcomes == {"sent": 5}
    assert len(mailbox.wait_for(5)) == 5
    assert len(mailbox.peers) == 1


def test_a_batch_out_of_time_leaves_its_rows_to_the_beat_but_not_one_another_worker_holds(
    action, lead, queued, dispatch, mailbox, settings
):
    """Past its OUTBOX_BATCH_SECONDS (here before its first message) a batch sends nothing
    more: its rows go back to pending, due now, for the beat's next run rather than after their
    lease; a row another task with the same id has claimed is that task's to finish."""
    people = [someone(action.committee, f"late{i}@example.org") for i in range(3)]
    action_invite(action=action, people=people, by=lead)
    dispatch()
    held = queued[0]
    outbox_send._claim(held, timezone.now())  # another worker is sending it
    settings.OUTBOX_BATCH_SECONDS = -1

    assert outbox_send_batch(message_ids=queued) == {"left": 2}

    rows = {row.pk: row for row in OutboxMessage.objects.all()}
    assert rows.pop(held).status == Status.SENDING
    assert all(row.status == Status.PENDING and row.attempts == 0 for row in rows.values())
    assert dispatch() == 2  # the beat's next run hands them out again
    assert mailbox.messages == []


def test_a_batch_reads_its_peoples_addresses_once_not_once_per_message(
    action, lead, mailbox, no_kick, django_assert_max_num_queries
):
    def send_batch_of(count: int) -> int:
        people = [someone(action.committee, f"b{count}-{i}@example.org") for i in range(count)]
        action_invite(action=action, people=people, by=lead)
        ids = list(OutboxMessage.objects.filter(status=Status.PENDING).values_list("pk", flat=True))
        with django_assert_max_num_queries(1000) as queries:
            assert outbox_send_batch(message_ids=ids) == {"sent": count}
        return len(queries)

    per_message = (send_batch_of(6) - send_batch_of(2)) / 4

    assert per_message <= 3  # claim, is the person still invited, sent


def test_a_full_dispatch_goes_again_at_once(
    action, lead, queued, monkeypatch, no_kick, django_capture_on_commit_callbacks
):
    from campaigns.outbox import tasks

    people = [someone(action.committee, f"q{i}@example.org") for i in range(5)]
    action_invite(action=action, people=people, by=lead)
    monkeypatch.setattr(tasks, "DISPATCH_LIMIT", 2)

    with django_capture_on_commit_callbacks(execute=True):
        tasks.outbox_dispatch_due_task()  # eager: each full run queues the next at once

    assert sorted(queued) == sorted(OutboxMessage.objects.values_list("pk", flat=True))
