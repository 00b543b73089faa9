"""Logging one-on-ones: the conversation, its answers and issues, the assessment it records,
the follow-up it promises and the next one-on-one it schedules, all in one transaction."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.conversations.services.reminders import one_on_one_reminder_plan
from campaigns.conversations.services.supporter_drop import nudge_supporter_drop
from campaigns.models import (
    Ask,
    AskAnswer,
    AssessmentRecord,
    Campaign,
    Conversation,
    FollowUp,
    IssueTag,
    RosterEntry,
    ScheduledOneOnOne,
)
from campaigns.roster.history import history_changed
from campaigns.roster.services import (
    assessment_advance,
    assessment_recompute,
    contact_recompute,
)
from members.audit import audit_record
from members.models import AuditEvent, Person, User

# A "When" this far ahead of the server's clock is a phone's clock running fast, not a talk
# in the future: more is refused, because the latest talk sets the current assessment and one
# dated in 2099 would freeze it.
FUTURE_ALLOWANCE = timedelta(minutes=10)
DURATION_MAX = 600  # minutes: a one-on-one longer than ten hours is a typo


@dataclass
class ConversationData:
    """What an organizer records about one conversation."""

    happened_at: datetime
    channel: str
    duration_minutes: int | None = None
    issues: list[IssueTag] = field(default_factory=list)
    new_issue: str = ""  # an issue typed inline: found (in any case) or added with the log
    answers: dict[int, str] = field(default_factory=dict)  # ask id -> yes / maybe / no
    assessment: int | None = None
    is_leader: bool = False
    notes: str = ""
    next_step: str = ""
    follow_up_on: date | None = None
    schedule_at: datetime | None = None
    schedule_place: str = ""


def conversation_log(
    *,
    campaign: Campaign,
    person: Person,
    organizer: User,
    data: ConversationData,
    entry: RosterEntry | None = None,
) -> Conversation:
    """Record a one-on-one with someone on the campaign's roster (`entry`, their active
    roster entry, if the caller has it already).

    Logging closes the person's open follow-ups on this campaign (the promised talk happened)
    and marks a one-on-one scheduled for it as held. It is the hot path of the app (an
    organizer logs between two conversations), so every step is one statement.
    """
    conversation_check(data=data)
    if (
        entry is None
        or (entry.campaign_id, entry.person_id) != (campaign.pk, person.pk)
        or entry.removed_at is not None
    ):
        entry = _active_entry(campaign, person)
    with transaction.atomic():  # an issue typed inline is kept only with its log
        conversation = Conversation.objects.create(
            campaign=campaign, person=person, organizer=organizer, **_fields(data)
        )
        _write_details(conversation, entry, data, recorded_by=organizer)
        _close_follow_ups(conversation, closed_by=organizer)
        _mark_scheduled_held(conversation)
        _plan_next(conversation, entry, data)
        on_roster = assessment_advance(
            entry_id=entry.pk,
            level=data.assessment,
            happened_at=data.happened_at,
            is_leader=data.is_leader and not entry.is_leader,
        )
        if not on_roster:  # taken off the roster since the caller looked: keep nothing
            raise _not_on_roster(person)
        nudge_supporter_drop(conversation=conversation, before=entry.assessment)
        made_leader = data.is_leader and not entry.is_leader
        history_changed(
            campaign=campaign, since=entry.added_at if made_leader else data.happened_at
        )
    return conversation


def conversation_update(*, conversation: Conversation, data: ConversationData, by: User) -> None:
    """Change a logged conversation; the current assessment is recomputed from the history."""
    conversation_check(data=data)
    entry = _active_entry(conversation.campaign, conversation.person)
    with transaction.atomic():
        history_changed(
            campaign=conversation.campaign,
            since=min(conversation.happened_at, data.happened_at),
        )
        for name, value in _fields(data).items():
            setattr(conversation, name, value)
        conversation.save()
        conversation.issues.clear()
        conversation.answers.all().delete()
        AssessmentRecord.objects.filter(conversation=conversation).delete()
        _write_details(conversation, entry, data, recorded_by=by)
        assessment_recompute(entry_id=entry.pk)
        contact_recompute(campaign_id=conversation.campaign_id, person_ids=[entry.person_id])


def conversation_delete(*, conversation: Conversation, actor: User, ip: str | None = None) -> None:
    """Delete a conversation (its assessment goes with it) and record who did."""
    entry_ids = list(
        AssessmentRecord.objects.filter(conversation=conversation).values_list(
            "roster_entry_id", flat=True
        )
    )
    with transaction.atomic():
        audit_record(
            actor=actor,
            kind=AuditEvent.Kind.DELETE,
            committee=conversation.campaign.committee,
            subject=conversation,
            campaign_id=conversation.campaign_id,
            ip=ip,
        )
        history_changed(campaign=conversation.campaign, since=conversation.happened_at)
        conversation.delete()
        for entry_id in entry_ids:
            assessment_recompute(entry_id=entry_id)
        contact_recompute(campaign_id=conversation.campaign_id, person_ids=[conversation.person_id])


def conversation_check(*, data: ConversationData) -> None:
    """Refuse what cannot be true of a conversation, whoever writes it (the form, an edit, the
    demo seed): a "When" in the future, minutes outside 1 to DURATION_MAX, a follow-up due
    before the day of the talk. The form runs the same checks field by field."""
    happened_at_check(happened_at=data.happened_at)
    duration_check(minutes=data.duration_minutes)
    follow_up_check(follow_up_on=data.follow_up_on, happened_at=data.happened_at)


def happened_at_check(*, happened_at: datetime) -> None:
    if happened_at > timezone.now() + FUTURE_ALLOWANCE:
        raise ValidationError(
            _("This is in the future: log a conversation once it has happened."), code="future"
        )


def duration_check(*, minutes: int | None) -> None:
    if minutes is not None and not 1 <= minutes <= DURATION_MAX:
        raise ValidationError(duration_message(), code="duration")


def duration_message() -> str:
    return _("Type the minutes you talked, from 1 to %(max)s.") % {"max": DURATION_MAX}


def follow_up_check(*, follow_up_on: date | None, happened_at: datetime) -> None:
    """`happened_at` carries the zone it was typed in (the form gives the person's), so its
    date is the day the organizer saw."""
    if follow_up_on is not None and follow_up_on < happened_at.date():
        raise ValidationError(
            _("Pick a follow-up date on or after the day of the conversation."),
            code="follow_up_before",
        )


def _active_entry(campaign: Campaign, person: Person) -> RosterEntry:
    entry = RosterEntry.objects.filter(campaign=campaign, person=person, removed_at=None).first()
    if entry is None:
        raise _not_on_roster(person)
    return entry


def _not_on_roster(person: Person) -> ValidationError:
    return ValidationError(
        _("%(person)s is not on this campaign's roster.") % {"person": person},
        code="not_on_roster",
    )


def _fields(data: ConversationData) -> dict:
    return {
        "happened_at": data.happened_at,
        "channel": data.channel,
        "duration_minutes": data.duration_minutes,
        "assessment": data.assessment,
        "is_leader": data.is_leader,
        "notes": data.notes,
        "next_step": data.next_step,
    }


def _write_details(
    conversation: Conversation, entry: RosterEntry, data: ConversationData, *, recorded_by: User
) -> None:
    """Issues (one typed inline is added with it), answers and the assessment record, for a
    conversation that has none yet."""
    tags = list(data.issues)
    if data.new_issue:
        tags.append(issue_tag_find_or_create(campaign=conversation.campaign, name=data.new_issue))
    Issue = Conversation.issues.through  # noqa: N806 - a model class
    Issue.objects.bulk_create(
        Issue(conversation=conversation, issuetag=tag)
        for tag in dict.fromkeys(tags)
        if tag.campaign_id == conversation.campaign_id
    )
    if data.answers:
        asks = set(
            Ask.objects.filter(campaign=conversation.campaign, pk__in=data.answers).values_list(
                "pk", flat=True
            )
        )
        AskAnswer.objects.bulk_create(
            AskAnswer(conversation=conversation, ask_id=ask_id, answer=answer)
            for ask_id, answer in data.answers.items()
            if ask_id in asks
        )
    if data.assessment is not None:
        AssessmentRecord.objects.create(
            roster_entry=entry,
            conversation=conversation,
            level=data.assessment,
            happened_at=data.happened_at,
            recorded_by=recorded_by,
        )


def _close_follow_ups(conversation: Conversation, *, closed_by: User) -> None:
    FollowUp.objects.filter(
        campaign=conversation.campaign, person=conversation.person, closed_at=None
    ).update(
        closed_at=timezone.now(),
        closed_reason=FollowUp.CloseReason.DONE,
        closed_by=closed_by,
    )


def _mark_scheduled_held(conversation: Conversation) -> None:
    """The earliest open one-on-one scheduled up to a day after this talk is the one held."""
    earliest = (
        ScheduledOneOnOne.objects.filter(
            campaign=conversation.campaign,
            person=conversation.person,
            held_in=None,
            cancelled_at=None,
            starts_at__lte=conversation.happened_at + timedelta(days=1),
        )
        .order_by("starts_at")
        .values("pk")[:1]
    )
    ScheduledOneOnOne.objects.filter(pk__in=Subquery(earliest)).update(held_in=conversation)


def _plan_next(conversation: Conversation, entry: RosterEntry, data: ConversationData) -> None:
    """The promised follow-up goes to the person's assigned organizer (or the logger)."""
    if data.follow_up_on is not None:
        FollowUp.objects.create(
            campaign=conversation.campaign,
            person=conversation.person,
            organizer_id=entry.organizer_id or conversation.organizer_id,
            conversation=conversation,
            description=data.next_step,
            due_on=data.follow_up_on,
        )
    if data.schedule_at is not None:
        meeting = ScheduledOneOnOne.objects.create(
            campaign=conversation.campaign,
            person=conversation.person,
            organizer=conversation.organizer,
            starts_at=data.schedule_at,
            place=data.schedule_place,
            scheduled_in=conversation,
        )
        one_on_one_reminder_plan(meeting=meeting, committee=conversation.campaign.committee)


def issue_tag_find_or_create(*, campaign: Campaign, name: str) -> IssueTag:
    """The campaign's issue of this name in any case, or a new one: "Parking" and "parking"
    are one issue."""
    name = " ".join(name.split())
    found = _issue_named(campaign, name)
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return IssueTag.objects.create(campaign=campaign, name=name)
    except IntegrityError:  # someone added it a moment ago
        found = _issue_named(campaign, name)
        if found is None:
            raise
        return found


def _issue_named(campaign: Campaign, name: str) -> IssueTag | None:
    return (
        IssueTag.objects.annotate(lower=Lower("name"))
        .filter(campaign=campaign, lower=name.lower())
        .first()
    )
