"""Finding the person someone is adding, by the email or phone typed, without revealing people
the adder may not see.

One rule for every way someone is added (the roster's Add form, a walk-in at check-in, an
import): a match the adder may see (campaigns.access.people_visible_to) is reused, as before;
a match they may not see is never attached nor mentioned: the adder gets a new record, the same
answer as for someone unknown, and a PossibleDuplicate waits for a committee lead.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from campaigns.access import people_visible_to
from campaigns.models import Campaign, PossibleDuplicate
from members.models import Committee, Membership, Person, PersonEmail, PersonPhone, User
from members.selectors import person_matching


@dataclass(frozen=True)
class Match:
    """What an email or phone found: `person`, reused; or `hidden`, a match the adder may not
    see (never shown to them, only queued for a lead), with what it matched on."""

    person: Person | None = None
    hidden: Person | None = None
    matched_on: str = ""


def person_match_for(
    *, user: User, committee: Committee, email: str = "", phone: str = ""
) -> Match:
    """The committee's person with this email or phone (`phone` in E.164): one `user` may see
    first (so adding again whom they added before finds their record), then anyone's."""
    if not (email or phone):
        return Match()
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


def channels_add_typed(*, person: Person, email: str = "", phone: str = "", is_new: bool) -> None:
    """Add a typed email and phone the person does not have yet. On a new person they are the
    primary ones; on a known person never: what someone types when adding a person must not
    become where that person's messages go (a lead or the person chooses the primary)."""
    if email and not person.emails.filter(email__iexact=email).exists():
        PersonEmail.objects.create(person=person, email=email, is_primary=is_new)
    if phone and not person.phones.filter(number=phone).exists():
        PersonPhone.objects.create(person=person, number=phone, is_primary=is_new)


def possible_duplicates_waiting(*, user: User, committee_id: int) -> int:
    """How many possible duplicates wait for `user`, a lead of the committee (0 for anyone
    else): one query."""
    return PossibleDuplicate.objects.filter(
        committee_id=committee_id,
        status=PossibleDuplicate.Status.OPEN,
        committee__memberships__user=user,
        committee__memberships__role=Membership.Role.LEAD,
    ).count()
