"""Writing the roster: placing people, and keeping each entry's current assessment true."""

from datetime import datetime

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from campaigns.models import AssessmentRecord, Campaign, Conversation, RosterEntry, Unit
from campaigns.roster.history import history_changed
from members.models import Person, User


def roster_add(
    *,
    campaign: Campaign,
    person: Person,
    unit: Unit | None = None,
    title: str = "",
    shift: str = "",
    is_leader: bool = False,
    organizer: User | None = None,
) -> RosterEntry:
    """Put a person on the campaign's roster, or return their entry if they are on it."""
    entry, created = RosterEntry.objects.get_or_create(
        campaign=campaign,
        person=person,
        removed_at=None,
        defaults={
            "unit": unit,
            "title": title,
            "shift": shift,
            "is_leader": is_leader,
            "organizer": organizer,
        },
    )
    if created:
        _back_on_roster(campaign, [person.pk])
    return entry


def _back_on_roster(campaign: Campaign, person_ids: list[int]) -> None:
    """New entries for these people: talked with before? And if they were on the roster
    before, their conversations now count in their new entry's unit, in every week."""
    contact_recompute(campaign_id=campaign.pk, person_ids=person_ids)
    earlier = RosterEntry.objects.filter(
        campaign=campaign, person_id__in=person_ids, removed_at__isnull=False
    )
    if earlier.exists():
        history_changed(campaign=campaign, since=None)


def roster_back(*, campaign: Campaign, person_ids: list[int]) -> None:
    """After entries were made in bulk (an import): as roster_add does for one."""
    if person_ids:
        _back_on_roster(campaign, person_ids)


def roster_remove(*, entry: RosterEntry, reason: str = "") -> None:
    """Take someone off the roster; the entry and its history stay for the record."""
    with transaction.atomic():
        entry.removed_at = timezone.now()
        entry.removed_reason = reason
        entry.save(update_fields=["removed_at", "removed_reason"])
        history_changed(campaign=entry.campaign, since=entry.removed_at)


def assessment_record(
    *, entry: RosterEntry, level: int, happened_at: datetime, recorded_by: User | None
) -> AssessmentRecord:
    """Record where a person stood at a moment, and bring the current assessment up to date."""
    with transaction.atomic():
        record = AssessmentRecord.objects.create(
            roster_entry=entry, level=level, happened_at=happened_at, recorded_by=recorded_by
        )
        assessment_recompute(entry_id=entry.pk)
        history_changed(campaign=entry.campaign, since=happened_at)
    return record


def assessment_recompute(*, entry_id: int) -> None:
    """Set the entry's current assessment from its history: the latest by when it happened.

    With the log (ADVANCE_SET), the only writer of RosterEntry.assessment. Locks the entry so two
    organizers recording at once both end up with the right answer.
    """
    with transaction.atomic():
        entry = RosterEntry.objects.select_for_update().get(pk=entry_id)
        latest = entry.assessments.order_by("-happened_at", "-pk").first()
        before = entry.assessment, entry.assessed_at
        entry.assessment = latest.level if latest else None
        entry.assessed_at = latest.happened_at if latest else None
        if (entry.assessment, entry.assessed_at) == before:
            return
        entry.save(update_fields=["assessment", "assessed_at"])
        # The assessment the API shows changed with no new record to date it (its
        # conversation was edited or deleted): the person is modified now.
        Person.objects.filter(pk=entry.person_id).update(updated_at=timezone.now())


def contact_recompute(*, campaign_id: int, person_ids: list[int] | None = None) -> None:
    """Set the active entries' last contact (of these people, or everyone on the roster) from
    the conversations: after one was edited or deleted, people merged, someone put back on
    the roster, or a bulk load. One statement."""
    latest = (
        Conversation.objects.filter(campaign_id=campaign_id, person_id=OuterRef("person_id"))
        .order_by("-happened_at")
        .values("happened_at")[:1]
    )
    entries = RosterEntry.objects.filter(campaign_id=campaign_id, removed_at=None)
    if person_ids is not None:
        entries = entries.filter(person_id__in=person_ids)
    entries.update(last_contact_at=Subquery(latest))


# Bringing the current assessment (and the last contact) up to date after one new
# conversation at %(at)s, with a record at %(level)s if any, and marking the entry a leader if
# %(leader)s: the SET of one UPDATE of the entry, which the log's one statement makes
# (campaigns.conversations.services.log: LOG_SQL), under the entry's row lock, and only while
# it is on the roster.
#
# A new record becomes current only if it happened no earlier than the current one, which is
# what assessment_recompute would conclude, without reading the history. Safe when two
# organizers log at once: Postgres re-checks the condition against the row as the other
# transaction left it before updating. (Editing or deleting a record needs the full
# assessment_recompute.) With assessment_recompute, the only writer of the assessment.
ADVANCE_SET = """
    assessment = CASE WHEN %(level)s::smallint IS NOT NULL
        AND (assessed_at IS NULL OR assessed_at <= %(at)s) THEN %(level)s ELSE assessment END,
    assessed_at = CASE WHEN %(level)s::smallint IS NOT NULL
        AND (assessed_at IS NULL OR assessed_at <= %(at)s) THEN %(at)s ELSE assessed_at END,
    is_leader = is_leader OR %(leader)s,
    last_contact_at = greatest(coalesce(last_contact_at, %(at)s), %(at)s)
"""
