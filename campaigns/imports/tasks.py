"""The roster imports' Celery task."""

from celery import shared_task

from campaigns.imports.services import imports_purge_abandoned


@shared_task(name="imports.purge_abandoned")
def imports_purge_abandoned_task() -> int:
    """Drop the text of roster and payment files uploaded but never imported: personal data
    shouldn't linger."""
    return imports_purge_abandoned()
