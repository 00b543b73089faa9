"""The nudges' Celery task."""

from celery import shared_task

from campaigns.nudges.services.digests import nudges_plan_due


@shared_task(name="nudges.plan_due")
def nudges_plan_due_task() -> int:
    """Every five minutes: plan the 09:00 digests (and Monday's quiet-unit emails) of each
    committee whose local clock has passed 09:00; planning again is a no-op."""
    return nudges_plan_due()
