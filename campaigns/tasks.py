"""Celery tasks for campaigns: thin wrappers that take ids and call a service."""

from celery import shared_task

from campaigns.services.imports import imports_purge_abandoned
from campaigns.services.nudges import nudges_plan_due
from campaigns.services.outbox_send import (
    outbox_dispatch_due,
    outbox_send_batch,
)
from campaigns.services.reminders import CATCH_UP_BATCH, reminders_catch_up


@shared_task
def imports_purge_abandoned_task() -> int:
    """Drop the text of roster files uploaded but never imported: personal data shouldn't linger."""
    return imports_purge_abandoned()


DISPATCH_LIMIT = 500  # rows claimed per run


@shared_task
def outbox_dispatch_due_task() -> int:
    """Every minute (and when something is planned for now): plan the reminders of answers
    from emailed links, then hand due messages to workers. A full batch of either means more
    are waiting (a crowd answering, 10,000 reminders due at once): go again at once rather
    than a minute later."""
    caught = reminders_catch_up(limit=CATCH_UP_BATCH)
    claimed = outbox_dispatch_due(limit=DISPATCH_LIMIT)
    if claimed >= DISPATCH_LIMIT or caught >= CATCH_UP_BATCH:
        outbox_dispatch_due_task.delay()
    return claimed


@shared_task
def outbox_send_batch_task(message_ids: list[int]) -> dict[str, int]:
    """Send a batch of outbox messages over one mail-server connection."""
    return outbox_send_batch(message_ids=message_ids)


@shared_task
def nudges_plan_due_task() -> int:
    """Every five minutes: plan the 09:00 digests (and Monday's quiet-unit emails) of each
    committee whose local clock has passed 09:00; planning again is a no-op."""
    return nudges_plan_due()
