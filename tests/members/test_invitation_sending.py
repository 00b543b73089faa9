"""Invitation emails go out through a real Celery worker, are never doubled, and survive SMTP
trouble."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from members import services
from members.models import Invitation
from members.tasks import invitations_send_pending
from organizing.celery import app as celery_app
from tests.conftest import Mailbox, body_text, free_port

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def invitation(committee, lead):
    return Invitation.objects.create(
        committee=committee, email="ana@example.org", role="member", invited_by=lead
    )


def test_it_sends_once_even_when_asked_twice(invitation, mailbox):
    assert services.invitation_send(invitation_id=invitation.pk) is True
    assert services.invitation_send(invitation_id=invitation.pk) is False

    assert len(mailbox.wait_for(1)) == 1
    invitation.refresh_from_db()
    assert invitation.send_attempts == 1 and invitation.sent_at is not None


def test_it_records_a_failed_send_for_the_team_page(invitation, settings, client, lead, committee):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens

    with pytest.raises(ConnectionRefusedError):
        services.invitation_send(invitation_id=invitation.pk)

    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert invitation.send_attempts == 1
    assert "ConnectionRefusedError" in invitation.last_error
    assert invitation.sending_until is None  # free for the retry
    client.force_login(lead)
    page = client.get(f"/committees/{committee.pk}/team/").content.decode()
    assert "Sending failed after 1 attempt; retrying." in page


def test_the_beat_task_requeues_invitations_whose_task_was_lost(invitation, mailbox):
    Invitation.objects.filter(pk=invitation.pk).update(
        created_at=invitation.created_at - services.SEND_LEASE * 5
    )

    assert invitations_send_pending() == 1

    [email] = mailbox.wait_for(1)
    assert email["To"] == "ana@example.org"
    assert invitations_send_pending() == 0


@pytest.fixture
def worker(settings, smtp_port, tmp_path):
    """A real `celery worker` process on the real Redis, on a queue of its own, using the test
    database and the loopback SMTP server."""
    queue = f"test-{uuid.uuid4().hex[:12]}"
    log = (tmp_path / "worker.log").open("w")
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "MAIL_RETRY_BACKOFF_SECONDS": "1",
        "SITE_URL": "http://testserver",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "organizing",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    before = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    yield process
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = before
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    print((tmp_path / "worker.log").read_text())  # shown by pytest when a test fails


def wait_until(predicate, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_invitation_queued_on_commit(worker, lead, committee, smtp_port):
    box = Mailbox()
    from aiosmtpd.controller import Controller

    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        invitation = services.invitation_create(
            committee=committee, email="ana@example.org", role="organizer", invited_by=lead
        )
        [email] = box.wait_for(1, timeout=60)
    finally:
        controller.stop()

    assert email["To"] == "ana@example.org"
    assert "/invitations/" in body_text(email)
    assert wait_until(lambda: Invitation.objects.get(pk=invitation.pk).sent_at is not None)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_until_the_mail_server_is_back(worker, lead, committee, smtp_port):
    invitation = services.invitation_create(
        committee=committee, email="ana@example.org", role="organizer", invited_by=lead
    )
    # The SMTP server is down: the attempt is recorded and visible, then retried.
    assert wait_until(lambda: Invitation.objects.get(pk=invitation.pk).last_error != "", 60)

    box = Mailbox()
    from aiosmtpd.controller import Controller

    controller = Controller(box, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        [email] = box.wait_for(1, timeout=60)
    finally:
        controller.stop()

    assert email["To"] == "ana@example.org"
    invitation.refresh_from_db()
    assert wait_until(lambda: Invitation.objects.get(pk=invitation.pk).sent_at is not None)
    invitation.refresh_from_db()
    assert invitation.send_attempts >= 2
    assert invitation.last_error == ""


def test_tasks_are_acknowledged_late_and_time_limited():
    """A worker killed mid-send gives the message back to Redis instead of losing it."""
    conf = celery_app.conf

    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.task_serializer == "json" and conf.accept_content == ["json"]
    assert 0 < conf.task_soft_time_limit < conf.task_time_limit
    assert conf.broker_transport_options["visibility_timeout"] > conf.task_time_limit
