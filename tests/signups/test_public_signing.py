"""A drive's public signing page: anyone with its address reads the text and signs with a name
and an email or a phone. A stranger's signature makes a new person, flagged; an address the
committee knows records nothing, and sends that person their own link instead; the page reads
the same either way."""

import re

import pytest
from django.urls import reverse

from campaigns.models import OutboxMessage, Signature
from campaigns.signups.public import RATE_LIMIT
from campaigns.signups.services import drive_public_set
from members.models import Person, PersonEmail, PersonPhone
from tests.signups.signing import ENGLISH, NOW, SPANISH, TODAY, harbor, on_roster, travel

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _friday_evening_in_los_angeles():
    with travel():
        yield


@pytest.fixture
def world(committee):
    campaign, unit, drive = harbor(committee)
    drive_public_set(drive=drive, open_page=True, actor=None)
    ana = on_roster(campaign, unit, "Ana", email="ana@example.org")
    return drive, ana


def url(drive) -> str:
    return reverse("drive_public", args=[drive.public_key])


def sign(client, drive, **fields):
    return client.post(url(drive), {"name": "Bea Soto", "consent": "on", **fields})


def test_the_page_shows_the_text_and_nothing_private(client, world, committee):
    drive, _ana = world

    response = client.get(url(drive))

    page = response.content.decode()
    assert response.status_code == 200
    assert ENGLISH in page
    assert committee.name in page
    assert "Harbor" not in page.replace("Harbor union card", "")  # the code name stays inside
    assert "Ana" not in page
    assert not Signature.objects.exists()


def test_a_stranger_signs_and_becomes_a_new_person_flagged(client, world, committee):
    drive, _ana = world

    response = sign(client, drive, email="bea@example.org", phone="(213) 555-0199")

    assert response.status_code == 200
    bea = Person.objects.get(emails__email="bea@example.org")
    assert bea.given_name == "Bea Soto"
    assert bea.phones.get().number == "+12135550199"
    signature = Signature.objects.get()
    assert (signature.person, signature.method) == (bea, Signature.Method.PUBLIC)
    assert signature.created_person is True
    assert (signature.typed_name, signature.consent, signature.ip) == (
        "Bea Soto",
        True,
        "127.0.0.1",
    )
    assert (signature.signed_on, signature.signed_at) == (TODAY, NOW)
    confirm = OutboxMessage.objects.get()
    assert (confirm.kind, confirm.person) == (OutboxMessage.Kind.SIGNATURE_CONFIRM, bea)


def test_a_known_address_records_nothing_and_sends_their_own_link(client, world):
    drive, ana = world

    response = sign(client, drive, name="Not Ana", email="ANA@example.org")

    assert response.status_code == 200
    assert not Signature.objects.exists()
    assert Person.objects.count() == 1
    assert list(PersonEmail.objects.values_list("email", flat=True)) == ["ana@example.org"]
    message = OutboxMessage.objects.get()
    assert (message.kind, message.person, message.drive) == (
        OutboxMessage.Kind.SIGNING_LINK,
        ana,
        drive,
    )
    sign(client, drive, email="ana@example.org")
    assert OutboxMessage.objects.count() == 1  # one link on its way at a time


def test_a_known_phone_sends_their_link_and_adds_nothing(client, world):
    drive, ana = world
    PersonPhone.objects.create(person=ana, number="+12135550100", is_primary=True)

    sign(client, drive, phone="213 555 0100")

    assert not Signature.objects.exists()
    assert OutboxMessage.objects.get().person == ana


def main_text(response) -> str:
    """The page as a reader sees it (the CSRF token differs from one response to another)."""
    page = response.content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "", page)


def test_the_page_reads_the_same_whether_the_address_is_known_or_not(client, world):
    drive, _ana = world

    known = sign(client, drive, email="ana@example.org")
    new = sign(client, drive, email="someone.new@example.org")

    assert known.status_code == new.status_code == 200
    assert main_text(known) == main_text(new)


def test_a_known_person_signs_on_the_link_sent_to_them(client, world):
    """The link from the public page works for someone known but on no roster of the campaign."""
    drive, _ana = world
    from campaigns.signups.links import signing_link_token

    known = Person.objects.create(committee=drive.campaign.committee, given_name="Cruz")
    PersonEmail.objects.create(person=known, email="cruz@example.org")
    token = signing_link_token(drive=drive, person=known)
    assert client.get(reverse("signing_link", args=[token])).status_code == 404

    sign(client, drive, email="cruz@example.org")

    response = client.post(
        reverse("signing_link", args=[token]), {"typed_name": "Cruz Díaz", "consent": "on"}
    )
    assert response.status_code == 200
    signature = Signature.objects.get()
    assert (signature.person, signature.method) == (known, Signature.Method.LINK)


def test_bad_input_is_422_keeping_what_was_typed_and_storing_nothing(client, world):
    drive, _ana = world

    no_contact = sign(client, drive)
    no_consent = client.post(url(drive), {"name": "Bea Soto", "email": "bea@example.org"})
    no_name = sign(client, drive, name="  ", email="bea@example.org")

    assert no_contact.status_code == no_consent.status_code == no_name.status_code == 422
    assert "Give an email address or a phone number" in no_contact.content.decode()
    page = no_consent.content.decode()
    assert 'value="Bea Soto"' in page and 'value="bea@example.org"' in page
    assert "Type your full name to sign." in no_name.content.decode()
    assert not Signature.objects.exists()
    assert Person.objects.count() == 1
    assert not OutboxMessage.objects.exists()


def test_the_text_in_the_chosen_language(client, world):
    drive, _ana = world

    page = client.get(f"{url(drive)}?language=es").content.decode()
    sign(client, drive, email="bea@example.org", language="es")

    assert SPANISH in page
    assert Signature.objects.get().text.language == "es"


def test_a_closed_page_is_404_and_a_closed_drive_is_409(client, world):
    drive, _ana = world
    key = drive.public_key
    drive.closes_on = drive.opens_on
    drive.save()

    refused = sign(client, drive, email="bea@example.org")

    assert refused.status_code == 409
    assert "This drive closed on" in refused.content.decode()
    drive_public_set(drive=drive, open_page=False, actor=None)
    assert client.get(reverse("drive_public", args=[key])).status_code == 404
    assert not Signature.objects.exists()
    assert Person.objects.count() == 1


def test_signing_is_rate_limited_per_address(client, world):
    drive, _ana = world
    for n in range(RATE_LIMIT):
        assert sign(client, drive, email=f"p{n}@example.org").status_code == 200

    limited = sign(client, drive, email="one.more@example.org")

    assert limited.status_code == 429
    assert "Too many signatures from your connection" in limited.content.decode()
    assert not Person.objects.filter(emails__email="one.more@example.org").exists()
    other = client.post(
        url(drive),
        {"name": "Dee", "consent": "on", "email": "dee@example.org"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200
