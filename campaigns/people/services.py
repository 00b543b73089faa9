"""Writing people: adding them to a roster without making duplicates, editing a person's
sections and roster placement, taking them off a roster, and merging two records of one person.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import (
    CalendarFeed,
    Campaign,
    Conversation,
    FollowUp,
    NudgeSnooze,
    OutboxMessage,
    PendingRsvp,
    PersonNote,
    PossibleDuplicate,
    RosterEntry,
    Rsvp,
    ScheduledOneOnOne,
    Signature,
    TeamMember,
    Unit,
)
from campaigns.people.selectors import MERGE_FIELDS
from campaigns.power.services import member_merge
from campaigns.roster.history import history_changed, history_changed_for_people
from campaigns.roster.matching import channels_add_typed, person_match_for, possible_duplicate_queue
from campaigns.roster.services import (
    assessment_recompute,
    contact_recompute,
    roster_add,
    roster_remove,
)
from members.audit import audit_record
from members.models import (
    AuditEvent,
    Committee,
    Person,
    PersonEmail,
    PersonPhone,
    PersonTag,
    Tag,
    User,
)

# The fields each simple section of the person page writes.
SECTION_FIELDS = {
    "details": [
        "given_name",
        "family_name",
        "preferred_name",
        "pronouns",
        "preferred_language",
        "preferred_channel",
    ],
    "consent": ["email_ok", "sms_ok", "do_not_contact", "do_not_contact_reason"],
}
REASON_MAX = 200


@dataclass(frozen=True)
class RosterAddResult:
    """What adding someone did: whether the person and the entry are new."""

    entry: RosterEntry
    person: Person
    person_created: bool
    entry_created: bool


def person_create_on_roster(
    *,
    campaign: Campaign,
    by: User,
    given_name: str,
    family_name: str = "",
    phone: str = "",
    email: str = "",
    unit: Unit | None = None,
    title: str = "",
    shift: str = "",
    is_leader: bool = False,
    organizer: User | None = None,
    ip: str | None = None,
) -> RosterAddResult:
    """Put someone on the roster, reusing the committee's person with this email or phone
    (`phone` in E.164) so one human stays one record across campaigns, when `by` may see
    that person. Someone `by` may not see is neither attached nor mentioned: `by` gets a new
    record, as for anyone unknown, and a lead gets a possible duplicate to decide on
    (campaigns.roster.matching).

    Someone already on this roster is left exactly as they are. What is typed is added to a
    known person's emails and phones, never as the primary one. Raises MatchingLimited (and
    changes nothing) when `by` has matched too often this hour.
    """
    with transaction.atomic():
        match = person_match_for(
            user=by,
            committee=campaign.committee,
            email=email,
            phone=phone,
            campaign_id=campaign.pk,
            ip=ip,
        )
        person = match.person
        if person is not None:
            active = RosterEntry.objects.filter(campaign=campaign, person=person, removed_at=None)
            if (entry := active.first()) is not None:
                return RosterAddResult(entry, person, person_created=False, entry_created=False)
        created = person is None
        if person is None:
            person = Person.objects.create(
                committee=campaign.committee, given_name=given_name, family_name=family_name
            )
            possible_duplicate_queue(match=match, person=person, campaign=campaign, by=by)
        channels_add_typed(
            person=person, email=email, phone=phone, is_new=created, campaign_id=campaign.pk
        )
        entry = roster_add(
            campaign=campaign,
            person=person,
            unit=unit,
            title=title,
            shift=shift,
            is_leader=is_leader,
            organizer=organizer,
        )
    return RosterAddResult(entry, person, person_created=created, entry_created=True)


def person_update(*, person: Person, section: str, data: dict) -> Person:
    """Save one section of the person page from its form's cleaned data."""
    if section == "contact":
        person_contact_update(person=person, **data)
    elif section == "tags":
        person_tags_set(person=person, tags=data["tags"], new_names=data["new_tags"])
    else:
        fields = SECTION_FIELDS[section]
        for field in fields:
            setattr(person, field, data[field])
        person.save(update_fields=[*fields, "updated_at"])
    return person


def person_notes_set(
    *, person: Person, campaign_notes: dict[int, str], committee_notes: str | None = None
) -> None:
    """Save the notes of these campaigns about the person (campaign id -> text) and, when
    given (a lead), the committee's own notes."""
    with transaction.atomic():
        for campaign_id, text in campaign_notes.items():
            PersonNote.objects.update_or_create(
                person=person, campaign_id=campaign_id, defaults={"text": text}
            )
        if committee_notes is not None:
            person.notes = committee_notes
            person.save(update_fields=["notes", "updated_at"])


def person_contact_update(
    *,
    person: Person,
    primary_phone: int | None = None,
    remove_phones: Iterable[int] = (),
    new_phone: str = "",
    new_phone_label: str = "",
    primary_email: int | None = None,
    remove_emails: Iterable[int] = (),
    new_email: str = "",
    campaign_id: int | None = None,
) -> None:
    """Remove, add and choose the primary phone and email; one primary of each remains.
    A new one is tagged with `campaign_id`, the campaign of the organizer who typed it (None
    for a lead's), so only that team and the leads see it."""
    with transaction.atomic():
        person.phones.filter(pk__in=list(remove_phones)).delete()
        person.emails.filter(pk__in=list(remove_emails)).delete()
        if new_phone:
            person.phones.get_or_create(
                number=new_phone, defaults={"label": new_phone_label, "campaign_id": campaign_id}
            )
        if new_email and not person.emails.filter(email__iexact=new_email).exists():
            person.emails.create(email=new_email, campaign_id=campaign_id)
        _primary_set(person.phones.all(), primary_phone)
        _primary_set(person.emails.all(), primary_email)
        # Emails and phones are part of what the API shows: the modified date moves.
        Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())


def _primary_set(rows, chosen_id: int | None) -> None:
    """Make `chosen_id` the primary row, or keep the current one, or promote the first."""
    ids = [row.pk for row in rows.order_by("-is_primary", "pk")]
    if not ids:
        return
    primary = chosen_id if chosen_id in ids else ids[0]
    rows.exclude(pk=primary).filter(is_primary=True).update(is_primary=False)
    rows.filter(pk=primary, is_primary=False).update(is_primary=True)


def person_tags_set(
    *, person: Person, tags: Iterable[Tag], new_names: Iterable[str] = ()
) -> list[Tag]:
    """Give the person exactly these tags, creating the new names in the committee (a name
    that exists in another case is the same tag)."""
    with transaction.atomic():
        chosen = list(tags)
        chosen += [tag_get_or_create(committee=person.committee, name=n) for n in new_names]
        person.tags.set(chosen)
        # Tags are part of what the API shows of a person: their modified date moves.
        Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())
    return chosen


def person_tag_add(*, person: Person, tag: Tag) -> bool:
    """Put one tag on the person (the API's tagging); False when they had it already. The
    person's `updated_at` moves when it changes, so a sync sees the tagging."""
    with transaction.atomic():
        if person.tags.filter(pk=tag.pk).exists():
            return False
        person.tags.add(tag)
        Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())
    return True


def person_tag_remove(*, person: Person, tag: Tag) -> bool:
    """Take one tag off the person; False when they did not have it."""
    with transaction.atomic():
        removed, _count = PersonTag.objects.filter(person=person, tag=tag).delete()
        if removed:
            Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())
    return bool(removed)


def tag_get_or_create(*, committee: Committee, name: str) -> Tag:
    existing = Tag.objects.filter(committee=committee, name__iexact=name).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Tag.objects.create(committee=committee, name=name)
    except IntegrityError:  # someone created it in another case a moment ago
        return Tag.objects.get(committee=committee, name__iexact=name)


def roster_entry_update(
    *,
    entry: RosterEntry,
    unit: Unit | None,
    title: str,
    shift: str,
    is_leader: bool,
    organizer: User | None,
) -> RosterEntry:
    """Move someone within the campaign and change their placement. Never the assessment:
    only conversations set that (through assessment_record)."""
    moved = entry.unit_id != (unit.pk if unit else None)
    made_or_unmade_leader = entry.is_leader != is_leader
    entry.unit, entry.title, entry.shift = unit, title, shift
    entry.is_leader, entry.organizer = is_leader, organizer
    with transaction.atomic():
        entry.save(update_fields=["unit", "title", "shift", "is_leader", "organizer"])
        if moved:
            # The API shows the unit (to a token given it): the modified date moves. Their
            # conversations count in their unit today, however old.
            Person.objects.filter(pk=entry.person_id).update(updated_at=timezone.now())
            history_changed(campaign=entry.campaign, since=None)
        elif made_or_unmade_leader:
            history_changed(campaign=entry.campaign, since=entry.added_at)
    return entry


def roster_entry_remove(
    *,
    entry: RosterEntry,
    reason: str,
    do_not_contact: bool = False,
    actor: User | None,
    ip: str | None = None,
) -> None:
    """Take someone off the roster with a reason, on the record. Someone who asked not to be
    contacted is marked so everywhere: no campaign may message them after that."""
    with transaction.atomic():
        roster_remove(entry=entry, reason=reason[:REASON_MAX])
        if do_not_contact:
            person = entry.person
            person.do_not_contact = True
            person.do_not_contact_reason = person.do_not_contact_reason or reason[:REASON_MAX]
            person.save(update_fields=["do_not_contact", "do_not_contact_reason", "updated_at"])
        audit_record(
            actor=actor,
            kind=AuditEvent.Kind.DELETE,
            committee=entry.campaign.committee,
            subject=entry,
            campaign_id=entry.campaign_id,
            ip=ip,
        )


def person_merge(
    *,
    survivor: Person,
    duplicate: Person,
    choices: dict[str, str],
    actor: User | None = None,
    ip: str | None = None,
) -> Person:
    """Fold `duplicate` into `survivor` and delete it, losing nothing: every relation to a
    person is moved or folded (MERGED_RELATIONS names them all, and a test checks it against
    the models): roster entries with their assessment history, conversations, follow-ups,
    scheduled one-on-ones, RSVPs with their answers and attendance, the messages sent, the
    calendar feed, nudge snoozes, emails, phones, tags, the login and the notes.

    `choices` says, for each field where both have a different value, which one wins
    ("survivor" or "duplicate"); a blank value always gives way to a filled one.
    """
    if survivor.pk == duplicate.pk or survivor.committee_id != duplicate.committee_id:
        raise ValidationError(_("Pick another person of the committee to merge."))
    if survivor.erased_at is not None or duplicate.erased_at is not None:
        raise ValidationError(_("An erased person cannot be merged with anyone."))
    if survivor.user_id and duplicate.user_id:
        raise ValidationError(
            _(
                "Both people have their own login, so they may really be two people. "
                "Merging would lock one of them out: it was not done."
            )
        )
    with transaction.atomic():
        list(Person.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk]))
        merged_id = duplicate.pk
        history_changed_for_people(person_ids=[survivor.pk, duplicate.pk])
        _merge_fields(survivor=survivor, duplicate=duplicate, choices=choices)
        _merge_entries(survivor=survivor, duplicate=duplicate)
        _merge_one_on_ones(survivor=survivor, duplicate=duplicate)
        for campaign_id in set(survivor.roster_entries.values_list("campaign_id", flat=True)):
            contact_recompute(campaign_id=campaign_id, person_ids=[survivor.pk])
        _merge_channels(survivor=survivor, duplicate=duplicate)
        _merge_rsvps(survivor=survivor, duplicate=duplicate)
        _merge_messages(survivor=survivor, duplicate=duplicate)
        _merge_calendar_feed(survivor=survivor, duplicate=duplicate)
        NudgeSnooze.objects.filter(person=duplicate).update(person=survivor)
        # Answers from a public page waiting for confirmation: the link was sent to the
        # survivor's records now, and confirming still checks for an answer given since.
        PendingRsvp.objects.filter(person=duplicate).update(person=survivor)
        # Signatures stay as signed; two standing on one drive count once (the first date).
        Signature.objects.filter(person=duplicate).update(person=survivor)
        _merge_possible_duplicates(survivor=survivor, duplicate=duplicate)
        _merge_campaign_notes(survivor=survivor, duplicate=duplicate)
        member_merge(survivor=survivor, duplicate=duplicate)
        survivor.tags.add(*duplicate.tags.all())
        if duplicate.user_id:
            login, duplicate.user = duplicate.user, None
            duplicate.save(update_fields=["user"])
            survivor.user = login
        survivor.save()
        duplicate.delete()
        audit_record(
            actor=actor,
            kind=AuditEvent.Kind.MERGE,
            committee=survivor.committee,
            subject=survivor,
            detail={"merged_person_id": merged_id},
            ip=ip,
        )
    return survivor


# Every relation to a person ("<app>.<model>.<field>"), each moved or folded by person_merge.
# tests/people/test_merge.py compares it with the models: a new one must be handled here.
MERGED_RELATIONS = {
    "campaigns.calendarfeed.person",
    "campaigns.conversation.person",
    "campaigns.followup.person",
    "campaigns.member.person",
    "campaigns.nudgesnooze.person",
    "campaigns.outboxmessage.person",
    "campaigns.pendingrsvp.person",
    "campaigns.personnote.person",
    "campaigns.possibleduplicate.existing",
    "campaigns.possibleduplicate.person",
    "campaigns.rosterentry.person",
    "campaigns.rsvp.person",
    "campaigns.scheduledoneonone.person",
    "campaigns.signature.person",
    "members.persontag.person",
    "members.personemail.person",
    "members.personphone.person",
}


def _merge_rsvps(*, survivor: Person, duplicate: Person) -> None:
    """Move the duplicate's answers; where both have one for an action, fold them: the most
    recent answer wins, and attendance recorded on either is kept (came beats a no-show).
    The survivor's reminders are planned again on the outbox's next tick."""
    mine = {rsvp.action_id: rsvp for rsvp in survivor.rsvps.all()}
    clashing = duplicate.rsvps.filter(action_id__in=list(mine))
    for theirs in clashing:
        _fold_rsvp(keep=mine[theirs.action_id], other=theirs)
    duplicate.rsvps.all().update(person=survivor, reminders_stale=True)  # the rest, at once


def _fold_rsvp(*, keep: Rsvp, other: Rsvp) -> None:
    never = datetime.min.replace(tzinfo=UTC)
    newer = other if (other.responded_at or never) > (keep.responded_at or never) else keep
    answered = ["response", "responded_at", "source", "guests", "note", "waitlisted_at"]
    changes = {field: getattr(newer, field) for field in answered}
    invited = [moment for moment in (keep.invited_at, other.invited_at) if moment]
    changes["invited_at"] = min(invited, default=None)
    changes["invited_by_id"] = keep.invited_by_id or other.invited_by_id
    came = next((rsvp for rsvp in (keep, other) if rsvp.attended), None)
    recorded = came or next((rsvp for rsvp in (keep, other) if rsvp.attended is not None), keep)
    changes |= {
        "attended": recorded.attended,
        "checked_in_at": recorded.checked_in_at,
        "checked_in_by_id": recorded.checked_in_by_id,
    }
    other.delete()
    Rsvp.objects.filter(pk=keep.pk).update(**changes, reminders_stale=True)


def _merge_messages(*, survivor: Person, duplicate: Person) -> None:
    """The messages planned for or sent to the duplicate are the survivor's. The same message
    planned for both (the same kind, action, user and time) would go out twice: the
    duplicate's copy is dropped if it has not gone yet; if both went, both stay on record,
    the duplicate's a microsecond later so the outbox's unique key holds."""
    theirs = OutboxMessage.objects.filter(person=duplicate)
    mine = set(
        OutboxMessage.objects.filter(person=survivor).values_list(
            "kind", "action_id", "drive_id", "user_id", "due_at"
        )
    )
    unsent = [OutboxMessage.Status.PENDING, OutboxMessage.Status.SENDING]
    for message in theirs:
        key = (message.kind, message.action_id, message.drive_id, message.user_id, message.due_at)
        if key not in mine:
            continue
        if message.status in unsent:
            message.delete()
        else:
            OutboxMessage.objects.filter(pk=message.pk).update(
                due_at=message.due_at + timedelta(microseconds=1)
            )
    theirs.update(person=survivor)


def _merge_possible_duplicates(*, survivor: Person, duplicate: Person) -> None:
    """A possible duplicate between the two is settled by the merge itself (the MERGE audit
    event records it); others of the duplicate become the survivor's, once per pair."""
    pair = Q(person=survivor, existing=duplicate) | Q(person=duplicate, existing=survivor)
    PossibleDuplicate.objects.filter(pair).delete()
    for field, other in (("person", "existing"), ("existing", "person")):
        theirs = PossibleDuplicate.objects.filter(**{field: duplicate})
        # One row per pair (a unique constraint): the survivor's own row for a pair wins.
        clash = PossibleDuplicate.objects.filter(**{field: survivor, other: OuterRef(other)})
        theirs.filter(Exists(clash)).delete()
        theirs.update(**{field: survivor})


def _merge_campaign_notes(*, survivor: Person, duplicate: Person) -> None:
    """Each campaign's notes follow the person; where both have notes from one campaign they
    are put together, the survivor's first."""
    mine = {note.campaign_id: note for note in PersonNote.objects.filter(person=survivor)}
    for theirs in PersonNote.objects.filter(person=duplicate):
        keep = mine.get(theirs.campaign_id)
        if keep is None:
            PersonNote.objects.filter(pk=theirs.pk).update(person=survivor)
            continue
        keep.text = "\n\n".join(t for t in [keep.text, theirs.text] if t.strip())
        keep.save(update_fields=["text", "updated_at"])
        theirs.delete()


def _merge_calendar_feed(*, survivor: Person, duplicate: Person) -> None:
    """One calendar address per person: the survivor's stays; the duplicate's becomes theirs
    when they had none (so a calendar app subscribed to it keeps working)."""
    if not CalendarFeed.objects.filter(person=survivor).exists():
        CalendarFeed.objects.filter(person=duplicate).update(person=survivor)


def _merge_fields(*, survivor: Person, duplicate: Person, choices: dict[str, str]) -> None:
    for field in MERGE_FIELDS:
        mine, theirs = getattr(survivor, field), getattr(duplicate, field)
        wins_theirs = choices.get(field) == "duplicate" or (mine in ("", None) and theirs)
        if wins_theirs:
            setattr(survivor, field, theirs)
    survivor.notes = "\n\n".join(n for n in [survivor.notes, duplicate.notes] if n.strip())
    if duplicate.do_not_contact:  # the safe side wins: never contact someone who said no
        survivor.do_not_contact = True
        reasons = [survivor.do_not_contact_reason, duplicate.do_not_contact_reason]
        unique = list(dict.fromkeys(r for r in reasons if r))
        survivor.do_not_contact_reason = "; ".join(unique)[:REASON_MAX]


def _merge_entries(*, survivor: Person, duplicate: Person) -> None:
    """Move each roster entry; where both are active on a campaign, fold into survivor's."""
    for entry in duplicate.roster_entries.all():
        keep = None
        if entry.removed_at is None:
            keep = survivor.roster_entries.filter(
                campaign_id=entry.campaign_id, removed_at=None
            ).first()
        if keep is None:
            entry.person = survivor
            entry.save(update_fields=["person"])
        else:
            _merge_entry_into(keep=keep, other=entry)


def _merge_entry_into(*, keep: RosterEntry, other: RosterEntry) -> None:
    other.assessments.update(roster_entry=keep)
    for field in ["unit_id", "title", "shift", "organizer_id"]:
        if not getattr(keep, field):
            setattr(keep, field, getattr(other, field))
    keep.is_leader = keep.is_leader or other.is_leader
    keep.added_at = min(keep.added_at, other.added_at)
    other.delete()
    # added_at is auto_now_add, which save() leaves alone; update() writes it.
    RosterEntry.objects.filter(pk=keep.pk).update(
        unit_id=keep.unit_id,
        title=keep.title,
        shift=keep.shift,
        organizer_id=keep.organizer_id,
        is_leader=keep.is_leader,
        added_at=keep.added_at,
    )
    assessment_recompute(entry_id=keep.pk)


def _merge_one_on_ones(*, survivor: Person, duplicate: Person) -> None:
    """Conversations, follow-ups and scheduled one-on-ones follow the person. Their assessment
    records moved with the roster entries, so each record still sits on the survivor's entry
    of the conversation's campaign."""
    for model in (Conversation, FollowUp, ScheduledOneOnOne):
        model.objects.filter(person=duplicate).update(person=survivor)


def _merge_channels(*, survivor: Person, duplicate: Person) -> None:
    """Move the emails and phones survivor does not have; keep survivor's primary ones."""
    have_emails = {e.lower() for e in survivor.emails.values_list("email", flat=True)}
    have_phones = set(survivor.phones.values_list("number", flat=True))
    moving_emails = [e.pk for e in duplicate.emails.all() if e.email.lower() not in have_emails]
    moving_phones = [p.pk for p in duplicate.phones.all() if p.number not in have_phones]
    # Survivor's primary stays primary; if survivor had none, duplicate's primary takes over.
    _rows_move(PersonEmail.objects.filter(pk__in=moving_emails), survivor, bool(have_emails))
    _rows_move(PersonPhone.objects.filter(pk__in=moving_phones), survivor, bool(have_phones))
    _primary_set(survivor.emails.all(), None)
    _primary_set(survivor.phones.all(), None)


def _rows_move(rows, survivor: Person, survivor_has_some: bool) -> None:
    changes: dict = {"person": survivor}
    if survivor_has_some:
        changes["is_primary"] = False
    rows.update(**changes)


def possible_duplicate_dismiss(
    *, row: PossibleDuplicate, actor: User, ip: str | None = None
) -> bool:
    """A lead says the two are different people: the match is closed and not asked again.
    False if it was settled already (a merge, or another lead a moment ago)."""
    with transaction.atomic():
        closed = PossibleDuplicate.objects.filter(
            pk=row.pk, status=PossibleDuplicate.Status.OPEN
        ).update(
            status=PossibleDuplicate.Status.DISMISSED,
            resolved_by=actor,
            resolved_at=timezone.now(),
        )
        if closed:
            audit_record(
                actor=actor,
                kind=AuditEvent.Kind.DUPLICATE,
                committee_id=row.committee_id,
                subject=row.person,
                campaign_id=row.campaign_id,
                detail={"decision": "dismissed", "existing_person_id": row.existing_id},
                ip=ip,
            )
    return bool(closed)


def person_view_record(
    *, person: Person, viewer: User, positions: list[RosterEntry], ip: str | None
) -> None:
    """Record a look at someone's page by a team member who is neither their organizer nor a
    lead of a campaign they are on (committee leads are not recorded by the caller): looking
    up people you don't organize is how a roster gets scraped. The person's id only, never
    what was shown. `positions`: the person's roster entries the viewer may see."""
    current = [entry for entry in positions if entry.removed_at is None]
    if any(entry.organizer_id == viewer.pk for entry in current):
        return
    leads = TeamMember.objects.filter(
        user=viewer,
        role=TeamMember.Role.LEAD,
        campaign_id__in=[entry.campaign_id for entry in current],
    )
    if leads.exists():
        return
    audit_record(
        actor=viewer,
        kind=AuditEvent.Kind.PERSON_VIEW,
        committee_id=person.committee_id,
        subject=person,
        ip=ip,
    )
