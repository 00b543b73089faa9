"""A person's own signing link: opening it changes nothing; one deliberate act signs, with
the typed full name, the consent box, the moment, the address and the text's digest; a
confirmation with the signed text arrives by email, with a link to take it back."""

import hashlib
from datetime import date

import pytest
from django.urls import reverse

from campaigns.models import OutboxMessage, Signature, SignatureRevocation, SignupDrive
from campaigns.outbox.services.send import SENT, outbox_send_one
from campaigns.roster.services import roster_remove
from campaigns.roster.signatures import FRESH, signature_statuses
from campaigns.signups.links import revoke_link_token, signing_link_token
from campaigns.signups.services import drive_close, signature_record
from members.links import links_revoke
from members.models import AuditEvent, Person
from tests.conftest import body_text
from tests.signups.signing import (
    ENGLISH,
    NOW,
    SPANISH,
    TARGET,
    TODAY,
    harbor,
    on_roster,
    travel,
)
from tests.test_translations import english_on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _friday_evening_in_los_angeles():
    with travel():
        yield


@pytest.fixture
def world(committee):
    campaign, unit, drive = harbor(committee)
    ana = on_roster(campaign, unit, "Ana", email="ana@example.org", family_name="Reyes")
    return drive, ana


def link(drive, person) -> str:
    return reverse("signing_link", args=[signing_link_token(drive=drive, person=person)])


def sign(client, url: str, **fields):
    return client.post(url, {"typed_name": "Ana María Reyes", "consent": "on", **fields})


def test_it_shows_the_exact_text_and_changes_nothing(client, world):
    drive, ana = world
    audits = AuditEvent.objects.count()

    response = client.get(link(drive, ana))

    page = response.content.decode()
    assert response.status_code == 200
    assert ENGLISH in page
    for shown in ["Harbor union card", "Your full name", "Sign"]:
        assert shown in page
    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()
    assert AuditEvent.objects.count() == audits
    assert "csrftoken" not in response.cookies


def test_it_signs_with_the_typed_name_consent_address_and_the_texts_digest(client, world):
    drive, ana = world

    response = sign(client, link(drive, ana), typed_name="  Ana   María Reyes ")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Signed. Thank you!" in page
    assert ENGLISH in page
    assert "Friday, December 4, 7 p.m." in page  # the committee's clock, not the server's
    signature = Signature.objects.get()
    assert (signature.person, signature.method) == (ana, Signature.Method.LINK)
    assert signature.typed_name == "Ana María Reyes"
    assert signature.consent is True
    assert signature.ip == "127.0.0.1"
    assert signature.text_digest == hashlib.sha256(ENGLISH.encode()).hexdigest()
    assert signature.signed_at == NOW
    assert signature.signed_on == TODAY  # Friday in Los Angeles, though Saturday in UTC
    confirm = OutboxMessage.objects.get()
    assert (confirm.kind, confirm.person) == (OutboxMessage.Kind.SIGNATURE_CONFIRM, ana)


def test_the_confirmation_arrives_by_email_with_the_signed_text(client, world, mailbox):
    drive, ana = world
    sign(client, link(drive, ana))

    assert outbox_send_one(message_id=OutboxMessage.objects.get().pk) == SENT

    email = mailbox.wait_for_one_to("ana@example.org")
    body = body_text(email)
    assert email["Subject"] == "Harbor: your signature is recorded"
    assert ENGLISH in body
    assert "Ana María Reyes" in body
    assert "Friday, December 4, 7 p.m. (America/Los_Angeles)" in body
    revoke = reverse("signature_revoke_link", args=["X"]).split("X")[0]
    assert revoke in body
    preview = body.split("What you signed")[0]
    assert TARGET not in email["Subject"] + preview


def test_a_second_signature_is_kept_as_one_and_says_when(client, world):
    drive, ana = world
    sign(client, link(drive, ana))

    again = sign(client, link(drive, ana), typed_name="Someone Else")

    assert again.status_code == 200
    assert "You already signed on Friday, December 4." in again.content.decode()
    assert Signature.objects.get().typed_name == "Ana María Reyes"
    assert "You signed on Friday, December 4." in client.get(link(drive, ana)).content.decode()


def test_a_card_gone_stale_is_signed_again_on_the_link(client, world):
    drive, ana = world
    drive.fresh_months = 1
    drive.save()
    old = signature_record(
        drive=drive, person=ana, signed_on=date(2026, 11, 2), method=Signature.Method.PAPER
    ).signature  # a month and two days ago: stale

    page = client.get(link(drive, ana)).content.decode()
    response = sign(client, link(drive, ana))

    assert "You signed on" not in page and "Your full name" in page
    assert response.status_code == 200
    new = Signature.objects.exclude(pk=old.pk).get()
    assert (new.signed_on, new.method) == (TODAY, Signature.Method.LINK)
    assert signature_statuses(drive)[ana.pk] == FRESH


def test_a_tampered_link_is_404_and_signs_nothing(client, world):
    drive, ana = world
    url = link(drive, ana)
    token = url.split("/")[2]
    changed = token[:-1] + ("A" if token[-1] != "A" else "B")

    assert client.get(url.replace(token, changed)).status_code == 404
    assert sign(client, url.replace(token, changed)).status_code == 404
    assert not Signature.objects.exists()


def test_a_closed_drive_is_410_to_open_and_409_to_sign_with_the_reason(client, world):
    drive, ana = world
    SignupDrive.objects.filter(pk=drive.pk).update(closes_on=date(2026, 12, 3))

    opened = client.get(link(drive, ana))
    signed = sign(client, link(drive, ana))

    assert opened.status_code == 410
    assert signed.status_code == 409
    for response in (opened, signed):
        assert "This drive closed on Dec 3, 2026." in response.content.decode()
    assert not Signature.objects.exists()


def test_a_drive_the_lead_closed_today_takes_no_more_online_signatures(client, world):
    drive, ana = world
    drive_close(drive=drive, actor=None)

    assert client.get(link(drive, ana)).status_code == 410
    assert sign(client, link(drive, ana)).status_code == 409
    assert not Signature.objects.exists()


def test_an_empty_name_or_no_consent_is_422_keeping_what_was_typed(client, world):
    drive, ana = world

    no_name = sign(client, link(drive, ana), typed_name="   ")
    no_consent = client.post(link(drive, ana), {"typed_name": "Ana María Reyes"})

    assert no_name.status_code == 422
    assert "Type your full name to sign." in no_name.content.decode()
    assert no_consent.status_code == 422
    page = no_consent.content.decode()
    assert "Tick the box to say you agree." in page
    assert 'value="Ana María Reyes"' in page
    assert not Signature.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_the_text_is_in_the_persons_language_with_a_choice(client, world):
    drive, ana = world
    Person.objects.filter(pk=ana.pk).update(preferred_language="es")
    url = link(drive, ana)

    spanish = client.get(url).content.decode()
    english = client.get(f"{url}?language=en").content.decode()
    sign(client, url, language="es")

    assert SPANISH in spanish and ENGLISH not in spanish
    assert "Firmar" in spanish
    assert english_on(spanish) == []
    assert ENGLISH in english
    signature = Signature.objects.get()
    assert signature.text.language == "es"
    assert signature.text_digest == hashlib.sha256(SPANISH.encode()).hexdigest()


def test_lockdown_ends_the_links_sent_so_far(client, world, committee):
    drive, ana = world
    url = link(drive, ana)

    links_revoke(committee=committee)

    assert client.get(url).status_code == 404
    assert sign(client, url).status_code == 404
    assert not Signature.objects.exists()


def test_a_do_not_contact_person_or_one_taken_off_the_roster_gets_404(client, world):
    drive, ana = world
    url = link(drive, ana)
    Person.objects.filter(pk=ana.pk).update(do_not_contact=True)
    assert client.get(url).status_code == 404

    Person.objects.filter(pk=ana.pk).update(do_not_contact=False)
    roster_remove(entry=ana.roster_entries.get())

    assert client.get(url).status_code == 404
    assert sign(client, url).status_code == 404
    assert not Signature.objects.exists()


def test_a_person_never_on_the_roster_gets_404(client, world, committee):
    drive, _ana = world
    stranger = Person.objects.create(committee=committee, given_name="Stranger")

    assert client.get(link(drive, stranger)).status_code == 404


def test_the_signer_takes_it_back_from_the_confirmation(client, world):
    drive, ana = world
    sign(client, link(drive, ana))
    signature = Signature.objects.get()
    url = reverse("signature_revoke_link", args=[revoke_link_token(signature=signature)])

    shown = client.get(url)
    assert shown.status_code == 200
    assert "You signed on Friday, December 4." in shown.content.decode()
    assert "Take back my signature" in shown.content.decode()
    assert not SignatureRevocation.objects.exists()

    taken = client.post(url)

    assert "Your signature is taken back." in taken.content.decode()
    revocation = SignatureRevocation.objects.get()
    assert (revocation.signature, revocation.by_signer) == (signature, True)
    assert revocation.revoked_on == TODAY
    again = client.post(url)
    assert "This signature was taken back already." in again.content.decode()
    assert SignatureRevocation.objects.count() == 1
    # Taken back, they may sign again on their link.
    assert "Your full name" in client.get(link(drive, ana)).content.decode()


def test_a_tampered_or_locked_down_revoke_link_is_404(client, world, committee):
    drive, ana = world
    signature = signature_record(
        drive=drive, person=ana, signed_on=TODAY, method=Signature.Method.LINK
    ).signature
    token = revoke_link_token(signature=signature)
    signing = signing_link_token(drive=drive, person=ana)

    assert client.get(reverse("signature_revoke_link", args=[token[:-2]])).status_code == 404
    # A signing token never opens the revoke page.
    assert client.get(reverse("signature_revoke_link", args=[signing])).status_code == 404
    links_revoke(committee=committee)
    assert client.post(reverse("signature_revoke_link", args=[token])).status_code == 404
    assert not SignatureRevocation.objects.exists()


def test_the_confirmation_of_a_signature_taken_back_is_not_sent(client, world):
    drive, ana = world
    sign(client, link(drive, ana))
    signature = Signature.objects.get()
    client.post(reverse("signature_revoke_link", args=[revoke_link_token(signature=signature)]))

    outbox_send_one(message_id=OutboxMessage.objects.get().pk)

    message = OutboxMessage.objects.get()
    assert (message.status, message.reason) == ("void", "the signature was revoked")


def test_who_chose_texts_gets_a_short_confirmation_with_the_link_to_take_it_back(
    client, world, settings
):
    from members.models import PersonPhone
    from organizing import sms

    settings.SMS = {"backend": "locmem"}
    sms.outbox.clear()
    drive, ana = world
    Person.objects.filter(pk=ana.pk).update(preferred_channel="sms", sms_ok=True)
    PersonPhone.objects.create(person=ana, number="+13105550143", is_primary=True)
    sign(client, link(drive, ana))

    assert outbox_send_one(message_id=OutboxMessage.objects.get().pk) == SENT

    [text] = sms.outbox
    assert text.body.startswith("Harbor: your signature of Fri, Dec 4 is recorded.")
    assert "/revoke/" in text.body
    assert TARGET not in text.body
    sms.outbox.clear()
