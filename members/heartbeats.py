"""Pulses of the background parts: the worker, the beat and the nightly backup each record
when they last did their job; the health checks (/healthz/system, the System page) read
how long ago that was."""

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from members.models import Heartbeat


def heartbeat_record(name: str, **detail: Any) -> None:
    """`name` did its job now (one upsert; `detail` replaces what was kept)."""
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "detail": detail}
    )


def heartbeat_last(name: str) -> Heartbeat | None:
    return Heartbeat.objects.filter(name=name).first()


def heartbeat_age(name: str, now: datetime | None = None) -> timedelta | None:
    """How long since `name` last did its job; None if it never has."""
    beat = heartbeat_last(name)
    return None if beat is None else (now or timezone.now()) - beat.at


def heartbeats_last(names: list[str]) -> dict[str, Heartbeat]:
    """The last pulse of each of `names` that ever recorded one, in one query."""
    return {beat.name: beat for beat in Heartbeat.objects.filter(name__in=names)}
