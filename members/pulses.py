"""How the worker and the beat say they are alive, each apart, so that /healthz/system can
tell which one went silent.

- The worker records "worker" on a timer of its main process while it is connected to the
  broker (a consumer bootstep): it does not wait for the beat to send it anything, so a
  stopped beat never makes the worker look dead.
- The beat records "beat" each time it sends the `health.beat_pulse` entry of its schedule
  (CELERY_BEAT_SCHEDULE): the recording happens in the beat's own process as the message
  leaves, so a stopped worker never makes the beat look dead. The task itself does nothing.

Both close their database connection after each pulse: the worker's main process forks the
pool's children, which must not inherit an open connection, and neither process should hold
one for a write every half minute.
"""

import logging
import os
import socket
from typing import Any

from celery import bootsteps
from celery.signals import after_task_publish
from django.conf import settings
from django.db import DatabaseError, connection

from members.heartbeats import heartbeat_record
from organizing.celery import app

log = logging.getLogger(__name__)

WORKER = "worker"
BEAT = "beat"
BEAT_PULSE_TASK = "health.beat_pulse"


def pulse(name: str) -> None:
    """Record that `name` lives, now; a database that is down is logged, never raised (the
    silence then shows on /healthz/system, which is the point)."""
    try:
        heartbeat_record(name, host=socket.gethostname(), pid=os.getpid())
    except DatabaseError as exc:
        log.warning("could not record the %s's pulse: %s", name, exc)
    finally:
        connection.close()


class WorkerPulse(bootsteps.StartStopStep):
    """Records the worker's pulse at once and every HEALTH_PULSE_SECONDS while connected."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self.tref: Any = None

    def start(self, parent: Any) -> None:
        pulse(WORKER)
        self.tref = parent.timer.call_repeatedly(settings.HEALTH["pulse_seconds"], pulse, (WORKER,))

    def stop(self, parent: Any) -> None:
        if self.tref is not None:
            self.tref.cancel()
            self.tref = None

    shutdown = stop


app.steps["consumer"].add(WorkerPulse)


@after_task_publish.connect(sender=BEAT_PULSE_TASK)
def _beat_sent_its_pulse(sender: str | None = None, **kwargs: Any) -> None:
    """Only the beat's schedule sends BEAT_PULSE_TASK: its leaving is the beat's pulse."""
    pulse(BEAT)
