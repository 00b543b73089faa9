"""The no-show nudge: someone who said yes and did not come twice in a row is their
organizer's to call. It reacts to attendance recorded at an action, so it lives here."""

from collections import defaultdict

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from campaigns.models import Action, OutboxMessage, RosterEntry, Rsvp
from campaigns.outbox.services.plan import outbox_plan_many
from members.models import User

Kind = OutboxMessage.Kind


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
        if entry.organizer is not None:  # the query asks for entries with one
            organizers.setdefault(entry.person_id, entry.organizer)
    return organizers
