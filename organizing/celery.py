"""The Celery app: configured from Django settings under the CELERY_ namespace."""

import os
from typing import Any

from celery import Celery
from django.db import transaction

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "organizing.settings")

app = Celery("organizing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_configure.connect
def _settings_or_one_line(sender: Celery, **kwargs) -> None:
    """A worker or beat with a bad setting prints what to fix, like manage.py does."""
    from organizing.config import load_settings_or_exit

    load_settings_or_exit()


def task_queue(name: str, *args: Any) -> None:
    """Queue the registered task `name` with `args`. Services name a task rather than import
    its module: a tasks module imports the services it calls, so importing it back would tie
    them in a cycle. tests/test_tasks.py checks that every name used is a registered task."""
    app.tasks[name].delay(*args)


def task_queue_on_commit(name: str, *args: Any) -> None:
    """Queue the task once the current transaction commits (at once outside of one)."""
    transaction.on_commit(lambda: task_queue(name, *args))
