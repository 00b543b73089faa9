"""Escalation nudges: telling organizers, then leads, when organizing work is slipping.

Every nudge is an outbox row (campaigns.services.outbox) sent to a user of the app, with
`person` naming whom it is about when it is about one person:

- the organizer's morning digest (09:00 committee time): their overdue follow-ups and the
  one-on-ones they have today, in one email;
- the leads' digest (09:00): follow-ups overdue for the campaign's `escalate_after_days` or
  more, with who owns them;
- a supporter (1 or 2) whose assessment drops by two or more: the leads, at once;
- units nobody has talked to in the campaign's `quiet_unit_days`: their organizers, Mondays;
- someone who said yes and did not come twice in a row: their organizer.

Digests are planned by the beat (`nudges_plan_due`, every five minutes) for 09:00 local time
today, computed with zoneinfo so it is right across daylight-saving changes; the outbox's
unique key makes planning again a no-op. What a digest lists is computed when it is sent, so
what was done in between is left out, and a digest with nothing left is voided ("nothing
due"), never sent empty. A recipient can snooze a nudge (NudgeSnooze): a snoozed follow-up is
left out of their digests, a snoozed person's nudges are voided, until then.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import signing
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from campaigns.access import campaigns_visible_to
from campaigns.models import (
    Action,
    AssessmentRecord,
    Campaign,
    Conversation,
    FollowUp,
    NudgeSnooze,
    OutboxMessage,
    RosterEntry,
    Rsvp,
    ScheduledOneOnOne,
    TeamMember,
    Unit,
)
from campaigns.services.outbox import outbox_plan_many
from members.models import Committee, Membership, User

Kind = OutboxMessage.Kind

DIGEST_AT = time(9, 0)
SUPPORTERS = (1, 2)
DROP = 2  # levels on the 1–5 scale that make a drop worth a lead's attention
# A drop found in a talk older than this (history typed in later, a demo's weeks of past
# talks) is no alarm: the leads see it on the dashboard instead.
DROP_NEWS_FOR = timedelta(days=7)
SNOOZE_DAYS = {Kind.QUIET_UNITS: 28}  # a weekly email is snoozed for four weeks
SNOOZE_DEFAULT_DAYS = 7
LINK_SALT = "majority.nudge-snooze"
LINK_MAX_AGE = timedelta(days=60)


class LinkInvalid(Exception):
    """A snooze link tampered with, too old, or for a message that is gone."""


# --- When: 09:00 committee time ------------------------------------------------------------------


def digest_time(zone_name: str, day: date) -> datetime:
    """09:00 on `day` on the committee's wall clock, as a UTC instant (right across DST)."""
    return datetime.combine(day, DIGEST_AT, tzinfo=ZoneInfo(zone_name)).astimezone(UTC)


def _local_day(zone_name: str, moment: datetime) -> date:
    return moment.astimezone(ZoneInfo(zone_name)).date()


def _day_bounds(zone_name: str, day: date) -> tuple[datetime, datetime]:
    zone = ZoneInfo(zone_name)
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


# --- Planning ------------------------------------------------------------------------------------


def nudges_plan_due(*, now: datetime | None = None) -> int:
    """For each committee whose local clock has passed 09:00 today: plan today's digests (and
    on Mondays the quiet-unit emails), due at 09:00 local. Returns how many rows are new."""
    now = now or timezone.now()
    planned = 0
    for committee in Committee.objects.filter(campaigns__isnull=False).distinct():
        today = _local_day(committee.time_zone, now)
        due = digest_time(committee.time_zone, today)
        if now < due:
            continue
        plans = {
            Kind.ORGANIZER_DIGEST: _organizer_digest_recipients(committee, today),
            Kind.LEAD_DIGEST: set(_lead_digest_items(committee, today)),
        }
        if today.weekday() == 0:
            plans[Kind.QUIET_UNITS] = set(_quiet_units(committee, now))
        for kind, user_ids in plans.items():
            planned += _plan_for_users(committee, kind, user_ids, due)
    return planned


def _plan_for_users(committee: Committee, kind: str, user_ids: set[int], due: datetime) -> int:
    """One row per user at `due`, skipping those planned already (so the beat does not kick
    the dispatcher every five minutes for nothing)."""
    planned = set(
        OutboxMessage.objects.filter(
            kind=kind, due_at=due, action=None, person=None, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )
    users = list(User.objects.filter(pk__in=user_ids - planned, is_active=True))
    if users:
        outbox_plan_many(kind=kind, committee=committee, people=[], users=users, due_at=due)
    return len(users)


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
    leads = list(_leads_of(campaign).exclude(pk=conversation.organizer_id))
    if leads:
        outbox_plan_many(
            kind=Kind.SUPPORTER_DROP,
            committee=campaign.committee,
            people=[conversation.person],
            users=leads,
            due_at=conversation.created_at,
        )


def nudge_no_shows(*, action: Action, person_ids: list[int] | None = None) -> None:
    """After no-shows are recorded at `action`: whoever said yes and did not come to their two
    latest past actions is their organizer's to call (the person's assigned organizer on the
    campaign, else whoever created the action). Planned for when the action ends, keyed on
    it, so recording the same no-show again plans nothing new. A few queries however many
    no-shows a close-out records."""
    rsvps = Rsvp.objects.filter(action=action, response=Rsvp.Response.YES, attended=False)
    if person_ids is not None:
        rsvps = rsvps.filter(person_id__in=person_ids)
    people = {rsvp.person_id: rsvp.person for rsvp in rsvps.select_related("person")}
    last_missed = _missed_twice(action, list(people))
    if not last_missed:
        return
    organizers = _organizers_of(action, list(last_missed))
    others = Action.objects.in_bulk(set(last_missed.values()) - {action.pk})
    planned: dict[tuple[User, Action], list] = defaultdict(list)
    for person_id, last_id in last_missed.items():
        organizer = organizers.get(person_id) or action.created_by
        if organizer is not None:
            last = action if last_id == action.pk else others[last_id]
            planned[organizer, last].append(people[person_id])
    for (organizer, last), missed in planned.items():
        outbox_plan_many(
            kind=Kind.NO_SHOW_TWICE,
            committee=action.committee,
            action=last,
            people=missed,
            users=[organizer],
            due_at=last.ends_at,
        )


def _missed_twice(action: Action, person_ids: list[int]) -> dict[int, int]:
    """person id -> their latest action, for those who said yes (with a place) to their two
    latest past actions, `action` one of them, and came to neither."""
    latest = (
        Rsvp.objects.filter(
            person_id__in=person_ids,
            response=Rsvp.Response.YES,
            waitlisted_at__isnull=True,
            action__starts_at__lte=max(timezone.now(), action.starts_at),
            action__cancelled_at__isnull=True,
        )
        .annotate(
            rank=Window(
                RowNumber(), partition_by=F("person_id"), order_by=F("action__starts_at").desc()
            )
        )
        .filter(rank__lte=2)
        .order_by("person_id", "rank")
        .values_list("person_id", "action_id", "attended")
    )
    two: dict[int, list[tuple[int, bool | None]]] = defaultdict(list)
    for person_id, action_id, attended in latest:
        two[person_id].append((action_id, attended))
    return {
        person_id: rows[0][0]
        for person_id, rows in two.items()
        if len(rows) == 2
        and all(attended is False for _id, attended in rows)
        and action.pk in {action_id for action_id, _attended in rows}
    }


def _organizers_of(action: Action, person_ids: list[int]) -> dict[int, User]:
    """person id -> their organizer on the action's campaign (or, for a committee-wide action,
    on the committee's first campaign that assigns them one)."""
    entries = RosterEntry.objects.filter(
        person_id__in=person_ids, removed_at=None, organizer__isnull=False
    )
    if action.campaign_id:
        entries = entries.filter(campaign_id=action.campaign_id)
    else:
        entries = entries.filter(campaign__committee_id=action.committee_id)
    organizers: dict[int, User] = {}
    for entry in entries.select_related("organizer").order_by("pk"):
        organizers.setdefault(entry.person_id, entry.organizer)
    return organizers


def _leads_of(campaign: Campaign) -> QuerySet[User]:
    """The committee's leads and the campaign's team leads."""
    committee_leads = Membership.objects.filter(
        committee_id=campaign.committee_id, role=Membership.Role.LEAD, user=OuterRef("pk")
    )
    team_leads = TeamMember.objects.filter(
        campaign=campaign, role=TeamMember.Role.LEAD, user=OuterRef("pk")
    )
    return User.objects.filter(Q(Exists(committee_leads)) | Q(Exists(team_leads)), is_active=True)


# --- What a digest lists (at planning to pick recipients, at sending to fill it) -----------------


def _on_roster() -> Exists:
    return Exists(
        RosterEntry.objects.filter(
            campaign=OuterRef("campaign"), person=OuterRef("person"), removed_at=None
        )
    )


def _open_overdue(committee: Committee, today: date) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(
        _on_roster(), campaign__committee=committee, closed_at=None, due_on__lt=today
    )


def _today(committee: Committee, day: date) -> QuerySet[ScheduledOneOnOne]:
    start, end = _day_bounds(committee.time_zone, day)
    return ScheduledOneOnOne.objects.filter(
        _on_roster(),
        campaign__committee=committee,
        held_in=None,
        cancelled_at=None,
        starts_at__gte=start,
        starts_at__lt=end,
    )


def _organizer_digest_recipients(committee: Committee, today: date) -> set[int]:
    overdue = _open_overdue(committee, today).values_list("organizer_id", flat=True)
    meetings = _today(committee, today).values_list("organizer_id", flat=True)
    return {pk for pk in [*overdue, *meetings] if pk is not None}


def _escalated(committee: Committee, today: date) -> QuerySet[FollowUp]:
    """Open follow-ups overdue for their campaign's `escalate_after_days` or more."""
    late = Q(pk__in=[])
    for campaign in committee.campaigns.only("pk", "escalate_after_days"):
        cutoff = today - timedelta(days=campaign.escalate_after_days)
        late |= Q(campaign=campaign, due_on__lte=cutoff)
    return _open_overdue(committee, today).filter(late)


def _lead_digest_items(committee: Committee, today: date) -> dict[int, list[FollowUp]]:
    """lead's user id -> the escalated follow-ups of the campaigns they lead."""
    items = list(
        _escalated(committee, today)
        .select_related("person", "campaign", "organizer")
        .order_by("due_on", "pk")
    )
    if not items:
        return {}
    committee_leads = set(
        Membership.objects.filter(committee=committee, role=Membership.Role.LEAD).values_list(
            "user_id", flat=True
        )
    )
    team_leads = defaultdict(set)
    for campaign_id, user_id in TeamMember.objects.filter(
        campaign__committee=committee, role=TeamMember.Role.LEAD
    ).values_list("campaign_id", "user_id"):
        team_leads[campaign_id].add(user_id)
    found: dict[int, list[FollowUp]] = defaultdict(list)
    for follow_up in items:
        for user_id in committee_leads | team_leads[follow_up.campaign_id]:
            found[user_id].append(follow_up)
    return found


@dataclass
class QuietUnit:
    campaign: Campaign
    unit: Unit
    people: int


def _quiet_units(committee: Committee, now: datetime) -> dict[int, list[QuietUnit]]:
    """organizer's user id -> the units with people on the roster whom nobody has talked to
    in the campaign's `quiet_unit_days`. A unit's organizers are the organizers assigned to
    its people, else the campaign's team organizers (else its team leads)."""
    found: dict[int, list[QuietUnit]] = defaultdict(list)
    for campaign in committee.campaigns.filter(status=Campaign.Status.ACTIVE):
        cutoff = now - timedelta(days=campaign.quiet_unit_days)
        entries = RosterEntry.objects.filter(campaign=campaign, removed_at=None, unit__isnull=False)
        talked = set(
            entries.filter(
                person__conversations__campaign=campaign,
                person__conversations__happened_at__gte=cutoff,
            ).values_list("unit_id", flat=True)
        )
        by_unit: dict[int, list[int | None]] = defaultdict(list)
        for unit_id, organizer_id in entries.values_list("unit_id", "organizer_id"):
            if unit_id not in talked:
                by_unit[unit_id].append(organizer_id)
        if not by_unit:
            continue
        team = TeamMember.objects.filter(campaign=campaign)
        fallback = set(
            team.filter(role=TeamMember.Role.ORGANIZER).values_list("user_id", flat=True)
        ) or set(team.filter(role=TeamMember.Role.LEAD).values_list("user_id", flat=True))
        units = Unit.objects.in_bulk(list(by_unit))
        for unit_id, organizer_ids in by_unit.items():
            quiet = QuietUnit(campaign=campaign, unit=units[unit_id], people=len(organizer_ids))
            for user_id in {pk for pk in organizer_ids if pk is not None} or fallback:
                found[user_id].append(quiet)
    for rows in found.values():
        rows.sort(key=lambda q: (q.campaign.code_name, q.unit.name))
    return found


# --- Snoozing ------------------------------------------------------------------------------------


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


def _active_snoozes(user_id: int | None, now: datetime) -> QuerySet[NudgeSnooze]:
    return NudgeSnooze.objects.filter(user_id=user_id, until__gt=now)


def _snoozed_follow_ups(user_id: int | None, now: datetime) -> set[int]:
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
    """A signed token of ids only: the message and, for a digest's line, the follow-up."""
    return signing.dumps(
        [message.pk, follow_up.pk if follow_up else 0], salt=LINK_SALT, compress=False
    )


def snooze_link_url(*, message: OutboxMessage, follow_up: FollowUp | None = None) -> str:
    token = snooze_link_token(message=message, follow_up=follow_up)
    return settings.SITE_URL + reverse("nudge_snooze_link", args=[token])


def snooze_link_resolve(token: str) -> tuple[OutboxMessage, FollowUp | None]:
    """The nudge (and follow-up) a snooze link stands for; raises LinkInvalid."""
    try:
        message_id, follow_up_id = signing.loads(
            token, salt=LINK_SALT, max_age=LINK_MAX_AGE.total_seconds()
        )
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise LinkInvalid from error
    message = (
        OutboxMessage.objects.select_related("user", "committee")
        .filter(pk=message_id, user__isnull=False)
        .first()
    )
    if message is None:
        raise LinkInvalid
    follow_up = FollowUp.objects.filter(pk=follow_up_id).first() if follow_up_id else None
    if follow_up_id and follow_up is None:
        raise LinkInvalid
    return message, follow_up


def snooze_from_link(*, message: OutboxMessage, follow_up: FollowUp | None) -> NudgeSnooze:
    """What the link snoozes: the digest's line, the person the nudge is about, or (a nudge
    about no one person) the kind."""
    return nudge_snooze(
        user=message.user,
        kind=message.kind,
        person_id=None if follow_up else message.person_id,
        follow_up=follow_up,
    )


# --- Sending: when a nudge no longer applies, and what it says -----------------------------------


def _snoozed_until(message: OutboxMessage, now: datetime) -> datetime | None:
    """The end of a snooze covering this whole message (its person, or its kind)."""
    snoozes = _active_snoozes(message.user_id, now).filter(
        Q(person_id=message.person_id) | Q(person__isnull=True),
        kind=message.kind,
        follow_up__isnull=True,
    )
    return max(snoozes.values_list("until", flat=True), default=None)


def _snooze_reason(message: OutboxMessage, now: datetime) -> str:
    until = _snoozed_until(message, now)
    return f"snoozed until {until:%Y-%m-%d %H:%M} UTC" if until else ""


def _digest_day_reason(message: OutboxMessage, now: datetime) -> str:
    """A digest left from an earlier day (the beat or the mail was down): today's has it."""
    zone = message.committee.time_zone
    if _local_day(zone, now) > _local_day(zone, message.due_at):
        return "a newer digest is due"
    return ""


@dataclass
class OrganizerDigest:
    overdue: list[FollowUp]
    today: list[ScheduledOneOnOne]


def _organizer_digest(message: OutboxMessage) -> OrganizerDigest:
    """The user's open overdue follow-ups (not snoozed) and their one-on-ones of the day, in
    the campaigns of the message's committee they may still see. Computed once per send."""
    cached = getattr(message, "_nudge_digest", None)
    if cached is not None:
        return cached
    committee, user = message.committee, message.user
    day = _local_day(committee.time_zone, message.due_at)
    visible = campaigns_visible_to(user)
    overdue = (
        _open_overdue(committee, day)
        .filter(organizer=user, campaign__in=visible)
        .exclude(pk__in=_snoozed_follow_ups(user.pk, timezone.now()))
        .select_related("person", "campaign")
        .order_by("due_on", "pk")
    )
    meetings = (
        _today(committee, day)
        .filter(organizer=user, campaign__in=visible)
        .select_related("person", "campaign")
        .order_by("starts_at", "pk")
    )
    digest = OrganizerDigest(overdue=list(overdue), today=list(meetings))
    for follow_up in digest.overdue:
        follow_up.days_late = (day - follow_up.due_on).days
    message._nudge_digest = digest
    return digest


def _organizer_digest_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None:
        return "no recipient"
    reason = _digest_day_reason(message, now) or _snooze_reason(message, now)
    if reason:
        return reason
    digest = _organizer_digest(message)
    return "" if digest.overdue or digest.today else "nothing due"


def _lead_digest(message: OutboxMessage) -> list[FollowUp]:
    cached = getattr(message, "_nudge_digest", None)
    if cached is not None:
        return cached
    day = _local_day(message.committee.time_zone, message.due_at)
    snoozed = _snoozed_follow_ups(message.user_id, timezone.now())
    items = [
        follow_up
        for follow_up in _lead_digest_items(message.committee, day).get(message.user_id, [])
        if follow_up.pk not in snoozed
    ]
    for follow_up in items:
        follow_up.days_late = (day - follow_up.due_on).days
    message._nudge_digest = items
    return items


def _lead_digest_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None:
        return "no recipient"
    reason = _digest_day_reason(message, now) or _snooze_reason(message, now)
    if reason:
        return reason
    return "" if _lead_digest(message) else "nothing due"


def _quiet(message: OutboxMessage) -> list[QuietUnit]:
    cached = getattr(message, "_nudge_digest", None)
    if cached is None:
        cached = _quiet_units(message.committee, timezone.now()).get(message.user_id, [])
        message._nudge_digest = cached
    return cached


def _quiet_units_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None:
        return "no recipient"
    if now - message.due_at > timedelta(days=6):
        return "a newer weekly email is due"
    return _snooze_reason(message, now) or ("" if _quiet(message) else "nothing due")


def _drop_conversation(message: OutboxMessage) -> Conversation | None:
    return (
        Conversation.objects.select_related("campaign", "organizer")
        .filter(person_id=message.person_id, created_at__lte=message.due_at)
        .order_by("-created_at")
        .first()
    )


def _supporter_drop_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None or message.person is None:
        return "no recipient or no person"
    if Conversation.objects.filter(
        person_id=message.person_id, created_at__gt=message.due_at
    ).exists():
        return "a newer conversation was logged"
    return _snooze_reason(message, now)


def _no_show_void_reason(message: OutboxMessage, now: datetime) -> str:
    if message.user is None or message.person is None or message.action is None:
        return "no recipient, person or action"
    rsvps = Rsvp.objects.filter(person_id=message.person_id)
    if rsvps.filter(attended=True, action__starts_at__gt=message.action.starts_at).exists():
        return "came since"
    if not rsvps.filter(action_id=message.action_id, attended=False).exists():
        return "attendance corrected"
    return _snooze_reason(message, now)


def _common(message: OutboxMessage) -> dict:
    return {
        "zone": message.committee.time_zone,
        "my_list_url": settings.SITE_URL + reverse("my_list"),
        "recipient": message.user,
    }


def _person_url(person_id: int) -> str:
    return settings.SITE_URL + reverse("person_detail", args=[person_id])


def _organizer_digest_context(message: OutboxMessage) -> dict:
    digest = _organizer_digest(message)
    for follow_up in digest.overdue:
        follow_up.snooze_url = snooze_link_url(message=message, follow_up=follow_up)
        follow_up.person_url = _person_url(follow_up.person_id)
    for meeting in digest.today:
        meeting.person_url = _person_url(meeting.person_id)
    return _common(message) | {"overdue": digest.overdue, "today": digest.today}


def _lead_digest_context(message: OutboxMessage) -> dict:
    items = _lead_digest(message)
    for follow_up in items:
        follow_up.snooze_url = snooze_link_url(message=message, follow_up=follow_up)
        follow_up.person_url = _person_url(follow_up.person_id)
    return _common(message) | {"items": items}


def _supporter_drop_context(message: OutboxMessage) -> dict:
    conversation = _drop_conversation(message)
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
    return _common(message) | {
        "conversation": conversation,
        "code_name": conversation.campaign.code_name if conversation else "",
        "before": before,
        "person_url": _person_url(message.person_id),
        "snooze_url": snooze_link_url(message=message),
    }


def _quiet_units_context(message: OutboxMessage) -> dict:
    return _common(message) | {
        "units": _quiet(message),
        "snooze_url": snooze_link_url(message=message),
        "weeks": SNOOZE_DAYS[Kind.QUIET_UNITS] // 7,
    }


def _no_show_context(message: OutboxMessage) -> dict:
    return _common(message) | {
        "zone": message.action.time_zone,
        "person_url": _person_url(message.person_id),
        "snooze_url": snooze_link_url(message=message),
    }


# Registered in campaigns.services.outbox_send (VOID_REASONS, EXTRA_CONTEXT).
NUDGE_VOID_REASONS = {
    Kind.ORGANIZER_DIGEST: _organizer_digest_void_reason,
    Kind.LEAD_DIGEST: _lead_digest_void_reason,
    Kind.SUPPORTER_DROP: _supporter_drop_void_reason,
    Kind.QUIET_UNITS: _quiet_units_void_reason,
    Kind.NO_SHOW_TWICE: _no_show_void_reason,
}
NUDGE_CONTEXT = {
    Kind.ORGANIZER_DIGEST: _organizer_digest_context,
    Kind.LEAD_DIGEST: _lead_digest_context,
    Kind.SUPPORTER_DROP: _supporter_drop_context,
    Kind.QUIET_UNITS: _quiet_units_context,
    Kind.NO_SHOW_TWICE: _no_show_context,
}
