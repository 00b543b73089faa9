"""The System page: a committee lead reads, in their language, whether the worker, the beat,
the outbox and the backups are working, the messages that failed in the last 24 hours, and
finds the outbox from there. Nobody else learns the page exists."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from campaigns.models import OutboxMessage
from members.heartbeats import heartbeat_record
from members.models import User
from tests import factories

pytestmark = pytest.mark.django_db

Status = OutboxMessage.Status


@pytest.fixture(autouse=True)
def _thresholds(settings):
    settings.HEALTH = {
        "pulse_seconds": 30,
        "silent_seconds": 120,
        "outbox_lag_seconds": 300,
        "backup_age_seconds": 36 * 3600,
    }
    settings.BACKUP_DIR = ""


def page(client, committee) -> str:
    response = client.get(reverse("system", args=[committee.pk]))
    assert response.status_code == 200
    return response.content.decode()


def check(html: str, name: str) -> str:
    return html.split(f'id="check-{name}"')[1].split("</li>")[0]


def failed(committee, name: str, *, ago: timedelta, reason: str) -> OutboxMessage:
    person = factories.person(committee=committee, given_name=name, family_name="Reyes")
    now = timezone.now()
    return OutboxMessage.objects.create(
        committee=committee,
        kind=OutboxMessage.Kind.ACTION_REMINDER,
        person=person,
        due_at=now - ago,
        next_attempt_at=now - ago,
        last_attempt_at=now - ago,
        attempts=1,
        status=Status.FAILED,
        reason=reason,
    )


@time_machine.travel("2026-12-03 18:00 UTC", tick=False)
def test_a_lead_reads_that_everything_works(client, committee, lead):
    heartbeat_record("worker")
    heartbeat_record("beat")
    client.force_login(lead)

    html = page(client, committee)

    assert "Everything is working: messages are going out on time." in html
    assert "Last heard from 0 seconds ago." in check(html, "worker")
    assert "Working" in check(html, "beat")
    assert "Not set up here: no backup directory (BACKUP_DIR) is set." in check(html, "backup")
    assert "No message failed in the last 24 hours." in html


def test_a_lead_reads_which_part_is_silent_and_what_to_do(client, committee, lead):
    heartbeat_record("beat")
    heartbeat_record("worker")
    client.force_login(lead)

    with time_machine.travel(timezone.now() + timedelta(minutes=3), tick=False):
        heartbeat_record("beat")
        html = page(client, committee)

    worker = check(html, "worker").replace("\xa0", " ")  # timesince keeps "3 minutes" together
    assert "Something needs attention" in html
    assert "Silent for 3 minutes (more than 2 minutes)" in worker
    assert "Restart the worker." in worker and "Needs attention" in worker
    assert "Needs attention" not in check(html, "beat")


def test_it_lists_the_committees_failures_of_the_last_24_hours(
    client, committee, other_committee, lead
):
    failed(committee, "Bo", ago=timedelta(hours=2), reason="SMTPRecipientsRefused: 550")
    failed(committee, "Cy", ago=timedelta(hours=30), reason="an old failure")
    failed(other_committee, "Di", ago=timedelta(hours=1), reason="another committee's")
    client.force_login(lead)

    html = page(client, committee)

    failures = html.split('id="system-failures"')[1].split("</ul>")[0]
    assert "Bo Reyes" in failures and "SMTPRecipientsRefused: 550" in failures
    assert "Cy Reyes" not in html and "an old failure" not in html
    assert "Di Reyes" not in html and "another committee's" not in html
    assert reverse("outbox", args=[committee.pk]) + "?status=failed" in html


@time_machine.travel("2026-12-03 18:00 UTC", tick=False)
def test_a_lead_reads_it_in_spanish(client, committee, lead):
    User.objects.filter(pk=lead.pk).update(language="es")
    heartbeat_record("beat")
    failed(committee, "Bo", ago=timedelta(hours=2), reason="SMTPRecipientsRefused: 550")
    client.force_login(lead)

    html = page(client, committee)

    assert "<h1>Sistema</h1>" in html
    assert "Algo necesita atención" in html
    assert "Nunca se ha sabido de él" in check(html, "worker")
    assert "Última señal hace 0 segundos." in check(html, "beat")
    assert "Mensajes fallidos, últimas 24 horas" in html
    assert "Bo Reyes" in html


def test_the_leads_find_it_in_their_menu_and_organizers_do_not(client, committee, lead, organizer):
    url = reverse("system", args=[committee.pk])
    client.force_login(lead)
    assert f'href="{url}"' in client.get(reverse("outbox", args=[committee.pk])).content.decode()

    client.force_login(organizer)
    assert f'href="{url}"' not in client.get(reverse("my_list")).content.decode()


@pytest.mark.parametrize("who", ["organizer", "member", "outsider"])
def test_anyone_but_the_committees_leads_gets_a_404(request, client, committee, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get(reverse("system", args=[committee.pk])).status_code == 404


@time_machine.travel("2026-12-03 18:00 UTC", tick=False)
def test_a_failed_backup_and_a_late_outbox_are_said_in_words(client, committee, lead, settings):
    settings.BACKUP_DIR = "/srv/backups"
    heartbeat_record("worker")
    heartbeat_record("beat")
    heartbeat_record("backup_failed", error="[Errno 28] No space left on device")
    due = timezone.now() - timedelta(minutes=7)
    OutboxMessage.objects.create(
        committee=committee,
        kind=OutboxMessage.Kind.ACTION_REMINDER,
        person=factories.person(committee=committee),
        due_at=due,
        next_attempt_at=due,
    )
    client.force_login(lead)

    html = page(client, committee).replace("\xa0", " ")

    backup = check(html, "backup")
    assert "The last backup failed: [Errno 28] No space left on device" in backup
    assert "Needs attention" in backup
    outbox = check(html, "outbox")
    assert "Behind: the oldest message due has waited 7 minutes (more than 5 minutes)." in outbox
