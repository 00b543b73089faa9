"""/healthz/system, what an uptime monitor reads: 200 when the worker and the beat were heard
from lately, the outbox is on time and (when backups are set up) the last good backup is
recent; 503 naming each part that is not. /healthz, the web's own check, never looks at them.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from campaigns.models import OutboxMessage
from members.heartbeats import heartbeat_record
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


@pytest.fixture
def alive():
    """The worker and the beat both just recorded their pulse."""
    heartbeat_record("worker")
    heartbeat_record("beat")


def system(client):
    response = client.get("/healthz/system")
    return response.status_code, response.json()


def test_it_answers_200_when_every_part_is_alive(client, alive):
    status, body = system(client)

    assert status == 200
    assert body["status"] == "ok" and body["problems"] == []
    for name in ("postgres", "redis", "worker", "beat", "outbox"):
        assert body[name]["ok"] is True, name
    assert body["worker"]["limit_seconds"] == 120
    assert body["backup"] == {"ok": True, "state": "off"}  # no BACKUP_DIR: nothing to check


def test_a_worker_silent_for_more_than_two_minutes_is_named(client, alive):
    with time_machine.travel(timezone.now() + timedelta(seconds=121)):
        heartbeat_record("beat")
        status, body = system(client)

    assert status == 503
    assert body["problems"] == ["worker silent for 121 s (limit 120 s)"]
    assert body["worker"]["state"] == "silent" and body["beat"]["ok"] is True


def test_two_minutes_of_silence_is_still_within_the_threshold(client, alive):
    with time_machine.travel(timezone.now() + timedelta(seconds=119)):
        status, _ = system(client)

    assert status == 200


def test_a_beat_that_never_started_is_named(client):
    heartbeat_record("worker")

    status, body = system(client)

    assert status == 503
    assert body["problems"] == ["beat never"]


def test_the_web_check_stays_200_whatever_the_worker_and_beat_do(client):
    assert system(client)[0] == 503  # neither ever heard from

    response = client.get("/healthz")

    assert response.status_code == 200
    assert set(response.json()) == {"status", "postgres", "redis"}


def message(committee, *, due_ago: timedelta, status=Status.PENDING):
    due = timezone.now() - due_ago
    return OutboxMessage.objects.create(
        committee=committee,
        kind=OutboxMessage.Kind.ACTION_INVITATION,
        person=factories.person(committee=committee),
        due_at=due,
        next_attempt_at=due,
        status=status,
    )


def test_the_outbox_is_late_when_a_due_message_waited_more_than_five_minutes(
    client, committee, alive
):
    message(committee, due_ago=timedelta(minutes=2))
    message(committee, due_ago=timedelta(minutes=6, seconds=1))

    status, body = system(client)

    assert status == 503
    assert body["outbox"]["state"] == "late"
    assert body["outbox"]["age_seconds"] == pytest.approx(361, abs=2)
    assert body["problems"][0].startswith("outbox late for 36")


def test_a_message_waiting_for_its_retry_counts_as_late_and_one_sent_or_failed_does_not(
    client, committee, alive
):
    message(committee, due_ago=timedelta(hours=1), status=Status.SENT)
    message(committee, due_ago=timedelta(hours=1), status=Status.FAILED)
    message(committee, due_ago=timedelta(minutes=-30))  # due in half an hour
    assert system(client)[0] == 200

    retrying = message(committee, due_ago=timedelta(minutes=10))
    retrying.next_attempt_at = timezone.now() + timedelta(minutes=5)  # the mail server is down
    retrying.save(update_fields=["next_attempt_at"])

    assert system(client)[1]["problems"] == ["outbox late for 600 s (limit 300 s)"]


def test_backups_are_checked_only_once_a_backup_directory_is_set(client, settings, alive, tmp_path):
    settings.BACKUP_DIR = str(tmp_path)
    assert system(client)[1]["problems"] == ["backup never"]

    heartbeat_record("backup")
    assert system(client)[0] == 200

    with time_machine.travel(timezone.now() + timedelta(hours=36, minutes=1)):
        heartbeat_record("worker")
        heartbeat_record("beat")
        status, body = system(client)
    assert status == 503
    assert body["problems"] == ["backup late for 129660 s (limit 129600 s)"]


def test_a_failed_backup_is_named_at_once_with_its_reason(client, settings, alive, tmp_path):
    settings.BACKUP_DIR = str(tmp_path)
    heartbeat_record("backup")
    heartbeat_record("backup_failed", error="No space left on device")

    status, body = system(client)

    assert status == 503
    assert body["problems"] == ["backup failed: No space left on device"]
    heartbeat_record("backup")  # the next night's backup worked
    assert system(client)[0] == 200


def test_redis_down_is_named(client, settings, alive):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"

    status, body = system(client)

    assert status == 503
    assert body["redis"]["state"] == "down"
    assert body["problems"] == ["redis down: ConnectionError"]


def test_it_says_nothing_of_any_committee(client, committee, alive):
    someone = message(committee, due_ago=timedelta(minutes=1)).person

    text = client.get("/healthz/system").content.decode()

    assert committee.name not in text and someone.given_name not in text
    assert "committee" not in text
