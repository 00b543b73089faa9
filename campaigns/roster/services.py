"""Writing the roster: placing people, and keeping each entry's current assessment true."""

from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from campaigns.models import AssessmentRecord, Campaign, RosterEntry, Unit
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
    entry, _ = RosterEntry.objects.get_or_create(
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
    return entry


def roster_remove(*, entry: RosterEntry, reason: str = "") -> None:
    """Take someone off the roster; the entry and its history stay for the record."""
    entry.removed_at = timezone.now()
    entry.removed_reason = reason
    entry.save(update_fields=["removed_at", "removed_reason"])


def assessment_record(
    *, entry: RosterEntry, level: int, happened_at: datetime, recorded_by: User | None
) -> AssessmentRecord:
    """Record where a person stood at a moment, and bring the current assessment up to date."""
    with transaction.atomic():
        record = AssessmentRecord.objects.create(
            roster_entry=entry, level=level, happened_at=happened_at, recorded_by=recorded_by
        )
        assessment_recompute(entry_id=entry.pk)
    return record


def assessment_recompute(*, entry_id: int) -> None:
    """Set the entry's current assessment from its history: the latest by when it happened.

    With assessment_advance, the only writer of RosterEntry.assessment. Locks the entry so two
    organizers recording at once both end up with the right answer.
    """
    with transaction.atomic():
        entry = RosterEntry.objects.select_for_update().get(pk=entry_id)
        latest = entry.assessments.order_by("-happened_at", "-pk").first()
        entry.assessment = latest.level if latest else None
        entry.assessed_at = latest.happened_at if latest else None
        entry.save(update_fields=["assessment", "assessed_at"])


def assessment_advance(
    *, entry_id: int, level: int | None, happened_at: datetime, is_leader: bool = False
) -> bool:
    """Bring the current assessment up to date after one new record, in one statement.

    A new record becomes current only if it happened no earlier than the current one, which
    is what assessment_recompute would conclude, without reading the history. Safe when two
    organizers log at once: Postgres re-checks the condition against the row as the other
    transaction left it before updating. (Editing or deleting a record needs the full
    assessment_recompute.) Also marks the entry as a leader when the conversation found one.

    Returns False, changing nothing, if the entry is off the roster (by now).
    """
    with connection.cursor() as cursor:  # the hot path of logging: one plain statement
        cursor.execute(
            ADVANCE_SQL,
            {"entry": entry_id, "level": level, "at": happened_at, "leader": is_leader},
        )
        return cursor.rowcount == 1


# At least locks the row and checks it is on. "Newer": no earlier than the current one.
ADVANCE_SQL = """
UPDATE campaigns_rosterentry SET
    assessment = CASE WHEN %(level)s::smallint IS NOT NULL
        AND (assessed_at IS NULL OR assessed_at <= %(at)s) THEN %(level)s ELSE assessment END,
    assessed_at = CASE WHEN %(level)s::smallint IS NOT NULL
        AND (assessed_at IS NULL OR assessed_at <= %(at)s) THEN %(at)s ELSE assessed_at END,
    is_leader = is_leader OR %(leader)s
WHERE id = %(entry)s AND removed_at IS NULL
"""
