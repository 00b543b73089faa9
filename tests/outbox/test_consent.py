"""Consent: every email to a member carries a way out (an opaque link, and the List-Unsubscribe
headers a mail client turns into a button), opening the link changes nothing, and whoever is
not to be contacted on a channel is not, with the reason recorded on the message."""

import base64
import re
from datetime import timedelta

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from campaigns.models import OutboxMessage, ScheduledOneOnOne
from campaigns.outbox.services.consent import unsubscribe_token
from campaigns.outbox.services.send import SENT, SUPPRESSED, outbox_send_one
from members.models import AuditEvent, Person, PersonPhone
from organizing import sms
from tests.conftest import body_text
from tests.outbox.test_outbox_send import an_action, invited, someone

Status = OutboxMessage.Status
SITE = "http://127.0.0.1:8000"  # SITE_URL


@pytest.fixture
def action(committee, campaign):
    return an_action(committee, campaign)


@pytest.fixture
def texts(settings):
    settings.SMS = {"backend": "locmem"}
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


def html_part(email) -> str:
    for part in email.walk():
        if part.get_content_type() == "text/html":
            return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
    raise AssertionError("no html part")


def emailed_invitation(action, lead, mailbox, **fields):
    ana = someone(action.committee, **fields)
    assert outbox_send_one(message_id=invited(action, ana, lead).pk) == SENT
    [email] = mailbox.wait_for(1)
    return ana, email


def header(email, name: str) -> str | None:
    """A header's value, unfolded (a long one comes folded onto a second line)."""
    value = email[name]
    return None if value is None else " ".join(str(value).split())


def unsubscribe_path(email) -> str:
    """The link at the foot of the email, as a path on this site."""
    link = re.search(rf"{re.escape(SITE)}(/u/[^\s/]+/)\s", body_text(email))
    assert link, "the email has an unsubscribe link"
    return link.group(1)


# --- The link and the headers ------------------------------------------------------------------


def test_a_member_email_has_an_unsubscribe_link_and_one_click_headers(action, lead, mailbox):
    ana, email = emailed_invitation(action, lead, mailbox)

    path = unsubscribe_path(email)
    assert f"{SITE}{path}" in html_part(email)
    assert header(email, "List-Unsubscribe") == f"<{SITE}{path}one-click/>"
    assert header(email, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click"
    # Ids only, signed: no name nor address in the URL.
    for personal in ["ana", "reyes", "example.org", "%40"]:
        assert personal not in path.lower()


def test_an_email_to_a_user_of_the_app_has_no_unsubscribe(committee, campaign, lead, mailbox):
    """A one-on-one reminder goes to the organizer (a user), about a person: no unsubscribe,
    and the person's consent does not hold the organizer's own reminder back."""
    person = someone(committee, email_ok=False)
    starts = timezone.now() + timedelta(hours=3)
    ScheduledOneOnOne.objects.create(
        campaign=campaign, person=person, organizer=lead, starts_at=starts
    )
    message = OutboxMessage.objects.create(
        committee=committee,
        kind=OutboxMessage.Kind.ONE_ON_ONE_REMINDER,
        person=person,
        user=lead,
        due_at=starts - timedelta(hours=1),
        next_attempt_at=timezone.now(),
    )

    assert outbox_send_one(message_id=message.pk) == SENT

    [email] = mailbox.wait_for(1)
    assert email["To"] == lead.email
    assert email["List-Unsubscribe"] is None and email["List-Unsubscribe-Post"] is None
    assert "/u/" not in body_text(email)


# --- The page the link opens -----------------------------------------------------------------


def test_opening_the_link_changes_nothing(action, lead, mailbox, client):
    ana, email = emailed_invitation(action, lead, mailbox)

    page = client.get(unsubscribe_path(email))

    assert page.status_code == 200
    assert "Stop emails from your organizing committee?" in page.content.decode()
    assert "Reyes" not in page.content.decode()  # a forwarded link shows no name
    ana.refresh_from_db()
    assert ana.email_ok is True
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.CONSENT).exists()


def test_pressing_the_button_stops_the_emails_and_records_it(action, lead, mailbox):
    ana, email = emailed_invitation(action, lead, mailbox)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(unsubscribe_path(email))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())

    done = browser.post(unsubscribe_path(email), {"csrfmiddlewaretoken": token.group(1)})

    assert done.status_code == 200
    assert "you won't get these any more" in done.content.decode()
    ana.refresh_from_db()
    assert ana.email_ok is False and ana.sms_ok is False  # sms_ok was never on
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CONSENT)
    assert (event.subject_type, event.subject_id) == ("members.person", ana.pk)
    assert event.committee_id == action.committee_id and event.actor is None
    assert event.detail == {"channel": "email", "change": "opted_out", "via": "link"}

    # The next message is held back, and says why.
    second = an_action(action.committee, action.campaign, title="Second meeting")
    message = invited(second, ana, lead)
    assert outbox_send_one(message_id=message.pk) == SUPPRESSED
    message.refresh_from_db()
    assert (message.status, message.reason) == (Status.SUPPRESSED, "opted out of email")


def test_the_page_button_needs_the_csrf_token(action, lead, mailbox):
    ana, email = emailed_invitation(action, lead, mailbox)

    refused = Client(enforce_csrf_checks=True).post(unsubscribe_path(email))

    assert refused.status_code == 403
    ana.refresh_from_db()
    assert ana.email_ok is True


def test_a_mail_clients_one_click_post_works_without_csrf(action, lead, mailbox):
    ana, email = emailed_invitation(action, lead, mailbox)
    url = header(email, "List-Unsubscribe").strip("<>").removeprefix(SITE)
    mail_client = Client(enforce_csrf_checks=True)  # no cookie, no token

    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )

    assert response.status_code == 200
    ana.refresh_from_db()
    assert ana.email_ok is False
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CONSENT)
    assert event.detail["via"] == "one_click"
    # Clicking again changes nothing more, and records nothing more.
    again = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert again.status_code == 200
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.CONSENT).count() == 1


def test_the_one_click_url_opened_in_a_browser_only_asks(action, lead, mailbox, client):
    ana, email = emailed_invitation(action, lead, mailbox)
    url = header(email, "List-Unsubscribe").strip("<>").removeprefix(SITE)

    assert client.get(url).status_code == 200
    assert client.post(url, {"something": "else"}).status_code == 400

    ana.refresh_from_db()
    assert ana.email_ok is True


@pytest.mark.parametrize("suffix", ["", "one-click/"])
def test_a_tampered_link_is_a_friendly_404(committee, client, suffix):
    person = someone(committee)
    token = unsubscribe_token(person=person)
    forged = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")

    for method in [client.get, client.post]:
        response = method(f"/u/{forged}/{suffix}")
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
    person.refresh_from_db()
    assert person.email_ok is True


def test_a_link_carries_no_readable_id(committee):
    person = someone(committee)
    token = unsubscribe_token(person=person)

    assert ":" not in token  # not Django's signed "[person id, channel]"
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="majority.unsubscribe")
    assert b"email" not in base64.urlsafe_b64decode(token + "==")


def test_a_link_stops_only_its_own_persons_channel(committee, client):
    ana, bo = someone(committee, sms_ok=True), someone(committee)
    assert unsubscribe_token(person=ana) != unsubscribe_token(person=bo)
    assert unsubscribe_token(person=ana) != unsubscribe_token(person=ana, channel="sms")

    client.post(f"/u/{unsubscribe_token(person=ana)}/")

    ana.refresh_from_db()
    bo.refresh_from_db()
    assert (ana.email_ok, ana.sms_ok, bo.email_ok) == (False, True, True)


def test_a_link_emailed_in_the_old_signed_format_still_unsubscribes(committee, client):
    """Unsubscribing must keep working from every email ever sent; the old link names an id
    the email already carried, and opting out is all it can do."""
    person = someone(committee)
    old = signing.dumps([person.pk, "email"], salt="majority.unsubscribe", compress=False)

    assert client.post(f"/u/{old}/").status_code == 200

    person.refresh_from_db()
    assert person.email_ok is False


def test_the_page_speaks_the_persons_language(committee, client):
    person = someone(committee, preferred_language="es")

    page = client.get(f"/u/{unsubscribe_token(person=person)}/")

    assert page.status_code == 200
    assert 'lang="es"' in page.content.decode()


# --- Suppression on both channels --------------------------------------------------------------


def texter(committee, **fields) -> Person:
    person = someone(committee, preferred_channel="sms", sms_ok=True, **fields)
    PersonPhone.objects.create(person=person, number="+13125550143", is_primary=True)
    return person


@pytest.mark.parametrize(
    ("fields", "channel", "reason"),
    [
        ({"do_not_contact": True}, "email", "do not contact"),
        ({"email_ok": False}, "email", "opted out of email"),
        ({"do_not_contact": True, "texts": True}, "sms", "do not contact"),
        ({"sms_ok": False, "texts": True}, "sms", "opted out of text messages"),
    ],
)
def test_it_holds_back_and_records_why_on_both_channels(
    action, lead, mailbox, texts, fields, channel, reason
):
    fields = dict(fields)
    person = texter(action.committee) if fields.pop("texts", False) else someone(action.committee)
    Person.objects.filter(pk=person.pk).update(**fields)
    message = invited(action, person, lead)

    assert outbox_send_one(message_id=message.pk) == SUPPRESSED

    message.refresh_from_db()
    assert (message.status, message.channel, message.reason) == (
        Status.SUPPRESSED,
        channel,
        reason,
    )
    assert message.sent_at is None
    assert mailbox.messages == [] and texts == []
