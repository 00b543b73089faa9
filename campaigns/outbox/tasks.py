"""The outbox's Celery tasks: thin wrappers that take ids and call a service."""

from celery import shared_task
from django.conf import settings

from campaigns.outbox.registry import CATCH_UPS
from campaigns.outbox.services.send import outbox_dispatch_due, outbox_send_batch

DISPATCH_LIMIT = 500  # rows claimed per run


@shared_task(name="outbox.dispatch_due")
def outbox_dispatch_due_task() -> int:
    """Every minute (and when something is planned for now): run the areas' catch-ups (the
    reminders of answers from emailed links), then hand due messages to workers. A full batch
    of either means more are waiting (a crowd answering, 10,000 reminders due at once): go
    again at once rather than a minute later."""
    more_to_plan = [catch_up() for catch_up in CATCH_UPS]
    claimed = outbox_dispatch_due(limit=DISPATCH_LIMIT)
    if claimed >= DISPATCH_LIMIT or any(more_to_plan):
        outbox_dispatch_due_task.delay()
    return claimed


@shared_task(
    name="outbox.send_batch",
    soft_time_limit=settings.OUTBOX_SEND_SOFT_TIME_LIMIT,
    time_limit=settings.OUTBOX_SEND_TIME_LIMIT,
)
def outbox_send_batch_task(message_ids: list[int]) -> dict[str, int]:
    """Send a batch of outbox messages over one mail-server connection. Its time limits come
    from the lease (organizing/config.py: outbox_timing): it is gone before its messages are
    handed to another worker. Celery puts them in the message, as the process that queues it
    (a worker running the dispatcher) has them: every process reads the same environment."""
    return outbox_send_batch(message_ids=message_ids)
