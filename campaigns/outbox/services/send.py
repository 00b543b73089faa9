"""Sending the outbox: the beat claims due rows, a worker sends each one by id.

The row is the truth, Celery only carries its id. `outbox_dispatch_due` (every minute) claims
due rows with `select_for_update(skip_locked=True)`, marks them sending and queues one task per
row on commit, so two dispatchers never queue the same row. `outbox_send_one` claims the row
again with a conditional UPDATE and records the attempt before sending and the outcome after,
so a task delivered twice sends once.

For a row that is sending, `next_attempt_at` is when its lease runs out: a row whose task was
lost, or whose worker died mid-send, is claimed again by the dispatcher's first run after
OUTBOX_LEASE_SECONDS (2 minutes by default; longer than the send task's hard time limit, so the
first worker is surely gone). A batch takes no new message after OUTBOX_BATCH_SECONDS, so even
a mail server that hangs never makes the soft time limit cut a send from its record; the rows
it did not get to go back to the dispatcher. A message sent twice all the same (the worker
killed between the send and its record) carries the same Message-ID both times, and mail
clients show it once.

Discretion: subjects and the first lines of a body (the inbox preview) name the campaign only by
its code name, never the employer or the landlord; links carry a signed token of ids only.
"""

import hashlib
import logging
import random
import re
import smtplib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import connection as database
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.models import OutboxMessage
from campaigns.outbox.registry import KINDS
from campaigns.outbox.services.consent import unsubscribe_urls
from campaigns.outbox.services.plan import outbox_kick
from campaigns.outbox.services.quiet_hours import quiet_hours_hold
from members.audit import audit_record
from members.language import speaking_to
from members.models import AuditEvent, Committee, Person, User
from organizing.celery import task_queue
from organizing.sms import SmsError, send_sms

log = logging.getLogger(__name__)

Status = OutboxMessage.Status
Kind = OutboxMessage.Kind
Channel = OutboxMessage.Channel
E164 = re.compile(r"\+[1-9][0-9]{6,14}")

BATCH = 50  # messages per send task, sent over one SMTP connection
ROWS_FRESH_FOR = 5.0  # seconds a batch's rows, read at once, are trusted before reading again
MAX_ATTEMPTS = 8
BACKOFF_MAX = timedelta(minutes=30)
BACKOFF_JITTER = 0.2

# What outbox_send_one returns: what became of the row.
SENT, RETRY, FAILED, SUPPRESSED, VOID, SKIPPED = (
    "sent",
    "retry",
    "failed",
    "suppressed",
    "void",
    "skipped",
)
LEFT = "left"  # in a batch's outcomes: rows it had no time for, back to the dispatcher


class Permanent(Exception):
    """Sending this message can never work (the address is bad or refused)."""


def lease() -> timedelta:
    """How long a row being sent belongs to whoever claimed it (OUTBOX_LEASE_SECONDS)."""
    return timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)


def outbox_dispatch_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Claim up to `limit` due rows (and rows whose send lease ran out), mark them sending and
    queue a send task for each when the transaction commits. Returns how many were queued."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status__in=[Status.PENDING, Status.SENDING], next_attempt_at__lte=now)
            .order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        if ids:
            OutboxMessage.objects.filter(pk__in=ids).update(
                status=Status.SENDING, next_attempt_at=now + lease()
            )
            transaction.on_commit(lambda: _queue(ids))
    return len(ids)


def _queue(ids: list[int]) -> None:
    """One task per BATCH rows: a worker sends a batch over one SMTP connection."""
    for start in range(0, len(ids), BATCH):
        task_queue("outbox.send_batch", ids[start : start + BATCH])


def outbox_send_batch(*, message_ids: list[int]) -> dict[str, int]:
    """Send these messages over one mail-server connection (opened only if one of them needs
    it, and again after a failure broke it); returns how many ended how. It takes no new
    message after OUTBOX_BATCH_SECONDS, so that the last one, however long the mail server
    makes it wait, is recorded before the task's soft time limit; the rest are LEFT."""
    outcomes: dict[str, int] = {}
    deadline = time.monotonic() + settings.OUTBOX_BATCH_SECONDS
    # The batch's rows, with their people's addresses, in one read (each row is still claimed,
    # and checked, one by one), read again if sending is slow, so a cancellation meanwhile is
    # seen.
    rows: dict[int, OutboxMessage] = {}
    read_at = float("-inf")
    connection = get_connection()
    try:
        for index, message_id in enumerate(message_ids):
            if time.monotonic() > deadline:
                outcomes[LEFT] = _release(message_ids[index:])
                break
            if time.monotonic() - read_at > ROWS_FRESH_FOR:
                rows = (
                    OutboxMessage.objects.select_related(
                        "action__campaign", "committee", "person", "user"
                    )
                    .prefetch_related("person__emails", "person__phones")
                    .in_bulk(message_ids[index:])
                )
                read_at = time.monotonic()
            outcome = outbox_send_one(
                message_id=message_id, connection=connection, row=rows.get(message_id)
            )
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome in (RETRY, FAILED):
                connection.close()  # a refused or broken session: start the next one afresh
    finally:
        connection.close()
    return outcomes


def _release(message_ids: list[int]) -> int:
    """A batch's rows it had no time for, back to pending and due now: the dispatcher's next
    run hands them out again, rather than after their lease. A row a worker holds (another
    task with the same id claimed it, see _claim) is not ours to give back."""
    held = Q(last_attempt_at__gte=F("next_attempt_at") - lease())
    return (
        OutboxMessage.objects.filter(pk__in=message_ids, status=Status.SENDING, sent_at=None)
        .exclude(held)
        .update(status=Status.PENDING, next_attempt_at=timezone.now())
    )


def outbox_send_one(*, message_id: int, connection=None, row: OutboxMessage | None = None) -> str:
    """Send one message, at most once; returns what became of it (SENT, RETRY, FAILED,
    SUPPRESSED, VOID, or SKIPPED when it was not ours to send: gone, done, or being sent).
    `connection`: a mail connection to reuse; `row`: the message as read just before, with its
    action, person and user (see outbox_send_batch), saving a query."""
    now = timezone.now()
    attempts = _claim(message_id, now)
    if attempts is None:
        return SKIPPED
    message: OutboxMessage | None = row
    if message is not None:
        message.attempts, message.last_attempt_at = attempts, now
    else:
        message = (
            OutboxMessage.objects.select_related("action__campaign", "committee", "person", "user")
            .filter(pk=message_id)
            .first()
        )
    if message is None:
        return SKIPPED
    if message.attempts > MAX_ATTEMPTS:
        return _finish(message, Status.FAILED, f"gave up after {MAX_ATTEMPTS} attempts")
    kind = KINDS.get(message.kind)
    if kind is None:
        return _finish(message, Status.FAILED, f"no email for the kind {message.kind!r}")
    void = kind.void_reason(message, now)
    if void:
        return _finish(message, Status.VOID, void)
    recipient = _recipient(message)
    if recipient.channel != message.channel:  # the person chose another channel since
        message.channel = recipient.channel
        OutboxMessage.objects.filter(pk=message.pk).update(channel=recipient.channel)
    if recipient.suppressed:
        return _finish(message, Status.SUPPRESSED, recipient.suppressed)
    if held := quiet_hours_hold(message, recipient.channel, now):  # no texts at night
        return held
    return _send(message, recipient, connection)


def _claim(message_id: int, now: datetime) -> int | None:
    """Take the row for this worker: pending, or sending on a lease given by the dispatcher
    after the last attempt (a worker's own claim sets last_attempt_at to the lease's start, so
    a second worker holding the same id finds nothing to take). Returns the attempts counted
    with this one, or None when the row was not ours to take.

    One statement, in SQL: it runs once per message, and Django's update() costs more to build
    than the database takes to run it."""
    held = lease()
    with database.cursor() as cursor:
        cursor.execute(
            _CLAIM_SQL,
            {
                "id": message_id,
                "now": now,
                "lease": now + held,
                "stuck": held,  # type: ignore[dict-item]  # psycopg adapts timedelta
                "pending": Status.PENDING.value,
                "sending": Status.SENDING.value,
            },
        )
        row = cursor.fetchone()
    return row[0] if row else None


_CLAIM_SQL = f"""
    UPDATE {OutboxMessage._meta.db_table}
       SET status = %(sending)s, attempts = attempts + 1,
           last_attempt_at = %(now)s, next_attempt_at = %(lease)s
     WHERE id = %(id)s AND sent_at IS NULL
       AND (status = %(pending)s
            OR (status = %(sending)s
                AND (last_attempt_at IS NULL OR last_attempt_at < next_attempt_at - %(stuck)s)))
    RETURNING attempts
"""  # noqa: S608 - the table name is ours, the values are parameters


@dataclass(frozen=True)
class Recipient:
    """Where a message goes (a channel and an address), or why it must not go at all."""

    channel: str
    address: str = ""
    suppressed: str = ""


def _recipient(message: OutboxMessage) -> Recipient:
    """Consent comes first. A message with a user goes to that user of the app (a nudge, or
    a one-on-one reminder, whose person is its subject); one to a person goes by text message
    when they chose it and have a number, else by email."""
    if message.user is not None:
        return Recipient(Channel.EMAIL, message.user.email)
    person = message.person
    if person is None:
        return Recipient(Channel.EMAIL, suppressed="no recipient")
    texts = person.preferred_channel == Person.Channel.SMS
    if person.do_not_contact:
        return Recipient(Channel.SMS if texts else Channel.EMAIL, suppressed="do not contact")
    if texts and not person.sms_ok:
        return Recipient(Channel.SMS, suppressed="opted out of text messages")
    # The primary number or address first (the models' ordering), as prefetched for a batch.
    if texts:
        number = next((phone.number for phone in person.phones.all()), "")
        if number:
            return Recipient(Channel.SMS, number)
    if not person.email_ok:
        return Recipient(Channel.EMAIL, suppressed="opted out of email")
    email = next((row.email for row in person.emails.all()), "")
    if not email:
        return Recipient(Channel.EMAIL, suppressed="no email address")
    return Recipient(Channel.EMAIL, email)


def _send(message: OutboxMessage, recipient: Recipient, connection=None) -> str:
    if recipient.channel == Channel.SMS:
        return _send_sms(message, recipient.address)
    return _send_email(message, recipient.address, connection)


def _send_email(message: OutboxMessage, address: str, connection=None) -> str:
    try:
        _check_address(address)
        if connection is not None:
            connection.open()  # kept open across the batch (a no-op once it is)
        _email(message, address, connection).send()
    except (Permanent, smtplib.SMTPRecipientsRefused) as error:
        return _finish(message, Status.FAILED, _describe(error), to_address=address)
    except (smtplib.SMTPException, OSError) as error:
        return _retry_later(message, _describe(error), to_address=address)
    except Exception as error:
        _retry_later(message, _describe(error), to_address=address)
        raise
    return _sent(message, address)


def _send_sms(message: OutboxMessage, number: str) -> str:
    """A text: a transient provider failure is retried like SMTP trouble; a message the
    provider refuses fails at once with its reason."""
    try:
        _check_number(number)
        body = _sms_body(message)
        send_sms(to=number, body=body)
    except Permanent as error:
        return _finish(message, Status.FAILED, _describe(error), to_address=number)
    except SmsError as error:
        if error.transient:
            return _retry_later(message, _describe(error), to_address=number)
        return _finish(message, Status.FAILED, _describe(error), to_address=number)
    except Exception as error:
        _retry_later(message, _describe(error), to_address=number)
        raise
    return _sent(message, number)


def _sent(message: OutboxMessage, address: str) -> str:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENT, sent_at=timezone.now(), to_address=address, reason=""
    )
    return SENT


def _check_address(address: str) -> None:
    try:
        validate_email(address)
    except ValidationError as error:
        raise Permanent("bad address") from error


def _check_number(number: str) -> None:
    """Numbers are stored in E.164 (+15551234567): anything else is a bad record."""
    if not E164.fullmatch(number):
        raise Permanent("bad phone number")


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _finish(message: OutboxMessage, status: str, reason: str, *, to_address: str = "") -> str:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status, reason=reason[:500], to_address=to_address
    )
    log.info("outbox %s: %s (%s)", message.pk, status, reason)
    return {Status.FAILED: FAILED, Status.VOID: VOID, Status.SUPPRESSED: SUPPRESSED}[Status(status)]


def _retry_later(message: OutboxMessage, reason: str, *, to_address: str) -> str:
    """A transient failure: try again after a backoff, or give up after MAX_ATTEMPTS."""
    if message.attempts >= MAX_ATTEMPTS:
        return _finish(message, Status.FAILED, reason, to_address=to_address)
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.PENDING,
        next_attempt_at=timezone.now() + backoff(message.attempts),
        reason=reason,
        to_address=to_address,
    )
    log.warning("outbox %s: attempt %s failed, retrying: %s", message.pk, message.attempts, reason)
    return RETRY


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: doubling from
    MAIL_RETRY_BACKOFF_SECONDS up to BACKOFF_MAX, give or take 20%, so that a crowd of
    messages failed together does not come back together."""
    base = settings.MAIL_RETRY_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0)
    seconds = min(base, BACKOFF_MAX.total_seconds())
    return timedelta(seconds=seconds * random.uniform(1 - BACKOFF_JITTER, 1 + BACKOFF_JITTER))  # noqa: S311 - jitter, not a secret


def outbox_retry(
    *, committee: Committee, by: User, message_id: int | None = None, ip: str | None = None
) -> int:
    """A lead's retry: the committee's failed message (or all of them, without an id) back to
    pending, due now, with its attempts counted afresh; the dispatcher is kicked when the
    transaction commits. Recorded. Returns how many went back."""
    failed = OutboxMessage.objects.filter(committee=committee, status=Status.FAILED)
    if message_id is not None:
        failed = failed.filter(pk=message_id)
    with transaction.atomic():
        ids = list(failed.select_for_update().values_list("pk", flat=True))
        if not ids:
            return 0
        OutboxMessage.objects.filter(pk__in=ids).update(
            status=Status.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        audit_record(
            actor=by,
            kind=AuditEvent.Kind.MESSAGE_RETRY,
            committee=committee,
            subject=OutboxMessage(pk=ids[0]) if message_id is not None else None,
            count=len(ids),
            ip=ip,
        )
        transaction.on_commit(outbox_kick)
    return len(ids)


def _email(message: OutboxMessage, address: str, connection=None) -> EmailMultiAlternatives:
    """A member's email (one to a person) ends with an unsubscribe link and carries the
    List-Unsubscribe headers, one-click (RFC 8058) included; one to a user of the app does
    not (their mail is their work in the app)."""
    context = _context(message)
    member = message.person if message.user is None else None
    headers = {"Message-ID": mail_message_id(message)}
    if member is not None:
        context["unsubscribe_url"], one_click = unsubscribe_urls(person=member)
        headers |= {
            "List-Unsubscribe": f"<{one_click}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    with _speaking(message):
        subject: str = render_to_string(f"emails/{message.kind}-subject.txt", context)
        body: str = render_to_string(f"emails/{message.kind}-body.txt", context)
        html: str = render_to_string(f"emails/{message.kind}-body.html", context)
        if member is not None:
            body = f"{body.rstrip()}\n\n{render_to_string('emails/_unsubscribe.txt', context)}"
            footer = render_to_string("emails/_unsubscribe.html", context)
            html = _before_end(html, footer)
    # A subject is one line, whatever the template's whitespace.
    email = EmailMultiAlternatives(
        " ".join(subject.split()), body, to=[address], connection=connection, headers=headers
    )
    email.attach_alternative(html, "text/html")
    return email


def mail_message_id(message: OutboxMessage) -> str:
    """The message's Message-ID, the same on every attempt, so a mail client shows a message
    delivered twice once. Made of the row's id and a hash of it with its creation time (a
    database started afresh numbers its rows from 1 again), at the site's host."""
    created = message.created_at.isoformat()
    digest = hashlib.sha256(f"{message.pk}:{created}".encode()).hexdigest()[:12]
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<outbox-{message.pk}.{digest}@{host}>"


def _before_end(html: str, footer: str) -> str:
    """The footer inside the document's body, whichever kind's template made it."""
    end = html.rfind("</body>")
    return html + footer if end < 0 else html[:end] + footer + html[end:]


def _sms_body(message: OutboxMessage) -> str:
    """emails/<kind>-sms.txt on one line (the code name only, and the link), then how to stop."""
    context = _context(message)
    with _speaking(message):
        try:
            text = render_to_string(f"emails/{message.kind}-sms.txt", context)
        except TemplateDoesNotExist as error:
            raise Permanent(f"no text message for the kind {message.kind!r}") from error
        stop = gettext("Reply STOP to stop these texts.")
    return f"{' '.join(text.split())}\n{stop}"


@contextmanager
def _speaking(message: OutboxMessage) -> Iterator[None]:
    """Render in the reader's language (a member's preferred one, a user's chosen one) and show
    times in the action's zone, where it happens."""
    reader = message.person if message.user is None else message.user
    zone = message.zone
    with speaking_to(reader), timezone.override(zone):
        yield


def _context(message: OutboxMessage) -> dict[str, Any]:
    """What every email template gets, and what its kind adds (see campaigns.outbox.registry)."""
    context: dict[str, Any] = {"message": message, "person": message.person}
    kind = KINDS.get(message.kind)
    return context | kind.context(message) if kind and kind.context else context
