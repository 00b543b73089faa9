"""Reading the outbox: the lead's page of what was sent, failed or held back, and what a
person's page lists as sent to them."""

from django.db.models import Count, Q, QuerySet

from campaigns.access import actions_visible_to
from campaigns.models import OutboxMessage
from members.models import Committee, Person, User

Status = OutboxMessage.Status
PERSON_MESSAGES = 20  # the newest ones on a person's page


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
