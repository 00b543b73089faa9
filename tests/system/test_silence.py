"""Nobody notices when reminders stop, unless the health check does: with a real `celery
worker` and a real `celery beat` on the real Redis and the test database, stopping the
worker, and separately the beat, turns /healthz/system to 503 naming it within the threshold,
and a restart turns it back to 200; /healthz (the web's own check) stays 200 throughout.

The thresholds are made small through the environment the processes read (a pulse every
second, silence allowed for four) and the test process's settings.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.outbox.test_outbox_faults import database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PULSE, SILENT = 1, 4  # seconds
SLACK = 2.0  # a process's start, a poll's round trip


class Background:
    """`celery worker` and `celery beat` processes of this test's own, on a queue of its own."""

    def __init__(self, settings, log_dir: Path):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_QUEUE": f"test-health-{uuid.uuid4().hex[:10]}",
            "HEALTH_PULSE_SECONDS": str(PULSE),
            "HEALTH_SILENT_SECONDS": str(SILENT),
            "EMAIL_URL": "consolemail://",
        }
        self.log_dir = log_dir
        self.processes: dict[str, subprocess.Popen] = {}
        self.started = 0

    def start(self, role: str) -> None:
        args = {
            "worker": [
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "-n",
                f"{self.env['CELERY_QUEUE']}-{self.started}@%h",
            ],
            "beat": ["beat", "-s", str(self.log_dir / "beat-schedule")],
        }[role]
        self.started += 1
        log = (self.log_dir / f"{role}-{self.started}.log").open("w")
        self.processes[role] = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "organizing", *args, "--loglevel=INFO"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the signal reaches the pool too
        )

    def stop(self, role: str, sig: signal.Signals = signal.SIGTERM) -> None:
        process = self.processes.pop(role)
        os.killpg(process.pid, sig)
        process.wait(timeout=20)

    def stop_all(self) -> None:
        for role in list(self.processes):
            self.stop(role)
        for log in sorted(self.log_dir.glob("*.log")):
            print(log.name, log.read_text()[-3000:])  # shown by pytest when a test fails


@pytest.fixture
def background(settings, tmp_path):
    settings.HEALTH = {**settings.HEALTH, "pulse_seconds": PULSE, "silent_seconds": SILENT}
    settings.BACKUP_DIR = ""
    processes = Background(settings, tmp_path)
    yield processes
    processes.stop_all()


def system(client) -> tuple[int, dict]:
    response = client.get("/healthz/system")
    return response.status_code, response.json()


def seconds_until(client, status: int, timeout: float = 60.0) -> float:
    """How long until /healthz/system answers `status`, checking /healthz on the way."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        assert client.get("/healthz").status_code == 200
        if system(client)[0] == status:
            return time.monotonic() - start
        time.sleep(0.2)
    pytest.fail(f"/healthz/system did not answer {status} in {timeout} s: {system(client)}")


def test_stopping_the_worker_or_the_beat_turns_the_system_check_to_503_and_back(client, background):
    background.start("worker")
    background.start("beat")
    seconds_until(client, 200)

    background.stop("worker", signal.SIGKILL)  # the worker dies
    waited = seconds_until(client, 503)
    status, body = system(client)
    assert SILENT - PULSE - SLACK <= waited <= SILENT + SLACK
    assert body["problems"][0].startswith("worker silent for ")
    assert (body["worker"]["state"], body["beat"]["state"]) == ("silent", "ok")

    background.start("worker")
    assert seconds_until(client, 200) <= SLACK + 10  # a worker takes a few seconds to start

    background.stop("beat")  # the beat is stopped, e.g. its container
    waited = seconds_until(client, 503)
    status, body = system(client)
    assert SILENT - PULSE - SLACK <= waited <= SILENT + SLACK
    assert body["problems"][0].startswith("beat silent for ")
    assert (body["worker"]["state"], body["beat"]["state"]) == ("ok", "silent")

    background.start("beat")
    assert seconds_until(client, 200) <= SLACK + 10
