"""Answering a public action's link: anyone with the link says yes or maybe.

Anyone can type anyone's email address or phone number, so an answer for someone the
committee already knows (their email, in any case, or failing that their phone matches) never
changes their answer: it is kept as a pending answer, and that person gets a message, by the
channel they chose (email, or a text message if they prefer texts), with a link to confirm it.
Confirming applies it, unless they have answered since: their own answer wins. Only when
nothing matches is a new person made, with their answer, flagged "new from RSVP" so organizers
check them. A match never adds the typed details to the existing person, and the page says
the same thing either way, so it tells a visitor nothing about who is already known.

Phone-only answers follow the same rule: the confirmation goes where the outbox sends that
person's messages (a text if they chose texts, else their email on file). Someone who can be
reached neither way never gets the link, and the pending answer simply expires unapplied:
a phone number alone is too easy to know (a household's, a co-worker's) to change an answer.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from campaigns.actions.services.rsvps import rsvp_open_problem, rsvp_set
from campaigns.models import Action, OutboxMessage, PendingRsvp, Rsvp
from campaigns.outbox.services.plan import outbox_plan
from members.language import supported
from members.models import Committee, Person, User
from members.ratelimits import counted_within
from members.selectors import person_matching
from members.services import person_channels_add

RATE_LIMIT = 10  # answers per address...
RATE_WINDOW = 600  # ...per ten minutes
PENDING_FOR = timedelta(days=3)  # a confirmation link works this long (or until the action ends)


@dataclass(frozen=True)
class PublicRsvpData:
    name: str
    email: str  # "" when not given
    phone: str  # E.164, "" when not given
    response: str  # yes or maybe
    language: str = ""  # the page's: a new person's preferred language (a known one's stays)


def public_rsvp(*, action: Action, data: PublicRsvpData) -> None:
    """Record a public answer: a new person's at once, a known person's as pending (see the
    module's docstring). Raises ValidationError when the action takes no answers, whoever the
    answer is for. Nothing is kept when it fails: a new person is only made with their answer.
    Returns nothing: what the page says must not depend on who was matched."""
    with transaction.atomic():
        person = person_matching(committee=action.committee, email=data.email, phone=data.phone)
        if person is not None:
            _pending_keep(action=action, person=person, response=data.response)
            return
        person = _person_create(action=action, data=data)
        outcome = rsvp_set(
            action=action, person=person, response=data.response, source=Rsvp.Source.PUBLIC
        )
        outcome.rsvp.created_person = True
        outcome.rsvp.save(update_fields=["created_person", "updated_at"])


def _pending_keep(*, action: Action, person: Person, response: str) -> None:
    """Keep the answer for the person to confirm. While a link sent for this action is still
    open, the newest answer replaces the one it confirms and no second message goes out (so
    the form cannot flood someone's inbox); the confirmation page shows the answer before
    anything is applied."""
    problem = rsvp_open_problem(action)
    if problem:
        raise ValidationError(problem, code="closed")
    now = timezone.now()
    open_one = (
        PendingRsvp.objects.select_for_update()
        .filter(action=action, person=person, used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if open_one is not None:
        open_one.response = response
        open_one.save(update_fields=["response"])
        return
    PendingRsvp.objects.create(
        action=action, person=person, response=response, expires_at=_expiry(action, now)
    )
    outbox_plan(
        kind=OutboxMessage.Kind.PUBLIC_RSVP_CONFIRM,
        committee=action.committee,
        action=action,
        person=person,
        due_at=now,
    )


def _expiry(action: Action, now: datetime) -> datetime:
    return min(now + PENDING_FOR, action.ends_at)


class PendingGone(Exception):
    """No such confirmation link, or it was used or has expired."""


@dataclass(frozen=True)
class PendingOutcome:
    pending: PendingRsvp
    applied: bool  # False: the person had answered since, and their answer stands
    rsvp: Rsvp | None


def pending_rsvp_for_key(key: str, now: datetime | None = None) -> PendingRsvp:
    """The open pending answer a confirmation link's key names; raises PendingGone."""
    now = now or timezone.now()
    pending = (
        PendingRsvp.objects.select_related("action", "action__committee", "action__site", "person")
        .filter(key=key, used_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if pending is None:
        raise PendingGone
    return pending


def pending_rsvp_confirm(*, key: str) -> PendingOutcome:
    """The person confirms the answer given for them: it becomes their answer, unless they
    answered since it was given (theirs wins). The key works once. Raises PendingGone, or
    ValidationError when the action no longer takes answers (the key stays usable then,
    though it cannot do anything before it expires)."""
    now = timezone.now()
    with transaction.atomic():
        pending = pending_rsvp_for_key(key, now)
        locked = PendingRsvp.objects.select_for_update().get(pk=pending.pk)
        if locked.used_at is not None:
            raise PendingGone
        rsvp = Rsvp.objects.filter(action=pending.action, person=pending.person).first()
        answered_since = (
            rsvp is not None
            and rsvp.response != Rsvp.Response.NONE
            and rsvp.responded_at is not None
            and rsvp.responded_at > pending.created_at
        )
        if not answered_since:
            rsvp = rsvp_set(
                action=pending.action,
                person=pending.person,
                response=pending.response,
                source=Rsvp.Source.PUBLIC,
            ).rsvp
        locked.used_at = now
        locked.save(update_fields=["used_at"])
    return PendingOutcome(pending=pending, applied=not answered_since, rsvp=rsvp)


def pending_rsvps_end(committee: Committee, user: User | None) -> int:
    """End the open confirmation links of a committee (a lockdown), or only those sent to the
    person behind `user` (a deactivation); how many. Registered with members.links."""
    now = timezone.now()
    links = PendingRsvp.objects.filter(
        action__committee=committee, used_at__isnull=True, expires_at__gt=now
    )
    if user is not None:
        links = links.filter(person__user=user)
    return links.update(expires_at=now)


def public_rsvp_allowed(ip: str) -> bool:
    """Counts one public answer from this address; False once it has made RATE_LIMIT in the
    window (a fixed window in the shared cache: simple, and enough against a script)."""
    return counted_within(f"public-rsvp:{ip}", limit=RATE_LIMIT, window=RATE_WINDOW)


def _person_create(*, action: Action, data: PublicRsvpData) -> Person:
    # One name field: names do not split into given and family the same way everywhere.
    person = Person.objects.create(
        committee_id=action.committee_id,
        given_name=data.name,
        preferred_language=supported(data.language) or "",
    )
    person_channels_add(person=person, email=data.email, phone=data.phone)
    return person
