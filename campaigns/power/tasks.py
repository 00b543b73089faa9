"""The power base's Celery task."""

from celery import shared_task

from campaigns.power.reminders import dues_reminders_plan


@shared_task(name="power.dues_reminders_plan")
def dues_reminders_plan_task() -> int:
    """Every five minutes: plan the 10:00 dues reminders of each committee whose local clock
    has passed 10:00; planning again is a no-op."""
    return dues_reminders_plan()
