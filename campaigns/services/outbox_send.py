"""Sending the outbox: the beat claims due rows, a worker sends each one by id.

The row is the truth, Celery only carries its id. `outbox_dispatch_due` (every minute) claims
due rows with `select_for_update(skip_locked=True)`, marks them sending and queues one task per
row on commit, so two dispatchers never queue the same row. `outbox_send_one` claims the row
again with a conditional UPDATE and records the attempt before sending and the outcome after,
so a task delivered twice sends once.

For a row that is sending, `next_attempt_at` is when its lease runs out: a row whose task was
lost, or whose worker died mid-send, is claimed again by the dispatcher after STUCK_AFTER
(longer than Celery's hard time limit, so the first worker is surely gone).

Discretion: subjects and the first lines of a body (the inbox preview) name the campaign only by
its code name, never the employer or the landlord; links carry a signed token of ids only.
"""

import logging
import random
import smtplib
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from campaigns.models import OutboxMessage, Rsvp
from campaigns.services.rsvp_links import rsvp_link_token

log = logging.getLogger(__name__)

Status = OutboxMessage.Status
Kind = OutboxMessage.Kind

STUCK_AFTER = timedelta(minutes=10)
BATCH = 50  # messages per send task, sent over one SMTP connection
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


class Permanent(Exception):
    """Sending this message can never work (the address is bad or refused)."""


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
                status=Status.SENDING, next_attempt_at=now + STUCK_AFTER
            )
            transaction.on_commit(lambda: _queue(ids))
    return len(ids)


def _queue(ids: list[int]) -> None:
    """One task per BATCH rows: a worker sends a batch over one SMTP connection."""
    from campaigns.tasks import outbox_send_batch_task

    for start in range(0, len(ids), BATCH):
        outbox_send_batch_task.delay(ids[start : start + BATCH])


def outbox_send_batch(*, message_ids: list[int]) -> dict[str, int]:
    """Send these messages over one mail-server connection (opened only if one of them needs
    it, and again after a failure broke it); returns how many ended how."""
    outcomes: dict[str, int] = {}
    connection = get_connection()
    try:
        for message_id in message_ids:
            outcome = outbox_send_one(message_id=message_id, connection=connection)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if outcome in (RETRY, FAILED):
                connection.close()  # a refused or broken session: start the next one afresh
    finally:
        connection.close()
    return outcomes


def outbox_send_one(*, message_id: int, connection=None) -> str:
    """Send one message, at most once; returns what became of it (SENT, RETRY, FAILED,
    SUPPRESSED, VOID, or SKIPPED when it was not ours to send: gone, done, or being sent).
    `connection`: a mail connection to reuse (see outbox_send_batch)."""
    now = timezone.now()
    if not _claim(message_id, now):
        return SKIPPED
    message = (
        OutboxMessage.objects.select_related("action__campaign", "person", "user")
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        return SKIPPED
    if message.attempts > MAX_ATTEMPTS:
        return _finish(message, Status.FAILED, f"gave up after {MAX_ATTEMPTS} attempts")
    void_reason = VOID_REASONS.get(message.kind)
    if void_reason is None:
        return _finish(message, Status.FAILED, f"no email for the kind {message.kind!r}")
    void = void_reason(message, now)
    if void:
        return _finish(message, Status.VOID, void)
    address, suppressed = _recipient(message)
    if suppressed:
        return _finish(message, Status.SUPPRESSED, suppressed)
    return _send(message, address, connection)


def _claim(message_id: int, now: datetime) -> bool:
    """Take the row for this worker: pending, or sending on a lease given by the dispatcher
    after the last attempt (a worker's own claim sets last_attempt_at to the lease's start, so
    a second worker holding the same id finds nothing to take)."""
    return bool(
        OutboxMessage.objects.filter(
            Q(status=Status.PENDING)
            | Q(status=Status.SENDING, last_attempt_at__isnull=True)
            | Q(status=Status.SENDING, last_attempt_at__lt=F("next_attempt_at") - STUCK_AFTER),
            pk=message_id,
            sent_at__isnull=True,
        ).update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            last_attempt_at=now,
            next_attempt_at=now + STUCK_AFTER,
        )
    )


def _recipient(message: OutboxMessage) -> tuple[str, str]:
    """The address to send to, or why not to send at all (consent comes first)."""
    person = message.person
    if person is None:
        return (message.user.email, "") if message.user else ("", "no recipient")
    if person.do_not_contact:
        return "", "do not contact"
    if not person.email_ok:
        return "", "opted out of email"
    email = person.emails.order_by("-is_primary", "pk").values_list("email", flat=True).first()
    return (email, "") if email else ("", "no email address")


def _send(message: OutboxMessage, address: str, connection=None) -> str:
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
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=Status.SENT, sent_at=timezone.now(), to_address=address, reason=""
    )
    return SENT


def _check_address(address: str) -> None:
    try:
        validate_email(address)
    except ValidationError as error:
        raise Permanent("bad address") from error


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:500]


def _finish(message: OutboxMessage, status: str, reason: str, *, to_address: str = "") -> str:
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status, reason=reason[:500], to_address=to_address
    )
    log.info("outbox %s: %s (%s)", message.pk, status, reason)
    return {Status.FAILED: FAILED, Status.VOID: VOID, Status.SUPPRESSED: SUPPRESSED}[status]


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


# --- What each kind of message says ------------------------------------------------------------


def _action_void_reason(message: OutboxMessage, now: datetime) -> str:
    action = message.action
    if action is None:
        return "the action is gone"
    if action.cancelled_at is not None:
        return "the action was cancelled"
    if action.ends_at <= now:
        return "the action is over"
    return ""


def _invitation_void_reason(message: OutboxMessage, now: datetime) -> str:
    reason = _action_void_reason(message, now)
    if reason:
        return reason
    if not Rsvp.objects.filter(
        action_id=message.action_id, person_id=message.person_id, invited_at__isnull=False
    ).exists():
        return "no longer invited"
    return ""


def _promotion_void_reason(message: OutboxMessage, now: datetime) -> str:
    reason = _action_void_reason(message, now)
    if reason:
        return reason
    if not Rsvp.objects.filter(
        action_id=message.action_id,
        person_id=message.person_id,
        response=Rsvp.Response.YES,
        waitlisted_at__isnull=True,
    ).exists():
        return "no longer coming"
    return ""


# The kinds this module can send: each has its templates, emails/<kind>-subject.txt,
# -body.txt and -body.html, and says here when it no longer applies (then it is voided, not
# sent). A kind missing here fails with the reason instead of going out blank.
VOID_REASONS: dict[str, Callable[[OutboxMessage, datetime], str]] = {
    Kind.ACTION_INVITATION: _invitation_void_reason,
    Kind.WAITLIST_PROMOTED: _promotion_void_reason,
}
# What a kind's templates need beyond the common context (_context), computed at send time
# (a digest lists what is due when it goes out, so what was done meanwhile is left out).
EXTRA_CONTEXT: dict[str, Callable[[OutboxMessage], dict]] = {}


def _email(message: OutboxMessage, address: str, connection=None) -> EmailMultiAlternatives:
    context = _context(message)
    language = (message.person and message.person.preferred_language) or settings.LANGUAGE_CODE
    # Templates show times in the current zone: the action's, where it happens.
    zone = ZoneInfo(message.action.time_zone) if message.action else timezone.get_current_timezone()
    with translation.override(language), timezone.override(zone):
        subject = render_to_string(f"emails/{message.kind}-subject.txt", context)
        body = render_to_string(f"emails/{message.kind}-body.txt", context)
        html = render_to_string(f"emails/{message.kind}-body.html", context)
    # A subject is one line, whatever the template's whitespace.
    email = EmailMultiAlternatives(
        " ".join(subject.split()), body, to=[address], connection=connection
    )
    email.attach_alternative(html, "text/html")
    return email


def _context(message: OutboxMessage) -> dict:
    """What every email template gets: the action in its own time zone, the campaign's code
    name (never its target), and the emailed RSVP link."""
    context: dict = {"message": message, "person": message.person}
    action = message.action
    if action is not None:
        zone = ZoneInfo(action.time_zone)
        starts = timezone.localtime(action.starts_at, zone)
        ends = timezone.localtime(action.ends_at, zone)
        context |= {
            "action": action,
            "code_name": action.campaign.code_name if action.campaign else "",
            "starts": starts,
            "ends": ends,
            "same_day": starts.date() == ends.date(),
            "zone": action.time_zone,
        }
        if message.person is not None:
            token = rsvp_link_token(action=action, person=message.person)
            context["rsvp_url"] = settings.SITE_URL + reverse("rsvp_link", args=[token])
    extra = EXTRA_CONTEXT.get(message.kind)
    return context | extra(message) if extra else context
