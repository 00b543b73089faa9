"""Snoozing a nudge: a recipient hears no more of a follow-up, a person or a whole kind of
nudge for a while, from My list or from the link in the email (an opaque key, no id)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from campaigns.models import FollowUp, NudgeSnooze, OutboxMessage
from members.models import Committee, User
from organizing.link_keys import LinkUnreadable, link_open, link_seal

Kind = OutboxMessage.Kind

SNOOZE_DAYS: dict[str, int] = {Kind.QUIET_UNITS: 28}  # a weekly email is snoozed for four weeks
SNOOZE_DEFAULT_DAYS = 7
LINK_PURPOSE = "nudge-snooze"
LINK_MAX_AGE = timedelta(days=60)


class LinkInvalid(Exception):
    """A snooze link tampered with, too old, ended, or for a message that is gone."""


def nudge_snooze(
    *,
    user: User,
    kind: str,
    person_id: int | None = None,
    follow_up: FollowUp | None = None,
    days: int | None = None,
) -> NudgeSnooze:
    """`user` hears no more of this (a follow-up, a person, or the whole kind) for a while."""
    days = days or SNOOZE_DAYS.get(kind, SNOOZE_DEFAULT_DAYS)
    return NudgeSnooze.objects.create(
        user=user,
        kind=kind,
        person_id=person_id,
        follow_up=follow_up,
        until=timezone.now() + timedelta(days=days),
    )


def _active_snoozes(user_id: int, now: datetime) -> QuerySet[NudgeSnooze]:
    return NudgeSnooze.objects.filter(user_id=user_id, until__gt=now)


def snoozed_follow_ups(user_id: int, now: datetime) -> set[int]:
    """A follow-up snoozed by this user is left out of all their digests."""
    return set(
        _active_snoozes(user_id, now)
        .filter(follow_up__isnull=False)
        .values_list("follow_up_id", flat=True)
    )


def nudge_snoozes_mark(*, user: User, follow_ups: list[FollowUp]) -> None:
    """Set `snoozed_until` on each follow-up (None when not snoozed), for My list."""
    until: dict[int, datetime] = {}
    for follow_up_id, moment in (
        _active_snoozes(user.pk, timezone.now())
        .filter(follow_up_id__in=[f.pk for f in follow_ups])
        .values_list("follow_up_id", "until")
    ):
        until[follow_up_id] = max(moment, until.get(follow_up_id, moment))
    for follow_up in follow_ups:
        follow_up.snoozed_until = until.get(follow_up.pk)


def snooze_link_token(*, message: OutboxMessage, follow_up: FollowUp | None = None) -> str:
    """An opaque token (organizing.link_keys) for the message and, for a digest's line, the
    follow-up: their ids sealed, nothing readable."""
    return link_seal(message.pk, follow_up.pk if follow_up else 0, purpose=LINK_PURPOSE)


def snooze_link_url(*, message: OutboxMessage, follow_up: FollowUp | None = None) -> str:
    token = snooze_link_token(message=message, follow_up=follow_up)
    return settings.SITE_URL + reverse("nudge_snooze_link", args=[token])


def snooze_link_resolve(token: str) -> tuple[OutboxMessage, FollowUp | None]:
    """The nudge (and follow-up) a snooze link stands for; raises LinkInvalid when it is not
    ours, too old, ended (the message's link_cutoff), or its recipient was deactivated."""
    try:
        (message_id, follow_up_id), issued = link_open(token, purpose=LINK_PURPOSE, count=2)
    except LinkUnreadable as error:
        raise LinkInvalid from error
    if issued < timezone.now() - LINK_MAX_AGE:
        raise LinkInvalid
    message = (
        OutboxMessage.objects.select_related("user", "committee")
        .filter(
            Q(link_cutoff__isnull=True) | Q(link_cutoff__lt=issued),
            pk=message_id,
            user__is_active=True,
        )
        .first()
    )
    if message is None:
        raise LinkInvalid
    follow_up = FollowUp.objects.filter(pk=follow_up_id).first() if follow_up_id else None
    if follow_up_id and follow_up is None:
        raise LinkInvalid
    return message, follow_up


def snooze_links_revoke(committee: Committee, user: User | None) -> int:
    """End the snooze links in the nudges sent to the committee's users (user=None), or to
    the user, that have not expired yet; how many messages' links ended."""
    messages = OutboxMessage.objects.filter(
        Q(sent_at__gt=timezone.now() - LINK_MAX_AGE) | Q(status=OutboxMessage.Status.SENDING),
        committee=committee,
        user__isnull=False,
    )
    if user is not None:
        messages = messages.filter(user=user)
    return messages.update(link_cutoff=timezone.now())


def snooze_from_link(*, message: OutboxMessage, follow_up: FollowUp | None) -> NudgeSnooze:
    """What the link snoozes: the digest's line, the person the nudge is about, or (a nudge
    about no one person) the kind."""
    if message.user is None:  # resolved links always have one
        raise LinkInvalid
    return nudge_snooze(
        user=message.user,
        kind=message.kind,
        person_id=None if follow_up else message.person_id,
        follow_up=follow_up,
    )


def _snoozed_until(message: OutboxMessage, now: datetime) -> datetime | None:
    """The end of a snooze covering this whole message (its person, or its kind)."""
    if message.user_id is None:
        return None
    snoozes = _active_snoozes(message.user_id, now).filter(
        Q(person_id=message.person_id) | Q(person__isnull=True),
        kind=message.kind,
        follow_up__isnull=True,
    )
    return max(snoozes.values_list("until", flat=True), default=None)


def snooze_reason(message: OutboxMessage, now: datetime) -> str:
    until = _snoozed_until(message, now)
    return f"snoozed until {until:%Y-%m-%d %H:%M} UTC" if until else ""
