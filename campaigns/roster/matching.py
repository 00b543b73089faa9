"""Finding the person someone is adding, by the email or phone typed, without revealing people
the adder may not see.

One rule for every way someone is added (the roster's Add form, a walk-in at check-in, an
import): a match the adder may see (campaigns.access.people_visible_to) is reused, as before;
a match they may not see is never attached nor mentioned: the adder gets a new record, the same
answer as for someone unknown, and a PossibleDuplicate waits for a committee lead.

Every attempt is on the audit record (who, how many found, never what was typed) and counted:
more than PERSON_MATCH_PER_HOUR in an hour and the next is refused, so the Add form cannot be
used to test a list of addresses against the committee's records.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from campaigns.access import people_visible_to
from campaigns.models import Campaign, PossibleDuplicate
from members.audit import audit_record
from members.models import (
    AuditEvent,
    Committee,
    Membership,
    Person,
    PersonEmail,
    PersonPhone,
    User,
)
from members.selectors import person_matching

# Attempts per user per hour: generous for a door at a big action, far below a scraper's pace.


class MatchingLimited(ValidationError):
    """Too many attempts in the hour: nothing was looked up."""


@dataclass(frozen=True)
class Match:
    """What an email or phone found: `person`, reused; or `hidden`, a match the adder may not
    see (never shown to them, only queued for a lead), with what it matched on."""

    person: Person | None = None
    hidden: Person | None = None
    matched_on: str = ""


def person_match_for(
    *,
    user: User,
    committee: Committee,
    email: str = "",
    phone: str = "",
    campaign_id: int | None = None,
    ip: str | None = None,
) -> Match:
    """The committee's person with this email or phone (`phone` in E.164): one `user` may see
    first (so adding again whom they added before finds their record), then anyone's.

    Raises MatchingLimited when the user has tried too often this hour."""
    if not (email or phone):
        return Match()
    _attempt_count(user)
    match = _match(user=user, committee=committee, email=email, phone=phone)
    audit_record(
        actor=user,
        kind=AuditEvent.Kind.MATCH,
        committee=committee,
        campaign_id=campaign_id,
        count=0 if match.person is None and match.hidden is None else 1,
        detail={
            "by": [name for name, typed in (("email", email), ("phone", phone)) if typed],
            "hidden": match.hidden is not None,
        },
        ip=ip,
    )
    return match


def _attempt_count(user: User) -> None:
    """Count one attempt in this hour's window; refuse past the limit."""
    limit = settings.PERSON_MATCH_PER_HOUR
    key = f"person-match:{user.pk}:{int(time.time() // 3600)}"
    cache.add(key, 0, timeout=3600)
    if cache.incr(key) > limit:
        raise MatchingLimited(
            _(
                "You have added many people by email or phone in the last hour, so this one "
                "was not saved. Try again later, or ask a committee lead to add them."
            ),
            code="rate_limited",
        )


def _match(*, user: User, committee: Committee, email: str, phone: str) -> Match:
    visible = people_visible_to(user)
    seen = person_matching(committee=committee, email=email, phone=phone, among=visible)
    if seen is not None:
        return Match(person=seen)
    found = person_matching(committee=committee, email=email, phone=phone)
    if found is None:
        return Match()
    on_email = bool(email) and found.emails.filter(email__iexact=email).exists()
    return Match(hidden=found, matched_on="email" if on_email else "phone")


def possible_duplicate_queue(
    *, match: Match, person: Person, campaign: Campaign | None, by: User | None
) -> PossibleDuplicate | None:
    """Queue `person` (just made) as maybe the same human as the hidden match, for a lead."""
    if match.hidden is None:
        return None
    try:
        with transaction.atomic():
            return PossibleDuplicate.objects.create(
                committee_id=person.committee_id,
                campaign=campaign,
                person=person,
                existing=match.hidden,
                matched_on=match.matched_on,
                created_by=by,
            )
    except IntegrityError:  # the same pair is queued already
        return None


def possible_duplicates_queue_many(
    *, found: list[tuple[Person, int, str]], campaign: Campaign, by: User | None
) -> None:
    """The same for many new people at once (an import): each (new person, id of the hidden
    match, "email" or "phone"); a pair queued already is left as it is."""
    PossibleDuplicate.objects.bulk_create(
        [
            PossibleDuplicate(
                committee_id=person.committee_id,
                campaign=campaign,
                person=person,
                existing_id=existing_id,
                matched_on=matched_on,
                created_by=by,
            )
            for person, existing_id, matched_on in found
        ],
        ignore_conflicts=True,
    )


def channels_add_typed(
    *, person: Person, email: str = "", phone: str = "", is_new: bool, campaign_id: int | None
) -> None:
    """Add a typed email and phone the person does not have yet, tagged with the campaign
    they were added on (only its team and the leads see them; None: everyone who sees the
    person). On a new person they are the primary ones; on a known person never: what
    someone types when adding a person must not become where that person's messages go (a
    lead or the person chooses the primary)."""
    if email and not person.emails.filter(email__iexact=email).exists():
        PersonEmail.objects.create(
            person=person, email=email, is_primary=is_new, campaign_id=campaign_id
        )
    if phone and not person.phones.filter(number=phone).exists():
        PersonPhone.objects.create(
            person=person, number=phone, is_primary=is_new, campaign_id=campaign_id
        )


def possible_duplicates_waiting(*, user: User, committee_id: int) -> int:
    """How many possible duplicates wait for `user`, a lead of the committee (0 for anyone
    else): one query."""
    return PossibleDuplicate.objects.filter(
        committee_id=committee_id,
        status=PossibleDuplicate.Status.OPEN,
        committee__memberships__user=user,
        committee__memberships__role=Membership.Role.LEAD,
    ).count()
