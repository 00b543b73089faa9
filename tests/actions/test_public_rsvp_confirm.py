"""An answer from a public page for someone the committee already knows waits for them: they
get a link to confirm it, their own answer wins, and the page that took it says the same thing
whether or not the address was known."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from campaigns.actions.services.rsvps import rsvp_set
from campaigns.models import Action, OutboxMessage, PendingRsvp, Rsvp
from campaigns.outbox.services.send import outbox_send_one
from members.models import PersonEmail
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rally(committee, campaign, lead):
    starts = timezone.now() + timedelta(days=5)
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Rally for fair schedules",
        kind=Action.Kind.RALLY,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        location="City hall steps",
        visibility=Action.Visibility.PUBLIC,
        created_by=lead,
    )


@pytest.fixture
def ana(committee):
    """Ana Ruiz is known to the committee, by email, and said no to the rally."""
    person = factories.person(committee=committee, given_name="Ana", family_name="Ruiz")
    PersonEmail.objects.create(person=person, email="ana@example.org", is_primary=True)
    return person


def answer(client, action, **fields):
    data = {"name": "Someone", "response": "yes", **fields}
    return client.post(reverse("action_public", args=[action.public_key]), data)


def confirmation_link(mailoutbox) -> str:
    """Send the planned confirmation and read its link from the email."""
    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.PUBLIC_RSVP_CONFIRM)
    assert outbox_send_one(message_id=message.pk) == "sent"
    body = mailoutbox[-1].body
    return re.search(r"https?://\S+/a/confirm/\S+/", body).group(0)


def _next_noon() -> datetime:
    """Midday in the committee's zone (UTC here), before the rally five days on."""
    noon = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon > timezone.now() else noon + timedelta(days=1)


def shown(response) -> str:
    """The page without its per-request CSRF tokens (htmx's header, the language switcher's)."""
    page = re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def test_the_page_reads_the_same_whether_the_address_is_known_or_not(client, rally, ana):
    known = answer(client, rally, email="ana@example.org")
    unknown = answer(client, rally, email="nobody-known@example.org")

    assert known.status_code == unknown.status_code == 200
    assert shown(known) == shown(unknown)
    assert "If this email address or phone number is already on our list" in shown(known)


def test_the_known_person_confirms_from_the_link_sent_to_them(client, rally, ana, mailoutbox):
    rsvp_set(action=rally, person=ana, response="no", source="email")
    answer(client, rally, email="ANA@example.org")

    link = confirmation_link(mailoutbox)
    path = link.split("://", 1)[1].split("/", 1)[1]
    opened = client.get(f"/{path}")
    confirmed = client.post(f"/{path}")
    again = client.post(f"/{path}")

    assert mailoutbox[-1].to == ["ana@example.org"]
    assert "Someone answered for you" in mailoutbox[-1].body
    key = path.split("/")[-2]
    assert key == PendingRsvp.objects.get().key and len(key) >= 40  # random, names no id
    assert "Confirm my answer: Yes" in opened.content.decode()
    assert opened["Cache-Control"].startswith("max-age=0") or "no-store" in opened["Cache-Control"]
    assert "Confirmed. Your answer is: Yes." in confirmed.content.decode()
    assert Rsvp.objects.get(action=rally, person=ana).response == "yes"
    assert again.status_code == 404  # the link works once
    assert "expired or was already used" in again.content.decode()


def test_opening_the_link_changes_nothing(client, rally, ana, mailoutbox):
    rsvp_set(action=rally, person=ana, response="no", source="email")
    answer(client, rally, email="ana@example.org")

    client.get(confirmation_link(mailoutbox))

    assert Rsvp.objects.get(action=rally, person=ana).response == "no"
    assert PendingRsvp.objects.get().used_at is None


def test_their_own_answer_given_since_wins(client, rally, ana):
    answer(client, rally, email="ana@example.org")
    rsvp_set(action=rally, person=ana, response="no", source="email")  # from her invitation
    key = PendingRsvp.objects.get().key

    response = client.post(reverse("action_public_confirm", args=[key]))

    assert "your own answer stays: No" in response.content.decode()
    assert Rsvp.objects.get(action=rally, person=ana).response == "no"
    assert PendingRsvp.objects.get().used_at is not None
    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.PUBLIC_RSVP_CONFIRM)
    assert outbox_send_one(message_id=message.pk) == "void"  # she is not asked any more


def test_an_expired_link_changes_nothing(client, rally, ana):
    answer(client, rally, email="ana@example.org")
    PendingRsvp.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    key = PendingRsvp.objects.get().key

    opened = client.get(reverse("action_public_confirm", args=[key]))
    posted = client.post(reverse("action_public_confirm", args=[key]))

    assert opened.status_code == posted.status_code == 404
    assert not Rsvp.objects.exists()


def test_answering_again_before_confirming_sends_no_second_message(client, rally, ana):
    answer(client, rally, email="ana@example.org", response="yes")
    answer(client, rally, email="ana@example.org", response="maybe")

    assert PendingRsvp.objects.get().response == "maybe"
    assert OutboxMessage.objects.filter(kind=OutboxMessage.Kind.PUBLIC_RSVP_CONFIRM).count() == 1


def test_an_unknown_key_is_404(client):
    assert client.get(reverse("action_public_confirm", args=["not-a-key"])).status_code == 404


def test_a_phone_only_answer_reaches_someone_who_chose_texts_by_text(
    client, rally, committee, settings
):
    from members.models import PersonPhone
    from organizing import sms

    settings.SMS = {"backend": "locmem"}
    sms.outbox.clear()
    texter = factories.person(
        committee=committee, given_name="Tere", preferred_channel="sms", sms_ok=True
    )
    PersonPhone.objects.create(person=texter, number="+13125550143", is_primary=True)

    page = answer(client, rally, phone="(312) 555-0143")
    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.PUBLIC_RSVP_CONFIRM)

    assert "If this email address or phone number is already on our list" in shown(page)
    with time_machine.travel(_next_noon()):  # texts wait out the night (quiet hours)
        assert outbox_send_one(message_id=message.pk) == "sent"
    [text] = sms.outbox
    assert text.to == "+13125550143"
    assert f"/a/confirm/{PendingRsvp.objects.get().key}/" in text.body
    assert not Rsvp.objects.exists()
    sms.outbox.clear()


def test_a_lockdown_ends_the_confirmation_links(client, rally, committee, ana):
    from members.links import links_revoke

    answer(client, rally, email="ana@example.org")
    key = PendingRsvp.objects.get().key

    ended = links_revoke(committee=committee)

    assert ended["public_answer_confirmations"] == 1
    assert client.post(reverse("action_public_confirm", args=[key])).status_code == 404
    assert not Rsvp.objects.exists()
