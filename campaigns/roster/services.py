"""Writing the roster: placing people, and keeping each entry's current assessment true."""

from datetime import datetime

from django.db import connection, transaction
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from campaigns.models import AssessmentRecord, Campaign, Conversation, RosterEntry, Unit
from campaigns.roster.history import history_changed
from members.models import Person, User

ENTRY = RosterEntry._meta.db_table
CONVERSATION = Conversation._meta.db_table


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
    if created:  # back on the roster: talked with before?
        contact_recompute(campaign_id=campaign.pk, person_ids=[person.pk])
    return entry


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

    With assessment_advance, the only writer of RosterEntry.assessment. Locks the entry so two
    organizers recording at once both end up with the right answer.
    """
    with transaction.atomic():
        entry = RosterEntry.objects.select_for_update().get(pk=entry_id)
        latest = entry.assessments.order_by("-happened_at", "-pk").first()
        entry.assessment = latest.level if latest else None
        entry.assessed_at = latest.happened_at if latest else None
        entry.save(update_fields=["assessment", "assessed_at"])


def contact_recompute(*, campaign_id: int, person_ids: list[int]) -> None:
    """Set the active entries' last contact from the conversations (after one was edited or
    deleted, people merged, someone put back on the roster): one statement."""
    latest = (
        Conversation.objects.filter(campaign_id=campaign_id, person_id=OuterRef("person_id"))
        .order_by("-happened_at")
        .values("happened_at")[:1]
    )
    RosterEntry.objects.filter(
        campaign_id=campaign_id, person_id__in=person_ids, removed_at=None
    ).update(last_contact_at=Subquery(latest))


def contact_recompute_campaign(*, campaign_id: int) -> None:
    """Every active entry's last contact from the conversations (after a bulk load)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {ENTRY} e SET last_contact_at = (
                SELECT max(c.happened_at) FROM {CONVERSATION} c
                WHERE c.campaign_id = e.campaign_id AND c.person_id = e.person_id)
            WHERE e.campaign_id = %s AND e.removed_at IS NULL
            """,  # noqa: S608 - table names come from the models; values are bound
            [campaign_id],
        )


def assessment_advance(
    *, entry_id: int, level: int | None, happened_at: datetime, is_leader: bool = False
) -> bool:
    """Bring the current assessment (and the last contact) up to date after one new
    conversation at `happened_at`, with a record at `level` if any, in one statement.

    A new record becomes current only if it happened no earlier than the current one, which
    is what assessment_recompute would conclude, without reading the history. Safe when two
    organizers log at once: Postgres re-checks the condition against the row as the other
    transaction left it before updating. (Editing or deleting a record needs the full
    assessment_recompute.) Also marks the entry as a leader when the conversation found one.

    Returns False, changing nothing, if the entry is off the roster (by now).
    """
    # Lock the row and check it is on; the conversation is the latest contact if no other is.
    changes: dict[str, Combinable] = {
        "last_contact_at": Greatest(
            Coalesce(F("last_contact_at"), Value(happened_at)), Value(happened_at)
        )
    }
    if level is not None:
        newer = Q(assessed_at__isnull=True) | Q(assessed_at__lte=happened_at)
        entry = RosterEntry._meta
        changes["assessment"] = Case(
            When(newer, then=Value(level)),
            default=F("assessment"),
            output_field=entry.get_field("assessment"),
        )
        changes["assessed_at"] = Case(
            When(newer, then=Value(happened_at)),
            default=F("assessed_at"),
            output_field=entry.get_field("assessed_at"),
        )
    if is_leader:
        changes["is_leader"] = Value(True)
    return RosterEntry.objects.filter(pk=entry_id, removed_at=None).update(**changes) == 1
