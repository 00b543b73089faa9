"""Reads for the door and afterwards: who is expected, finding a name, who came (the counts
and turnout are in selectors.turnout), and a person's history of actions."""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias, TypedDict
from zoneinfo import ZoneInfo

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from campaigns.access import actions_visible_to, campaigns_visible_to, people_visible_to
from campaigns.models import Action, Rsvp
from campaigns.roster.search import people_matching
from members.clock import zone_for
from members.models import Person, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

RESULTS = 30
NAME_ORDER = ["person__family_name", "person__given_name", "person__pk"]


@dataclass(frozen=True)
class CheckinRow:
    """One line at the door: a person and their RSVP to this action (None: not on the list)."""

    person: Person
    rsvp: Rsvp | None

    @property
    def checked_in(self) -> bool:
        return self.rsvp is not None and self.rsvp.attended is True


def _named(rsvps: QuerySet[Rsvp], named: Q | None) -> QuerySet[Rsvp]:
    """Only the RSVPs of people the viewer may name (campaigns.access.action_people_named_to,
    person="person_id"; None: everyone)."""
    return rsvps if named is None else rsvps.filter(named)


def expected(action: Action, named: Q | None = None) -> list[CheckinRow]:
    """Who is expected, yes first, then maybe, then invited without an answer; anyone already
    checked in stays on the list (a walk-in, a "no" who came after all). One query."""
    rsvps = _named(action.rsvps.all(), named).filter(
        Q(response__in=[Rsvp.Response.YES, Rsvp.Response.MAYBE])
        | Q(response=Rsvp.Response.NONE, invited_at__isnull=False)
        | Q(attended=True)
    )
    return _rows(_ranked(rsvps).order_by("rank", *NAME_ORDER))


def search_list(
    action: Action, query: str, *, user: User, named: Q | None = None
) -> list[CheckinRow]:
    """Anyone with an RSVP to this action the viewer may name, by phone digits or a
    typo-tolerant name."""
    rsvps = _named(action.rsvps.select_related("person"), named)
    phones_of = campaigns_visible_to(user).values("pk")
    return _rows(people_matching(rsvps, query, phones_of=phones_of, prefix="person__")[:RESULTS])


def search_walk_in(
    *, action: Action, user: User, query: str, named: Q | None = None
) -> list[CheckinRow]:
    """People of the action's committee the user may see (and name, for a committee-wide
    action: `named` with person="pk"), by phone or name, each with their RSVP to this action
    if they have one: two queries."""
    query = query.strip()
    if not query:
        return []
    people = people_visible_to(user).filter(committee_id=action.committee_id)
    if named is not None:
        people = people.filter(named)
    phones_of = campaigns_visible_to(user).values("pk")
    found = list(people_matching(people, query, phones_of=phones_of)[:RESULTS])
    rsvps = {r.person_id: r for r in action.rsvps.filter(person__in=[p.pk for p in found])}
    return [CheckinRow(person=person, rsvp=rsvps.get(person.pk)) for person in found]


def checkin_row(action: Action, person: Person) -> CheckinRow:
    return CheckinRow(person=person, rsvp=action.rsvps.filter(person=person).first())


def checked_in_count(action: Action) -> int:
    return action.rsvps.filter(attended=True).count()


def person_for_checkin(
    *, action: Action, user: User, person_id: int, named: Q | None = None
) -> Person | None:
    """Someone who may be checked in here: on this action's list, or one of the committee's
    people the user may see (a walk-in); on a committee-wide action, only people the user may
    name (`named` with person="pk"). None for anyone else, so the view answers 404."""
    on_list = Q(rsvps__action=action)
    visible = Q(pk__in=people_visible_to(user).filter(committee_id=action.committee_id))
    people = Person.objects.filter(on_list | visible, pk=person_id)
    if named is not None:
        people = people.filter(named)
    return people.distinct().first()


class _Rank(TypedDict):
    rank: int


# An RSVP with its place in the list: yes, maybe, no answer, then the rest.
RankedRsvp: TypeAlias = "WithAnnotations[Rsvp, _Rank]"


def _ranked(rsvps: QuerySet[Rsvp]) -> QuerySet[RankedRsvp]:
    return rsvps.select_related("person").annotate(
        rank=Case(
            When(response=Rsvp.Response.YES, then=Value(0)),
            When(response=Rsvp.Response.MAYBE, then=Value(1)),
            When(response=Rsvp.Response.NONE, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    )


def _rows(rsvps) -> list[CheckinRow]:
    return [CheckinRow(person=rsvp.person, rsvp=rsvp) for rsvp in rsvps]


# --- Afterwards ----------------------------------------------------------------------------------


def attendance_list(action: Action, named: Q | None = None) -> list[Rsvp]:
    """Everyone who said yes or whose attendance was recorded (and whom the viewer may name),
    for flipping came / no-show."""
    rsvps = _named(action.rsvps.all(), named).filter(
        Q(response=Rsvp.Response.YES) | Q(attended__isnull=False)
    )
    return list(_ranked(rsvps).order_by("rank", *NAME_ORDER))


def has_started(action: Action, now: datetime) -> bool:
    return action.starts_at <= now


# --- A person's actions ------------------------------------------------------------------------


def person_action_history(*, person: Person, user: User) -> list[Rsvp]:
    """The person's invitations, answers and attendance, newest action first, only for actions
    the viewer may run; each action's date is given in its own zone as `.local_date`."""
    rsvps = list(
        Rsvp.objects.filter(person=person, action__in=actions_visible_to(user))
        .select_related("action")
        .order_by("-action__starts_at", "-pk")
    )
    for rsvp in rsvps:
        rsvp.local_date = rsvp.action.starts_at.astimezone(_zone(rsvp.action.time_zone)).date()
    return rsvps


def _zone(name: str) -> ZoneInfo:
    return zone_for(name)
