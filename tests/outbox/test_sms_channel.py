"""Members who chose text messages get texts, not emails: short, naming the campaign by its
code name only, with the link and how to stop; a provider that is down is retried like a mail
server that is down, and a refused message fails with the provider's reason."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from campaigns.models import OutboxMessage
from campaigns.outbox.services import send as outbox_send
from campaigns.outbox.services.send import (
    FAILED,
    RETRY,
    SENT,
    outbox_send_batch,
    outbox_send_one,
)
from members.models import PersonPhone
from organizing import sms
from organizing.sms import SmsError
from tests.conftest import free_port
from tests.outbox.test_outbox_send import an_action, invited, someone
from tests.test_translations import english_on

Status = OutboxMessage.Status
Kind = OutboxMessage.Kind
NUMBER = "+13125550143"
DAY_BEFORE = datetime(2030, 12, 3, 20, 0, tzinfo=UTC)  # Tuesday 2 p.m. in Chicago
AFTERNOON = datetime(2029, 11, 20, 20, 0, tzinfo=UTC)  # 2 p.m. in Chicago, a year before


@pytest.fixture(autouse=True)
def _in_the_afternoon():
    """Texts wait out the night (tests/outbox/test_quiet_hours.py): these are sent by day,
    whenever the tests run."""
    with time_machine.travel(AFTERNOON, tick=True):
        yield


@pytest.fixture
def action(committee, campaign):
    return an_action(committee, campaign)


@pytest.fixture
def texts(settings):
    """The locmem SMS backend: what was "sent" is in organizing.sms.outbox."""
    settings.SMS = {"backend": "locmem"}
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def texter(committee, number: str = NUMBER, **fields):
    person = someone(committee, preferred_channel="sms", sms_ok=True, **fields)
    if number:
        PersonPhone.objects.create(person=person, number="+13125550100")
        PersonPhone.objects.create(person=person, number=number, is_primary=True)
    return person


def test_a_member_who_chose_texts_gets_a_text_not_an_email(action, lead, texts, mailbox):
    message = invited(action, texter(action.committee), lead)

    assert outbox_send_one(message_id=message.pk) == SENT

    [text] = texts
    assert text.to == NUMBER  # the primary number
    assert text.body.startswith("Harbor: You're invited: General meeting, Wed, Dec 4, 2030, 6 p.m.")
    assert "Acme" not in text.body and "Dock Street" not in text.body  # code name only
    assert "http://127.0.0.1:8000/r/" in text.body
    assert text.body.endswith("\nReply STOP to stop these texts.")
    assert len(text.body) <= 320  # two SMS segments at most
    assert mailbox.messages == []
    message.refresh_from_db()
    assert (message.status, message.channel, message.to_address) == (Status.SENT, "sms", NUMBER)
    assert message.sent_at is not None and message.reason == ""


def test_a_spanish_speaker_gets_the_text_in_spanish_and_still_short(action, lead, texts):
    message = invited(action, texter(action.committee, preferred_language="es"), lead)

    assert outbox_send_one(message_id=message.pk) == SENT

    [text] = texts
    assert text.body.startswith(
        "Harbor: Está invitado/a: Asamblea general, mié 4 dic 2030, 18:00. "
        "Responda sí, tal vez o no: http://127.0.0.1:8000/r/"
    )
    assert text.body.endswith("\nResponda STOP para dejar de recibir estos mensajes.")
    assert english_on(text.body) == []
    assert len(text.body) <= 320


def test_the_text_is_in_the_members_language(action, lead, texts):
    message = invited(action, texter(action.committee, preferred_language="es"), lead)

    outbox_send_one(message_id=message.pk)

    assert "mié 4 dic 2030, 18:00" in texts[0].body


def test_without_a_number_it_goes_by_email(action, lead, texts, mailbox):
    message = invited(action, texter(action.committee, number=""), lead)

    assert outbox_send_one(message_id=message.pk) == SENT

    assert texts == []
    assert mailbox.wait_for(1)[0]["To"] == "ana@example.org"
    message.refresh_from_db()
    assert (message.channel, message.to_address) == ("email", "ana@example.org")


def test_a_batch_sends_texts_and_emails(action, lead, texts, mailbox):
    by_text = invited(action, texter(action.committee), lead)
    by_email = invited(action, someone(action.committee, "bo@example.org"), lead)

    assert outbox_send_batch(message_ids=[by_text.pk, by_email.pk]) == {SENT: 2}

    assert [text.to for text in texts] == [NUMBER]
    assert mailbox.wait_for(1)[0]["To"] == "bo@example.org"


def test_a_provider_that_is_down_is_retried_later(action, lead, settings):
    settings.SMS = {
        "backend": "twilio",
        "base_url": f"http://127.0.0.1:{free_port()}",  # nobody listens
        "account": "AC42",
        "token": "s3cret",
        "sender": "+15551230000",
    }
    message = invited(action, texter(action.committee), lead)
    before = timezone.now()

    assert outbox_send_one(message_id=message.pk) == RETRY

    message.refresh_from_db()
    assert (message.status, message.channel, message.attempts) == (Status.PENDING, "sms", 1)
    assert message.reason.startswith("SmsError: Twilio unreachable")
    wait = (message.next_attempt_at - before).total_seconds()
    base = settings.MAIL_RETRY_BACKOFF_SECONDS  # the same backoff as email
    assert 0.8 * base - 1 <= wait <= 1.2 * base + 1
    assert message.sent_at is None and message.to_address == NUMBER


def test_a_refused_text_fails_at_once_with_the_reason(action, lead, texts, monkeypatch):
    def refuse(*, to, body):
        raise SmsError("Twilio 400: The 'To' number is not a valid phone number.", transient=False)

    monkeypatch.setattr(outbox_send, "send_sms", refuse)
    message = invited(action, texter(action.committee), lead)

    assert outbox_send_one(message_id=message.pk) == FAILED

    message.refresh_from_db()
    assert (message.status, message.channel, message.attempts) == (Status.FAILED, "sms", 1)
    assert message.reason == ("SmsError: Twilio 400: The 'To' number is not a valid phone number.")


def test_a_number_not_in_e164_fails_at_once(action, lead, texts):
    message = invited(action, texter(action.committee, number="312 555 0143"), lead)

    assert outbox_send_one(message_id=message.pk) == FAILED

    message.refresh_from_db()
    assert (message.status, message.reason) == (Status.FAILED, "Permanent: bad phone number")
    assert texts == []


@pytest.mark.parametrize(
    ("kind", "start"),
    [
        (Kind.ACTION_INVITATION, "Harbor: You're invited: General meeting, Wed, Dec 4, 6 p.m."),
        (Kind.WAITLIST_PROMOTED, "Harbor: A place opened up, you're in: General meeting, Wed"),
        (Kind.ACTION_REMINDER, "Harbor: Reminder: General meeting tomorrow at 6 p.m."),
        (Kind.ACTION_RESCHEDULED, "Harbor: New time: General meeting, now Wed, Dec 4 at 6 p.m."),
        (Kind.ACTION_CANCELLED, "Harbor: Cancelled: General meeting on Wed, Dec 4 at 6 p.m."),
    ],
)
def test_every_kind_to_members_has_a_short_text(action, kind, start):
    message = OutboxMessage(
        committee=action.committee,
        kind=kind,
        action=action,
        person=texter(action.committee),
        due_at=action.starts_at - timedelta(days=1),
    )

    with time_machine.travel(DAY_BEFORE, tick=False):
        body = outbox_send._sms_body(message)

    assert body.startswith(start)
    assert "Acme" not in body and "Dock Street" not in body
    assert len(body) <= 320
    assert body.endswith("Reply STOP to stop these texts.")
