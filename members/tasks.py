"""Celery tasks for members: thin wrappers that take ids and call a service."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings

from members import backups, pulses, selectors, services

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=settings.MAIL_RETRY_BACKOFF_SECONDS,
    retry_backoff_max=30 * 60,
    retry_jitter=True,
    max_retries=8,
)
def invitation_send(invitation_id: int) -> bool:
    """Send one invitation email; SMTP trouble is retried with backoff and jitter."""
    return services.invitation_send(invitation_id=invitation_id)


@shared_task
def invitations_send_pending() -> int:
    """Re-queue invitations whose send task was lost (Redis restarted, worker killed)."""
    ids = selectors.invitations_unsent()
    for invitation_id in ids:
        invitation_send.delay(invitation_id)
    return len(ids)


@shared_task(name=pulses.BEAT_PULSE_TASK, ignore_result=True)
def beat_pulse() -> None:
    """Nothing to do: the beat recorded its pulse when it sent this (members/pulses.py)."""


@shared_task(soft_time_limit=60 * 60, time_limit=65 * 60)
def backup_nightly() -> str | None:
    """The nightly encrypted backup into BACKUP_DIR; a failure is logged and the task fails."""
    if not backups.backup_key_available():
        logger.warning("Backups are not configured: set BACKUP_PUBLIC_KEY (README, Backups)")
        return None
    return str(backups.backup_nightly())
