"""Reading the outbox: the lead's page of what was sent, failed or held back, what a
person's page lists as sent to them, and how far behind the sending is (the health checks)."""

from datetime import datetime

from django.db.models import Count, Min, Q, QuerySet

from campaigns.access import actions_visible_to
from campaigns.models import OutboxMessage
from members.models import Committee, Person, User

Status = OutboxMessage.Status
PERSON_MESSAGES = 20  # the newest ones on a person's page
FAILURES_SHOWN = 50  # on the System page


def outbox_counts(*, committee: Committee) -> dict[str, int]:
    """How many of the committee's messages are in each status (every status, zeros too)."""
    rows = (
        OutboxMessage.objects.filter(committee=committee)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = dict(rows)
    return {status: found.get(status, 0) for status in Status.values}


def outbox_messages(
    *, committee: Committee, status: str = "", kind: str = ""
) -> QuerySet[OutboxMessage]:
    """The committee's messages, filtered, the latest due first; each with its recipient and
    its action, for a page of them to be shown in one query."""
    messages = OutboxMessage.objects.filter(committee=committee).select_related(
        "person", "user", "action"
    )
    if status:
        messages = messages.filter(status=status)
    if kind:
        messages = messages.filter(kind=kind)
    return messages.order_by("-due_at", "-pk")


def person_messages(*, person: Person, user: User) -> list[OutboxMessage]:
    """What was sent (or held back) to the person, newest first: messages about actions the
    viewer may run, and those about no action."""
    visible = Q(action__isnull=True) | Q(action__in=actions_visible_to(user))
    return list(
        OutboxMessage.objects.filter(visible, person=person, user__isnull=True)
        .exclude(status=Status.VOID)
        .select_related("action")
        .order_by("-due_at", "-pk")[:PERSON_MESSAGES]
    )


def outbox_oldest_due(*, now: datetime) -> datetime | None:
    """When the oldest message that is due and not yet sent (waiting, being sent or waiting to
    be retried) fell due, across every committee: how far behind the sending is. None when
    nothing due waits."""
    return OutboxMessage.objects.filter(
        status__in=[Status.PENDING, Status.SENDING], due_at__lte=now
    ).aggregate(oldest=Min("due_at"))["oldest"]


def outbox_failures(*, committee: Committee, since: datetime) -> list[OutboxMessage]:
    """The committee's messages that failed for good since `since`, the latest first."""
    return list(
        OutboxMessage.objects.filter(
            committee=committee, status=Status.FAILED, last_attempt_at__gte=since
        )
        .select_related("person", "user", "action")
        .order_by("-last_attempt_at", "-pk")[:FAILURES_SHOWN]
    )
