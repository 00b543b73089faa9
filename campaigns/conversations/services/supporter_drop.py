"""The supporter-drop nudge: a supporter whose assessment drops by two or more, told to the
leads at once. It reacts to a logged conversation, so it lives here, where that happens."""

from datetime import timedelta

from django.utils import timezone

from campaigns.models import Conversation, OutboxMessage, RosterEntry
from campaigns.nudges.services.digests import leads_of
from campaigns.outbox.services.plan import outbox_plan_many

Kind = OutboxMessage.Kind

SUPPORTERS = (1, 2)
DROP = 2  # levels on the 1–5 scale that make a drop worth a lead's attention
# A drop found in a talk older than this (history typed in later, a demo's weeks of past
# talks) is no alarm: the leads see it on the dashboard instead.
DROP_NEWS_FOR = timedelta(days=7)


def nudge_supporter_drop(*, conversation: Conversation, before: int | None) -> None:
    """A supporter (1 or 2 `before` this conversation) now assessed two or more levels lower:
    tell the committee's leads and the campaign's team leads now (not the one who logged it).
    A back-dated log that did not change the current assessment is not a drop, nor is one
    about a talk more than DROP_NEWS_FOR ago."""
    after = conversation.assessment
    if before not in SUPPORTERS or after is None or after - before < DROP:
        return
    if conversation.happened_at < timezone.now() - DROP_NEWS_FOR:
        return
    current = (
        RosterEntry.objects.filter(
            campaign=conversation.campaign_id, person=conversation.person_id, removed_at=None
        )
        .values_list("assessment", flat=True)
        .first()
    )
    if current != after:
        return
    campaign = conversation.campaign
    leads = list(leads_of(campaign).exclude(pk__in=[conversation.organizer_id]))
    if leads:
        outbox_plan_many(
            kind=Kind.SUPPORTER_DROP,
            committee=campaign.committee,
            people=[conversation.person],
            users=leads,
            due_at=conversation.created_at,
        )
