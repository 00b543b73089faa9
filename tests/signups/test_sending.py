"""Sending signing links: an organizer counts who on the roster has not signed (all of it, a
site or a unit) and sends them each their own link through the outbox; or sends one person
theirs from the person page. The messages name the campaign by its code name only."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from campaigns.models import OutboxMessage, Signature, SignupDrive
from campaigns.outbox.services.send import SENT, VOID, outbox_send_one
from campaigns.signups.links import signing_link_token
from campaigns.signups.services import drive_close, signature_record, signature_revoke
from members.models import PersonPhone
from organizing import sms
from tests import factories
from tests.conftest import body_text
from tests.signups.signing import TARGET, TODAY, harbor, on_roster, travel

pytestmark = pytest.mark.django_db
LINK = OutboxMessage.Kind.SIGNING_LINK
PAPER = Signature.Method.PAPER


@pytest.fixture(autouse=True)
def _friday_evening_in_los_angeles():
    with travel():
        yield


@pytest.fixture
def team_organizer(committee, world):
    """An organizer on Harbor's team."""
    user = factories.member_of(committee, "organizer", email="nina@example.org", name="Nina")
    factories.on_team(campaign=world["campaign"], user=user)
    return user


@pytest.fixture
def world(committee):
    """Ana and Bo on the night shift; Cy do-not-contact, Di on days; Bo signed, Eve signed and
    took it back."""
    campaign, night, drive = harbor(committee)
    days = factories.unit(site=night.site, name="Day shift")
    people = {
        "ana": on_roster(campaign, night, "Ana", email="ana@example.org"),
        "bo": on_roster(campaign, night, "Bo", email="bo@example.org"),
        "cy": on_roster(campaign, night, "Cy", email="cy@example.org", do_not_contact=True),
        "di": on_roster(campaign, days, "Di", email="di@example.org"),
        "eve": on_roster(campaign, days, "Eve", email="eve@example.org"),
    }
    signature_record(drive=drive, person=people["bo"], signed_on=TODAY, method=PAPER)
    eve = signature_record(drive=drive, person=people["eve"], signed_on=TODAY, method=PAPER)
    signature_revoke(signature=eve.signature, revoked_on=TODAY, by_signer=False)
    return {"campaign": campaign, "drive": drive, "night": night, "days": days, **people}


def send_url(world) -> str:
    return reverse("drive_links_send", args=[world["campaign"].pk, world["drive"].pk])


def one_url(world, person) -> str:
    return reverse("drive_link_send_one", args=[world["campaign"].pk, world["drive"].pk, person.pk])


def asked(drive: SignupDrive) -> set[str]:
    rows = OutboxMessage.objects.filter(kind=LINK, drive=drive)
    return set(rows.values_list("person__given_name", flat=True))


def said(response) -> list[str]:
    """What the page the response redirects to will say (the last message: earlier requests'
    stay in the test client's cookie, as it does not follow the redirects)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1:]


def test_it_counts_who_has_not_signed_and_sends_each_a_link(client, world, lead):
    client.force_login(lead)

    preview = client.get(send_url(world))

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "3 people who have not signed get a link." in page  # Ana, Di, Eve
    assert "1 more is marked do not contact." in page
    assert not OutboxMessage.objects.filter(kind=LINK).exists()

    sent = client.post(send_url(world))

    assert sent.status_code == 302
    assert asked(world["drive"]) == {"Ana", "Di", "Eve"}
    assert said(sent) == ["Signing links are on their way to 3 people."]


def test_a_send_narrowed_to_a_unit_or_a_site(client, world, team_organizer):
    client.force_login(team_organizer)
    night = f"unit:{world['night'].pk}"

    page = client.get(send_url(world), {"place": night}).content.decode()
    assert "1 person who has not signed gets a link." in page

    client.post(send_url(world), {"place": night})

    assert asked(world["drive"]) == {"Ana"}
    site = f"site:{world['night'].site.pk}"
    page = client.get(send_url(world), {"place": site}).content.decode()
    assert "2 people who have not signed get a link." in page
    assert "1 more got a link in the last week, or has one on its way." in page


def test_a_second_send_adds_no_second_link_on_its_way(client, world, lead):
    client.force_login(lead)
    client.post(send_url(world))

    again = client.post(send_url(world))

    rows = OutboxMessage.objects.filter(kind=LINK)
    assert rows.count() == 3, list(rows.values_list("person__given_name", "status", "reason"))
    assert said(again) == ["Signing links are on their way to 0 people."]


def test_a_send_to_everyone_skips_who_got_a_link_last_week(client, world, lead):
    client.force_login(lead)
    client.post(one_url(world, world["ana"]))
    OutboxMessage.objects.filter(kind=LINK).update(status="sent", sent_at=timezone.now())

    page = client.get(send_url(world)).content.decode()
    client.post(send_url(world))

    assert "2 people who have not signed get a link." in page
    assert OutboxMessage.objects.filter(kind=LINK, person=world["ana"]).count() == 1
    assert asked(world["drive"]) == {"Ana", "Di", "Eve"}


def test_a_closed_drive_sends_nothing_and_says_why(client, world, lead):
    SignupDrive.objects.filter(pk=world["drive"].pk).update(closes_on=TODAY.replace(day=3))
    client.force_login(lead)

    response = client.post(send_url(world))

    assert response.status_code == 409
    assert "This drive closed on" in response.content.decode()
    assert not OutboxMessage.objects.filter(kind=LINK).exists()


def test_an_organizer_of_another_campaign_gets_404(client, world, outside_organizer):
    client.force_login(outside_organizer)

    assert client.get(send_url(world)).status_code == 404
    assert client.post(one_url(world, world["ana"])).status_code == 404
    assert not OutboxMessage.objects.filter(kind=LINK).exists()


def test_one_person_gets_their_link_from_their_page(client, world, team_organizer):
    client.force_login(team_organizer)

    response = client.post(one_url(world, world["ana"]))

    assert response.status_code == 302
    assert response.url == reverse("person_detail", args=[world["ana"].pk])
    assert said(response) == ["A signing link is on its way to Ana."]
    assert asked(world["drive"]) == {"Ana"}
    assert said(client.post(one_url(world, world["ana"]))) == [
        "A link to Ana is already on its way."
    ]
    assert said(client.post(one_url(world, world["bo"]))) == ["Bo has signed already."]
    assert said(client.post(one_url(world, world["cy"]))) == ["Cy is marked do not contact."]
    assert asked(world["drive"]) == {"Ana"}


def test_one_person_not_on_this_campaigns_roster_is_404(client, world, committee, lead):
    oak = factories.campaign(committee=committee, code_name="Oak")
    elsewhere = factories.person(committee=committee, given_name="Fay")
    factories.on_roster(campaign=oak, person=elsewhere)
    client.force_login(lead)

    assert client.post(one_url(world, elsewhere)).status_code == 404
    assert not OutboxMessage.objects.filter(kind=LINK).exists()


def test_the_email_names_the_campaign_by_its_code_name_only(client, world, lead, mailbox):
    client.force_login(lead)
    client.post(one_url(world, world["ana"]))

    assert outbox_send_one(message_id=OutboxMessage.objects.get(kind=LINK).pk) == SENT

    email = mailbox.wait_for_one_to("ana@example.org")
    body = body_text(email)
    html = next(p for p in email.walk() if p.get_content_type() == "text/html")
    assert email["Subject"] == "Harbor: your union card, ready to sign"
    assert TARGET not in email["Subject"]
    assert TARGET not in body
    assert TARGET not in html.get_payload(decode=True).decode()
    token = signing_link_token(drive=world["drive"], person=world["ana"])
    path = reverse("signing_link", args=[token]).rsplit("/", 2)[0]
    assert path in body
    assert "To stop getting emails from us:" in body
    link = next(line for line in body.splitlines() if "/s/" in line).strip()
    client.logout()
    assert client.get(link.split("8000", 1)[-1]).status_code == 200


def test_the_text_message_names_the_code_name_and_the_link_only(client, world, lead, settings):
    settings.SMS = {"backend": "locmem"}
    sms.outbox.clear()
    ana = world["ana"]
    ana.preferred_channel, ana.sms_ok = "sms", True
    ana.save()
    PersonPhone.objects.create(person=ana, number="+13105550143", is_primary=True)
    client.force_login(lead)
    client.post(one_url(world, ana))

    assert outbox_send_one(message_id=OutboxMessage.objects.get(kind=LINK).pk) == SENT

    [text] = sms.outbox
    assert text.body.startswith("Harbor: your own link to read the union card and sign it:")
    assert "/s/" in text.body
    assert TARGET not in text.body
    sms.outbox.clear()


def test_a_link_to_someone_who_signed_meanwhile_is_not_sent(client, world, lead):
    client.force_login(lead)
    client.post(one_url(world, world["ana"]))
    signature_record(drive=world["drive"], person=world["ana"], signed_on=TODAY, method=PAPER)

    assert outbox_send_one(message_id=OutboxMessage.objects.get(kind=LINK).pk) == VOID

    assert OutboxMessage.objects.get(kind=LINK).reason == "signed already"


def test_a_link_planned_before_the_drive_closed_is_not_sent(client, world, lead):
    client.force_login(lead)
    client.post(one_url(world, world["ana"]))
    drive_close(drive=world["drive"], actor=lead)

    assert outbox_send_one(message_id=OutboxMessage.objects.get(kind=LINK).pk) == VOID

    assert OutboxMessage.objects.get(kind=LINK).reason == "the drive is closed"
