"""Answering a public action's link: anyone with the link says yes or maybe.

The answer is filed under a person of the action's committee: the one with that email address
(any case) or, failing that, that phone number; else a new person, flagged "new from RSVP" so
organizers check them. A match never adds the typed details to the existing person: anyone can
type anyone's email address, and the page says the same thing either way, so it tells a visitor
nothing about who is already known.
"""

from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from campaigns.actions.services.rsvps import RsvpOutcome, rsvp_set
from campaigns.models import Action, Rsvp
from members.models import Person
from members.selectors import person_matching
from members.services import person_channels_add

RATE_LIMIT = 10  # answers per address...
RATE_WINDOW = 600  # ...per ten minutes


@dataclass(frozen=True)
class PublicRsvpData:
    name: str
    email: str  # "" when not given
    phone: str  # E.164, "" when not given
    response: str  # yes or maybe


def public_rsvp(*, action: Action, data: PublicRsvpData) -> RsvpOutcome:
    """Record a public answer (ValidationError from rsvp_set when closed or full). Nothing is
    kept when it fails: a new person is only made together with their answer."""
    with transaction.atomic():
        person = person_matching(committee=action.committee, email=data.email, phone=data.phone)
        created = person is None
        if person is None:
            person = _person_create(action=action, data=data)
        outcome = rsvp_set(
            action=action, person=person, response=data.response, source=Rsvp.Source.PUBLIC
        )
        if created:
            outcome.rsvp.created_person = True
            outcome.rsvp.save(update_fields=["created_person", "updated_at"])
    return outcome


def public_rsvp_allowed(ip: str) -> bool:
    """Counts one public answer from this address; False once it has made RATE_LIMIT in the
    window (a fixed window in the shared cache: simple, and enough against a script)."""
    key = f"public-rsvp:{ip}"
    cache.add(key, 0, timeout=RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW)
        count = 1
    return count <= RATE_LIMIT


def _person_create(*, action: Action, data: PublicRsvpData) -> Person:
    # One name field: names do not split into given and family the same way everywhere.
    person = Person.objects.create(committee_id=action.committee_id, given_name=data.name)
    person_channels_add(person=person, email=data.email, phone=data.phone)
    return person
