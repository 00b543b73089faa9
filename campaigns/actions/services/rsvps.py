"""Answering an invitation: yes, maybe or no, with the action's capacity and waitlist.

Every way of answering (the app, the emailed link, the public page, an organizer at the door)
goes through rsvp_set, which locks the action's row so that two people taking the last place
at once cannot both get it.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.actions.services.reminders import reminders_for_rsvp
from campaigns.models import Action, OutboxMessage, Rsvp
from campaigns.outbox.services.plan import outbox_plan_many
from members.models import Person, User
from members.templatetags.dates import when_short


@dataclass(frozen=True)
class RsvpOutcome:
    rsvp: Rsvp
    waitlisted: bool  # this yes is waiting for a place
    promoted: list[Rsvp]  # others who got a place this answer freed


def rsvp_open_problem(action: Action, now: datetime | None = None) -> str | None:
    """Why this action takes no answers now (a sentence for the person), or None."""
    now = now or timezone.now()
    if action.cancelled_at is not None:
        return _("This action was cancelled.")
    if action.ends_at <= now:
        return _("This action is over.")
    if action.rsvp_deadline is not None and action.rsvp_deadline < now:
        return _("RSVPs for this action closed on %(deadline)s.") % {
            "deadline": when_short(
                timezone.localtime(action.rsvp_deadline, ZoneInfo(action.time_zone))
            )
        }
    return None


def rsvp_set(
    *,
    action: Action,
    person: Person,
    response: str,
    source: str,
    guests: int = 0,
    note: str | None = None,
) -> RsvpOutcome:
    """Record a person's answer. A yes when the action is full joins the waitlist; a yes that
    becomes maybe or no frees its places for the waitlist, first come first served.

    Raises ValidationError (code "closed") when the action takes no answers.
    """
    if response not in (Rsvp.Response.YES, Rsvp.Response.MAYBE, Rsvp.Response.NO):
        raise ValidationError(_("Choose yes, maybe or no."), code="invalid")
    now = timezone.now()
    with transaction.atomic():
        if action.capacity is not None:
            # Places are counted: answers to this action take turns, so two people never
            # both get the last place. Without a limit they need not wait for each other.
            action = (
                Action.objects.select_for_update(of=("self",))
                .select_related("committee")
                .get(pk=action.pk)
            )
        problem = rsvp_open_problem(action, now)
        if problem:
            raise ValidationError(problem, code="closed")
        rsvp = Rsvp.objects.select_for_update().filter(action=action, person=person).first()
        if rsvp is None:  # rare: most answers are to an invitation, whose row exists
            Rsvp.objects.get_or_create(action=action, person=person, defaults={"source": source})
            rsvp = Rsvp.objects.select_for_update().get(action=action, person=person)
        rsvp.action, rsvp.person = action, person  # loaded already: reminders read them
        was_confirmed_yes = rsvp.response == Rsvp.Response.YES and rsvp.waitlisted_at is None
        rsvp.response = response
        rsvp.responded_at = now
        rsvp.source = source  # where this answer came from (an invitation row starts "invitation")
        rsvp.guests = guests if response == Rsvp.Response.YES else 0
        if note is not None:
            rsvp.note = note
        if response != Rsvp.Response.YES or _fits(action, rsvp):
            rsvp.waitlisted_at = None
        elif was_confirmed_yes:  # more guests than places: the yes stands as it was
            raise ValidationError(
                _("There is no room for more guests: %(free)d places left.")
                % {"free": max(_free_places(action, exclude=rsvp), 0)},
                code="full",
            )
        else:
            rsvp.waitlisted_at = rsvp.waitlisted_at or now
        rsvp.save()
        reminders_for_rsvp(rsvp=rsvp)
        promoted = waitlist_promote(action=action) if was_confirmed_yes else []
    return RsvpOutcome(rsvp=rsvp, waitlisted=rsvp.waitlisted_at is not None, promoted=promoted)


def rsvp_record(*, action: Action, person: Person, response: str, source: str) -> Rsvp:
    """An answer given somewhere else (another tool), recorded here. While the action takes
    answers it is an answer like any other (rsvp_set: places, waitlist, reminders); once the
    action is over or cancelled it is history, kept as it was given, with no place to count
    and nobody to remind.

    Raises ValidationError as rsvp_set does."""
    if rsvp_open_problem(action) is None:
        return rsvp_set(action=action, person=person, response=response, source=source).rsvp
    if response not in (Rsvp.Response.YES, Rsvp.Response.MAYBE, Rsvp.Response.NO):
        raise ValidationError(_("Choose yes, maybe or no."), code="invalid")
    fields = {"response": response, "responded_at": timezone.now(), "source": source}
    rsvp, _created = Rsvp.objects.update_or_create(
        action=action, person=person, defaults={**fields, "guests": 0, "waitlisted_at": None}
    )
    return rsvp


def rsvp_answer_simple(
    *, action_id: int, person_id: int, response: str, source: str, guests: int, note: str
) -> bool:
    """The common answer in one statement: to an invitation of an open action without a
    capacity (no waitlist to mind). Returns False, having changed nothing, when the answer is
    not that simple: then rsvp_set decides and explains.

    An emailed link is answered by a crowd at once, so the answer is one small UPDATE in its
    own transaction; the person's reminders follow within a minute (reminders_catch_up) and
    the sender checks again that they are still coming before each one goes."""
    if response not in (Rsvp.Response.YES, Rsvp.Response.MAYBE, Rsvp.Response.NO):
        return False
    with connection.cursor() as cursor:
        cursor.execute(ANSWER_SQL, {
            "action": action_id,
            "person": person_id,
            "response": response,
            "source": source,
            "guests": guests if response == Rsvp.Response.YES else 0,
            "note": note,
        })  # fmt: skip
        return cursor.rowcount == 1


ANSWER_SQL = """
UPDATE campaigns_rsvp r
SET response = %(response)s, responded_at = now(), source = %(source)s, guests = %(guests)s,
    note = %(note)s, waitlisted_at = NULL, reminders_stale = true, updated_at = now()
FROM campaigns_action a
WHERE r.action_id = %(action)s AND r.person_id = %(person)s AND a.id = r.action_id
  AND a.cancelled_at IS NULL AND a.capacity IS NULL AND a.ends_at > now()
  AND (a.rsvp_deadline IS NULL OR a.rsvp_deadline >= now())
"""


def waitlist_promote(*, action: Action) -> list[Rsvp]:
    """Give freed places to the waitlist in the order people asked, and tell them so.
    Call inside a transaction that holds the action's row lock."""
    waiting = action.rsvps.filter(waitlisted_at__isnull=False).select_related("person")
    free = None if action.capacity is None else _free_places(action)
    promoted = []
    for rsvp in waiting.order_by("waitlisted_at", "pk"):
        if free is not None:
            if free < 1 + rsvp.guests:
                break
            free -= 1 + rsvp.guests
        rsvp.waitlisted_at = None
        rsvp.save(update_fields=["waitlisted_at", "updated_at"])
        reminders_for_rsvp(rsvp=rsvp)
        promoted.append(rsvp)
    if promoted:
        outbox_plan_many(
            kind=OutboxMessage.Kind.WAITLIST_PROMOTED,
            committee=action.committee,
            action=action,
            people=[rsvp.person for rsvp in promoted],
        )
    return promoted


def action_invite(*, action: Action, people: list[Person], by: User) -> int:
    """Invite people (those invited already are skipped) and plan their invitation emails.
    Returns how many were newly invited."""
    now = timezone.now()
    with transaction.atomic():
        already = set(
            Rsvp.objects.filter(action=action, invited_at__isnull=False).values_list(
                "person_id", flat=True
            )
        )
        new = [person for person in people if person.pk not in already]
        Rsvp.objects.bulk_create(
            [Rsvp(action=action, person=person, invited_at=now, invited_by=by) for person in new],
            update_conflicts=True,
            unique_fields=["action", "person"],
            update_fields=["invited_at", "invited_by"],
            batch_size=1000,
        )
        outbox_plan_many(
            kind=OutboxMessage.Kind.ACTION_INVITATION,
            committee=action.committee,
            action=action,
            people=new,
            due_at=now,
        )
    return len(new)


def _free_places(action: Action, *, exclude: Rsvp | None = None) -> int:
    """Places left under the capacity, not counting `exclude`'s own (an answer being changed).
    Only for an action with a capacity: without one, places are not counted."""
    if action.capacity is None:
        raise ValueError("An action without a capacity has no count of free places.")
    taken = action.rsvps.filter(response=Rsvp.Response.YES, waitlisted_at__isnull=True)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    return action.capacity - (taken.aggregate(seats=Sum(F("guests") + 1))["seats"] or 0)


def _fits(action: Action, rsvp: Rsvp) -> bool:
    """Whether this RSVP's places (the person and their guests) fit under the capacity."""
    if action.capacity is None:
        return True
    return _free_places(action, exclude=rsvp) >= 1 + rsvp.guests
