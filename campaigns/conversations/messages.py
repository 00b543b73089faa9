"""What the messages of one-on-ones say and when they no longer apply, registered with the
outbox: the organizer's reminder before a scheduled one-on-one, and the leads' news of a
supporter's drop."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from campaigns.conversations.services.reminders import one_on_one_reminder_before
from campaigns.models import AssessmentRecord, Conversation, OutboxMessage, ScheduledOneOnOne
from campaigns.nudges.messages import nudge_context, person_url
from campaigns.nudges.services.snooze import snooze_link_url, snooze_reason
from campaigns.outbox.registry import message_kind_register

Kind = OutboxMessage.Kind


def _one_on_one(message: OutboxMessage) -> ScheduledOneOnOne | None:
    if message.user_id is None or message.person_id is None:
        return None
    return (
        ScheduledOneOnOne.objects.select_related("campaign__committee")
        .filter(
            organizer_id=message.user_id,
            person_id=message.person_id,
            starts_at=message.due_at + one_on_one_reminder_before(message.committee),
            held_in__isnull=True,
            cancelled_at__isnull=True,
        )
        .first()
    )


def _one_on_one_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None or message.person is None:
        return "no organizer or no person"
    if _one_on_one(message) is None:
        return "the one-on-one was held, cancelled or moved"
    return ""


def _one_on_one_context(message: OutboxMessage) -> dict[str, Any]:
    """When and where, in the committee's time zone, and the person's page (behind login)."""
    meeting = _one_on_one(message)
    zone = meeting.campaign.committee.time_zone if meeting else message.committee.time_zone
    return {
        "starts": meeting.starts_at if meeting else message.due_at,
        "place": meeting.place if meeting else "",
        "zone": zone,
        "code_name": meeting.campaign.code_name if meeting else "",
        "person_url": settings.SITE_URL + reverse("person_detail", args=[message.person_id]),
        # The committee's lead time (an hour unless its leads chose another): the words follow.
        "in_an_hour": message.committee.one_on_one_reminder_minutes == 60,
    }


def _drop_conversation(message: OutboxMessage) -> Conversation | None:
    if message.person_id is None:
        return None
    return (
        Conversation.objects.select_related("campaign", "organizer")
        .filter(person_id=message.person_id, created_at__lte=message.due_at)
        .order_by("-created_at")
        .first()
    )


def _supporter_drop_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None or message.person is None:
        return "no recipient or no person"
    if Conversation.objects.filter(person=message.person, created_at__gt=message.due_at).exists():
        return "a newer conversation was logged"
    return snooze_reason(message, now)


def _supporter_drop_context(message: OutboxMessage) -> dict[str, Any]:
    conversation = _drop_conversation(message)
    if message.person_id is None:
        return nudge_context(message)
    before = None
    if conversation is not None:
        before = (
            AssessmentRecord.objects.filter(
                roster_entry__campaign=conversation.campaign_id,
                roster_entry__person=message.person_id,
                happened_at__lte=conversation.happened_at,
            )
            .exclude(conversation=conversation)
            .order_by("-happened_at")
            .values_list("level", flat=True)
            .first()
        )
    return nudge_context(message) | {
        "conversation": conversation,
        "code_name": conversation.campaign.code_name if conversation else "",
        "before": before,
        "person_url": person_url(message.person_id),
        "snooze_url": snooze_link_url(message=message),
    }


message_kind_register(
    Kind.ONE_ON_ONE_REMINDER, void_reason=_one_on_one_void_reason, context=_one_on_one_context
)
message_kind_register(
    Kind.SUPPORTER_DROP, void_reason=_supporter_drop_void_reason, context=_supporter_drop_context
)
