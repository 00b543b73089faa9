"""The demo's outgoing mail (`make run`, DEBUG on, no EMAIL_URL) is shown, not sent: one INFO
block per email that says who it is for, its subject, its text and its links, in the web
process and in a real Celery worker (which used to log the raw message as WARNING lines)."""

import logging
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.mail import EmailMultiAlternatives
from django.db import connection

from members import services
from organizing.celery import app as celery_app
from tests.members.test_invitation_sending import wait_until

ROOT = Path(__file__).resolve().parents[1]


def test_an_email_is_one_info_block_with_to_subject_text_and_links(settings, caplog):
    settings.EMAIL_BACKEND = "organizing.mail.DemoEmailBackend"
    message = EmailMultiAlternatives(
        subject="Committee meeting tomorrow",
        body="Hi Ana,\n\nWill you come? Answer here: http://127.0.0.1:8000/r/abc123/.\n",
        from_email="Majority <majority@localhost>",
        to=["ana@example.org"],
    )
    message.attach_alternative(
        '<p>Hi Ana, <a href="http://127.0.0.1:8000/r/abc123/">answer</a> or '
        '<a href="http://127.0.0.1:8000/u/?p=1&amp;c=2">unsubscribe</a></p>',
        "text/html",
    )
    message.attach("meeting.ics", "BEGIN:VCALENDAR", "text/calendar")

    with caplog.at_level(logging.INFO, logger="organizing.mail"):
        assert message.send() == 1

    [record] = caplog.records
    assert record.levelname == "INFO"
    block = record.getMessage().splitlines()
    assert block[0] == "Email to ana@example.org: Committee meeting tomorrow"
    assert "  Subject: Committee meeting tomorrow" in block
    assert "  Will you come? Answer here: http://127.0.0.1:8000/r/abc123/." in block
    links = block[block.index("  Links:") + 1 : block.index("  Links:") + 3]
    assert links == ["    http://127.0.0.1:8000/r/abc123/", "    http://127.0.0.1:8000/u/?p=1&c=2"]
    assert block[-1] == "  Attached: meeting.ics (text/calendar)"
    assert not any(line.startswith(("Content-Type", "MIME-Version", "<p>")) for line in block)


@pytest.fixture
def demo_worker(settings, tmp_path):
    """A real `celery worker` started as `make run` starts it: DEBUG on, no EMAIL_URL."""
    queue = f"test-demo-mail-{uuid.uuid4().hex[:10]}"
    log_path = tmp_path / "worker.log"
    db = connection.settings_dict
    credentials = f"{db['USER']}:{db['PASSWORD']}" if db["PASSWORD"] else db["USER"]
    env = {
        **{name: value for name, value in os.environ.items() if name != "EMAIL_URL"},
        "DEBUG": "1",
        "DATABASE_URL": f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_QUEUE": queue,
        "SITE_URL": "http://127.0.0.1:8000",
    }
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "organizing", "worker", "--pool=solo",
             "--loglevel=INFO", "--without-heartbeat", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
    before = celery_app.conf.task_always_eager, celery_app.conf.task_default_queue
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = False, queue
    yield log_path
    celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = before
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    print(log_path.read_text())  # shown by pytest when a test fails


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_demo_worker_shows_an_invitation_as_a_readable_info_block(demo_worker, lead, committee):
    services.invitation_create(
        committee=committee, email="ana@example.org", role="organizer", invited_by=lead
    )

    assert wait_until(lambda: "Links:" in demo_worker.read_text(), timeout=60)
    output = demo_worker.read_text()
    [first] = [line for line in output.splitlines() if "Email to ana@example.org" in line]
    assert "INFO" in first and "WARNING" not in first
    block = output[output.index(first) :]
    assert "  Subject: " in block
    assert "http://127.0.0.1:8000/invitations/" in block.split("  Links:")[1]
    assert "WARNING" not in output.split("Email to ana@example.org")[1]
    assert "Content-Transfer-Encoding" not in output
