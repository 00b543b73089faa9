"""Celery tasks for members: thin wrappers that take ids and call a service."""

import smtplib

from celery import shared_task
from django.conf import settings

from members import pulses, selectors, services


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
