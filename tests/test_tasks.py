"""Services queue Celery tasks by name (organizing.celery.task_queue), so a misspelt or
removed name would only fail when the work is due: here, every name the code queues is a task
the app registers, in a process that imported nothing but Django's start-up."""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUEUED = re.compile(r"task_queue(?:_on_commit)?\(\s*\"([^\"]+)\"")


def queued_names() -> set[str]:
    names = set()
    for package in ("organizing", "members", "campaigns"):
        for path in (ROOT / package).rglob("*.py"):
            names.update(QUEUED.findall(path.read_text()))
    return names


def test_the_code_queues_tasks_by_name():
    assert {"outbox.dispatch_due", "outbox.send_batch", "members.tasks.invitation_send"} <= (
        queued_names()
    )


def registered_at_start_up() -> set[str]:
    """The tasks a fresh web process knows once Django has started, and nothing else ran."""
    script = (
        "import django, json; django.setup(); "
        "from organizing.celery import app; print(json.dumps(sorted(app.tasks)))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_every_task_name_the_code_queues_is_registered():
    missing = queued_names() - registered_at_start_up()

    assert not missing, f"queued by name but no such task: {sorted(missing)}"
