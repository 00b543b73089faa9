"""The health of the whole deployment, read the same way by /healthz/system (for an uptime
monitor), the System page (for leads) and /metrics (for Prometheus).

Six checks, each within its threshold or not: Postgres and Redis answer; the worker and the
beat recorded a pulse lately (members/pulses.py); the oldest message due in the outbox has not
waited too long; the last good backup is recent (only when BACKUP_DIR is set). Nothing here
reads a committee's data beyond an age.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from campaigns.outbox.selectors import outbox_oldest_due
from members.heartbeats import (
    BACKUP,
    BACKUP_FAILED,
    backup_failure,
    backups_configured,
    heartbeats_last,
)
from organizing.health import check_postgres, check_redis

WORKER, BEAT = "worker", "beat"
STORED = ["worker", "beat", "outbox", "backup"]  # the checks that read the database


@dataclass(frozen=True)
class Check:
    """One check. `state`: ok, down (a service), silent or never (a pulse), late (the outbox,
    a backup), failed (the last backup), off (backups not configured), unknown (Postgres is
    down, so nothing stored can be read). `age`: since the last pulse, since the oldest due
    message fell due, since the last good backup."""

    name: str
    ok: bool
    state: str
    age: timedelta | None = None
    limit: timedelta | None = None
    error: str = ""

    def as_json(self) -> dict:
        body: dict = {"ok": self.ok, "state": self.state}
        if self.age is not None:
            body["age_seconds"] = round(self.age.total_seconds())
        if self.limit is not None:
            body["limit_seconds"] = round(self.limit.total_seconds())
        if self.error:
            body["error"] = self.error
        return body

    def problem(self) -> str:
        """What is wrong, in one line for a monitor's alert (in English: the System page says
        it in the lead's language)."""
        line = f"{self.name} {self.state}"
        if self.state in ("silent", "late") and self.age is not None and self.limit is not None:
            age, limit = round(self.age.total_seconds()), round(self.limit.total_seconds())
            line += f" for {age} s (limit {limit} s)"
        return f"{line}: {self.error}" if self.error else line


def system_health(*, now: datetime | None = None) -> list[Check]:
    """Every check, in a fixed order. With Postgres down the stored ones are unknown (and
    fail): a monitor must not read "all well" from a database it cannot reach."""
    now = now or timezone.now()
    postgres, redis = _service("postgres", check_postgres()), _service("redis", check_redis())
    if not postgres.ok:
        return [postgres, redis, *(Check(name, ok=False, state="unknown") for name in STORED)]
    beats = heartbeats_last([WORKER, BEAT, BACKUP, BACKUP_FAILED])
    return [
        postgres,
        redis,
        _pulse(WORKER, beats, now),
        _pulse(BEAT, beats, now),
        _outbox(now),
        _backup(beats, now),
    ]


def _service(name: str, answer: str) -> Check:
    if answer == "ok":
        return Check(name, ok=True, state="ok")
    return Check(name, ok=False, state="down", error=answer.removeprefix("down: "))


def _pulse(name: str, beats: dict, now: datetime) -> Check:
    limit = _limit("silent_seconds")
    if name not in beats:
        return Check(name, ok=False, state="never", limit=limit)
    age = now - beats[name].at
    return Check(
        name, ok=age <= limit, state="ok" if age <= limit else "silent", age=age, limit=limit
    )


def _outbox(now: datetime) -> Check:
    limit = _limit("outbox_lag_seconds")
    oldest = outbox_oldest_due(now=now)
    age = timedelta(0) if oldest is None else now - oldest
    return Check(
        "outbox", ok=age <= limit, state="ok" if age <= limit else "late", age=age, limit=limit
    )


def _backup(beats: dict, now: datetime) -> Check:
    if not backups_configured():
        return Check(BACKUP, ok=True, state="off")
    limit = _limit("backup_age_seconds")
    good = beats.get(BACKUP)
    age = None if good is None else now - good.at
    error = backup_failure(beats)  # a failure newer than the last good backup fails at once
    if error is not None:
        return Check(BACKUP, ok=False, state="failed", age=age, limit=limit, error=error)
    if age is None:
        return Check(BACKUP, ok=False, state="never", limit=limit)
    return Check(
        BACKUP, ok=age <= limit, state="ok" if age <= limit else "late", age=age, limit=limit
    )


def _limit(key: str) -> timedelta:
    return timedelta(seconds=settings.HEALTH[key])
