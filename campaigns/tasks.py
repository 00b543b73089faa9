"""Celery tasks for campaigns: thin wrappers that call a service."""

from celery import shared_task

from campaigns.services.imports import imports_purge_abandoned


@shared_task
def imports_purge_abandoned_task() -> int:
    """Drop the text of roster files uploaded but never imported: personal data shouldn't linger."""
    return imports_purge_abandoned()
