"""The outbox's lease comes from settings, and every process refuses one a batch may outlast.

A worker killed mid-batch leaves its messages claimed until the lease runs out, so the lease is
short (2 minutes): a reminder due at 17:50 still goes before an 18:00 action. It must outlast
the send task all the same, or a second worker would send a message the first is still
sending. The task's time limits are derived from the lease and the mail server's timeout, and
a lease too short for them stops the web server, the worker and manage.py with one line.
"""

import pytest
from django.conf import settings

from campaigns.outbox.tasks import outbox_send_batch_task
from tests.test_config import STRONG, assert_one_line, run

WORKER = ("-m", "celery", "-A", "organizing", "worker")


@pytest.mark.parametrize("process", [("manage.py", "check"), WORKER])
def test_a_lease_shorter_than_a_batch_stops_the_app_with_one_line(process):
    result = run(*process, SECRET_KEY=STRONG, OUTBOX_LEASE_SECONDS="60")

    assert_one_line(result, "OUTBOX_LEASE_SECONDS=60", "EMAIL_TIMEOUT=20", "at least 100")


def test_a_slower_mail_server_needs_a_longer_lease():
    too_short = run("manage.py", "check", SECRET_KEY=STRONG, EMAIL_TIMEOUT="30")
    long_enough = run(
        "manage.py", "check", SECRET_KEY=STRONG, EMAIL_TIMEOUT="30", OUTBOX_LEASE_SECONDS="140"
    )

    assert_one_line(too_short, "OUTBOX_LEASE_SECONDS=120", "EMAIL_TIMEOUT=30", "at least 140")
    assert long_enough.returncode == 0, long_enough.stderr


def test_by_default_a_batch_ends_well_inside_its_two_minute_lease():
    """The mail server may make a send wait 20 s at each step: the send task is killed at
    110 s, told to stop at 100 s, and takes no new message after 40 s, when its last one may
    still wait 3 × 20 s (to connect, to send, to say goodbye)."""
    task = outbox_send_batch_task

    assert (settings.OUTBOX_LEASE_SECONDS, settings.EMAIL_TIMEOUT) == (120, 20)
    assert (task.time_limit, task.soft_time_limit, settings.OUTBOX_BATCH_SECONDS) == (110, 100, 40)
