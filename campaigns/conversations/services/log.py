"""Logging one-on-ones: the conversation, its answers and issues, the assessment it records,
the follow-up it promises and the next one-on-one it schedules, all in one transaction."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
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
from campaigns.roster.services import ADVANCE_SET, assessment_recompute, contact_recompute
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


@dataclass(frozen=True)
class LogKey:
    """The key a phone sent a log with (static/js/field.js makes one per log typed) and the
    digest of what it sent under it."""

    key: uuid.UUID
    digest: str


class LogKeyTaken(Exception):
    """The key is another organizer's log: refused, and nothing said about that log."""


class LogKeyConflict(Exception):
    """The key was saved with other content: both versions stay, the saved one untouched."""

    def __init__(self, saved: Conversation) -> None:
        super().__init__(saved)
        self.saved = saved


def conversation_log_once(
    *,
    campaign: Campaign,
    person: Person,
    organizer: User,
    data: ConversationData,
    key: LogKey,
    entry: RosterEntry | None = None,
) -> tuple[Conversation, bool]:
    """conversation_log, once per key: a log sent again under its key (a retry after a lost
    answer, a second tab, a double tap) answers with the conversation saved the first time.
    True when this call saved it. LogKeyTaken, LogKeyConflict as those say."""
    try:  # the usual case, a first send: no lookup first, the key's unique index guards
        conversation = conversation_log(
            campaign=campaign, person=person, organizer=organizer, data=data, entry=entry, key=key
        )
    except IntegrityError:  # sent before (a retry, another tab): nothing of this one was kept
        saved = _keyed(key, organizer, campaign, person)
        if saved is None:
            raise
        return saved, False
    return conversation, True


def _keyed(key: LogKey, organizer: User, campaign: Campaign, person: Person) -> Conversation | None:
    """The conversation already saved under this key, if it is this log: the same organizer,
    campaign, person and content."""
    saved = Conversation.objects.filter(client_key=key.key).first()
    if saved is None:
        return None
    if saved.organizer_id != organizer.pk:
        raise LogKeyTaken
    same_talk = (saved.campaign_id, saved.person_id) == (campaign.pk, person.pk)
    if not same_talk or saved.client_digest != key.digest:
        raise LogKeyConflict(saved)
    return saved


def conversation_log(
    *,
    campaign: Campaign,
    person: Person,
    organizer: User,
    data: ConversationData,
    entry: RosterEntry | None = None,
    key: LogKey | None = None,
) -> Conversation:
    """Record a one-on-one with someone on the campaign's roster (`entry`, their active
    roster entry, if the caller has it already).

    Logging closes the person's open follow-ups on this campaign (the promised talk happened)
    and marks a one-on-one scheduled for it as held. It is the hot path of the app (an
    organizer logs between two conversations), so the conversation and everything it records
    are written by one statement (LOG_SQL) that advances the roster entry too.
    """
    conversation_check(data=data)
    if (
        entry is None
        or (entry.campaign_id, entry.person_id) != (campaign.pk, person.pk)
        or entry.removed_at is not None
    ):
        entry = _active_entry(campaign, person)
    with transaction.atomic():  # an issue typed inline is kept only with its log
        conversation = _conversation_write(campaign, person, organizer, entry, data, key)
        if conversation is None:  # taken off the roster since the caller looked: nothing kept
            raise _not_on_roster(person)
        if data.schedule_at is not None:
            _schedule_next(conversation, data.schedule_at, data.schedule_place)
        nudge_supporter_drop(conversation=conversation, before=entry.assessment)
        made_leader = data.is_leader and not entry.is_leader  # a leader since they joined
        since = min(data.happened_at, entry.added_at) if made_leader else data.happened_at
        history_changed(campaign=campaign, since=since)
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
    conversation that has none yet (an edit's: a new log writes them in LOG_SQL)."""
    Issue = Conversation.issues.through  # noqa: N806 - a model class
    Issue.objects.bulk_create(
        Issue(conversation=conversation, issuetag=tag)
        for tag in _issue_tags(conversation.campaign, data)
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


def _issue_tags(campaign: Campaign, data: ConversationData) -> list[IssueTag]:
    """The conversation's issues, each once and all of this campaign; one typed inline is
    found or added."""
    tags = list(data.issues)
    if data.new_issue:
        tags.append(issue_tag_find_or_create(campaign=campaign, name=data.new_issue))
    return [tag for tag in dict.fromkeys(tags) if tag.campaign_id == campaign.pk]


def _conversation_write(
    campaign: Campaign,
    person: Person,
    organizer: User,
    entry: RosterEntry,
    data: ConversationData,
    key: LogKey | None,
) -> Conversation | None:
    """The roster entry advanced (its assessment, last contact, leader flag); the
    conversation, its issues, answers (to this campaign's asks) and assessment record; the
    person's open follow-ups closed, the one-on-one it held marked, the follow-up it promises
    (to the person's assigned organizer, or the logger): one statement. None, having written
    nothing, if the entry is off the roster by now."""
    now = timezone.now()
    conversation = Conversation(
        campaign=campaign,
        person=person,
        organizer=organizer,
        created_at=now,
        updated_at=now,
        client_key=key.key if key else None,
        client_digest=key.digest if key else "",
        **_fields(data),
    )
    params = {
        **_fields(data),
        "campaign": campaign.pk,
        "person": person.pk,
        "organizer": organizer.pk,
        "entry": entry.pk,
        "now": now,
        "tags": [tag.pk for tag in _issue_tags(campaign, data)],
        "asks": list(data.answers),
        "answers": list(data.answers.values()),
        "held_until": data.happened_at + timedelta(days=1),
        "follow_up_on": data.follow_up_on,
        "follow_up_organizer": entry.organizer_id or organizer.pk,
        "done": FollowUp.CloseReason.DONE,
        "level": data.assessment,
        "at": data.happened_at,
        "leader": data.is_leader and not entry.is_leader,
        "client_key": conversation.client_key,
        "client_digest": conversation.client_digest,
    }
    with connection.cursor() as cursor:
        cursor.execute(LOG_SQL, params)
        row = cursor.fetchone()
    if row is None:
        return None
    (conversation.pk,) = row
    conversation._state.adding = False
    conversation._state.db = connection.alias
    return conversation


LOG_SQL = f"""
WITH advanced AS (  -- under the entry's lock, and only while it is on the roster
    UPDATE campaigns_rosterentry SET {ADVANCE_SET}
    WHERE id = %(entry)s AND removed_at IS NULL
    RETURNING id
), conversation AS (
    INSERT INTO campaigns_conversation (campaign_id, person_id, organizer_id, happened_at,
        channel, duration_minutes, assessment, is_leader, notes, next_step, created_at,
        updated_at, client_key, client_digest)
    SELECT %(campaign)s, %(person)s, %(organizer)s, %(happened_at)s, %(channel)s,
        %(duration_minutes)s, %(assessment)s, %(is_leader)s, %(notes)s, %(next_step)s,
        %(now)s, %(now)s, %(client_key)s, %(client_digest)s
    FROM advanced
    RETURNING id
), issues AS (
    INSERT INTO campaigns_conversation_issues (conversation_id, issuetag_id)
    SELECT conversation.id, tag FROM conversation, unnest(%(tags)s::bigint[]) AS tag
), answers AS (
    INSERT INTO campaigns_askanswer (conversation_id, ask_id, answer)
    SELECT conversation.id, ask.id, given.answer
    FROM conversation,
        unnest(%(asks)s::bigint[], %(answers)s::varchar[]) AS given (ask_id, answer)
        JOIN campaigns_ask ask ON ask.id = given.ask_id AND ask.campaign_id = %(campaign)s
), record AS (
    INSERT INTO campaigns_assessmentrecord (roster_entry_id, conversation_id, level,
        happened_at, recorded_by_id, created_at)
    SELECT %(entry)s, conversation.id, %(assessment)s, %(happened_at)s, %(organizer)s, %(now)s
    FROM conversation WHERE %(assessment)s::smallint IS NOT NULL
), closed AS (
    UPDATE campaigns_followup
    SET closed_at = %(now)s, closed_reason = %(done)s, closed_by_id = %(organizer)s
    WHERE campaign_id = %(campaign)s AND person_id = %(person)s AND closed_at IS NULL
        AND EXISTS (SELECT 1 FROM advanced)
), held AS (  -- the earliest open one-on-one scheduled up to a day after this talk
    UPDATE campaigns_scheduledoneonone SET held_in_id = conversation.id
    FROM conversation
    WHERE campaigns_scheduledoneonone.id = (
        SELECT id FROM campaigns_scheduledoneonone
        WHERE campaign_id = %(campaign)s AND person_id = %(person)s AND held_in_id IS NULL
            AND cancelled_at IS NULL AND starts_at <= %(held_until)s
        ORDER BY starts_at LIMIT 1
    )
), follow_up AS (
    INSERT INTO campaigns_followup (campaign_id, person_id, organizer_id, conversation_id,
        description, due_on, closed_reason, closed_note, created_at)
    SELECT %(campaign)s, %(person)s, %(follow_up_organizer)s, conversation.id,
        %(next_step)s, %(follow_up_on)s, '', '', %(now)s
    FROM conversation WHERE %(follow_up_on)s::date IS NOT NULL
)
SELECT id FROM conversation
"""  # noqa: S608 - the SET is a constant of ours; values are bound


def _schedule_next(conversation: Conversation, starts_at: datetime, place: str) -> None:
    """The next one-on-one set in this talk, and its organizer's reminder."""
    meeting = ScheduledOneOnOne.objects.create(
        campaign=conversation.campaign,
        person=conversation.person,
        organizer=conversation.organizer,
        starts_at=starts_at,
        place=place,
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
