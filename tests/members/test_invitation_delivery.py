"""Invitations to an action go out through a real Celery worker and a real SMTP server: one
email per person with a link that works, and a mail server that is down only delays them."""

import re
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from campaigns.actions.services.rsvps import action_invite
from campaigns.models import Action, OutboxMessage, Rsvp
from campaigns.outbox.tasks import outbox_dispatch_due_task
from members.models import PersonEmail
from tests import factories
from tests.conftest import Mailbox, body_text
from tests.members.test_invitation_sending import wait_until, worker  # noqa: F401 - the worker fixture

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("worker"),
]


def meeting(committee, campaign) -> Action:
    starts = timezone.now() + timedelta(days=5)
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="General meeting",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone="America/Chicago",
    )


def people(committee, count: int) -> list:
    found = []
    for i in range(count):
        person = factories.person(committee=committee, given_name=f"Worker{i}")
        PersonEmail.objects.create(person=person, email=f"w{i}@example.org", is_primary=True)
        found.append(person)
    return found


def link_in(email) -> str:
    return re.search(r"http://testserver(/r/\S+/)", body_text(email)).group(1)


def test_twenty_people_each_get_one_invitation(mailbox, committee, campaign, lead, client):
    action = meeting(committee, campaign)
    invitees = people(committee, 20)

    action_invite(action=action, people=invitees, by=lead)  # commits: the worker is told

    emails = mailbox.wait_for(20, timeout=60)
    time.sleep(1)  # anything doubled would have arrived by now
    assert sorted(e["To"] for e in mailbox.messages) == sorted(
        f"w{i}@example.org" for i in range(20)
    )
    assert all(e["Subject"].startswith("Harbor: General meeting") for e in emails)
    assert wait_until(
        lambda: set(OutboxMessage.objects.values_list("status", flat=True)) == {"sent"}
    )
    assert set(OutboxMessage.objects.values_list("attempts", flat=True)) == {1}
    first = next(e for e in emails if e["To"] == "w0@example.org")
    assert client.get(link_in(first)).status_code == 200
    answered = client.post(link_in(first), {"response": "yes"}, follow=True)
    assert answered.status_code == 200 and "You're coming" in answered.content.decode()
    assert Rsvp.objects.get(action=action, person=invitees[0]).response == "yes"


def test_invitations_wait_for_the_mail_server_and_go_out_once(committee, campaign, lead, smtp_port):
    action = meeting(committee, campaign)
    action_invite(action=action, people=people(committee, 3), by=lead)
    # Nobody listens on the SMTP port yet: each attempt is recorded and put back for later.
    assert wait_until(
        lambda: OutboxMessage.objects.filter(status="pending", attempts__gte=1).count() == 3, 60
    )
    assert OutboxMessage.objects.filter(reason__contains="ConnectionRefusedError").count() == 3

    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        # The beat's every-minute dispatch, sped up: rows are retried after their backoff.
        def delivered() -> bool:
            outbox_dispatch_due_task.delay()
            return len(box.messages) >= 3

        assert wait_until(delivered, 60)
        time.sleep(1)
    finally:
        controller.stop()

    assert sorted(e["To"] for e in box.messages) == [f"w{i}@example.org" for i in range(3)]
    assert wait_until(lambda: OutboxMessage.objects.filter(status="sent").count() == 3)
    for message in OutboxMessage.objects.all():
        assert message.attempts >= 2 and message.reason == ""
