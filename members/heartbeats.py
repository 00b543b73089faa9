"""Pulses of the background parts: the worker, the beat and the nightly backup each record
when they last did their job; the health checks (/healthz/system, the System page) read
how long ago that was. Whether last night's backup failed is decided here, once, for the health
checks and for the leads' morning digest (campaigns.nudges) alike."""

from typing import Any

from django.conf import settings
from django.utils import timezone

from members.models import Heartbeat


def heartbeat_record(name: str, **detail: Any) -> None:
    """`name` did its job now (one upsert; `detail` replaces what was kept)."""
    Heartbeat.objects.update_or_create(name=name, defaults={"at": timezone.now(), "detail": detail})


def heartbeats_last(names: list[str]) -> dict[str, Heartbeat]:
    """The last pulse of each of `names` that ever recorded one, in one query."""
    return {beat.name: beat for beat in Heartbeat.objects.filter(name__in=names)}


# The nightly backup records BACKUP when it wrote one, BACKUP_FAILED when it could not (an
# unwritable BACKUP_DIR, a full disk), with detail {"error": "…"}.
BACKUP, BACKUP_FAILED = "backup", "backup_failed"


def backups_configured() -> bool:
    """Backups are the nightly task's when BACKUP_DIR is set (issue 23's backup part)."""
    return bool(settings.BACKUP_DIR)


def backup_failure(beats: dict[str, Heartbeat]) -> str | None:
    """Why the last backup failed (its error, maybe ""), when a failure is newer than the
    last good backup; None when none failed since. `beats` as from heartbeats_last."""
    good, failed = beats.get(BACKUP), beats.get(BACKUP_FAILED)
    if failed is None or (good is not None and good.at >= failed.at):
        return None
    return str(failed.detail.get("error", ""))


def backup_failed_error() -> str | None:
    """backup_failure read from the database, when backups are configured (None when not)."""
    if not backups_configured():
        return None
    return backup_failure(heartbeats_last([BACKUP, BACKUP_FAILED]))
