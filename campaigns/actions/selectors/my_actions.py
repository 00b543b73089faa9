"""My actions: what one member sees of the actions they may come to.

A member sees an action when they have an RSVP for it (invited, or answered), or when it is
open to the whole campaign and they are on that campaign's roster (or, committee-wide, in that
committee). They never see who else is invited or what anyone else answered. A cancelled action
shows only to those who had an RSVP: it tells them not to come; to anyone else it is noise.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from campaigns.access import person_of_user
from campaigns.actions.services.rsvps import rsvp_open_problem
from campaigns.models import Action, RosterEntry, Rsvp
from members.models import Person, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

PAST_CAP = 20
OPEN_TO_MEMBERS = [Action.Visibility.CAMPAIGN, Action.Visibility.PUBLIC]


class _Mine(TypedDict):
    mine: list[Rsvp]


# An action with the one person's RSVP, if any, prefetched as `mine`.
ActionOfMine: TypeAlias = "WithAnnotations[Action, _Mine]"


@dataclass
class MyAction:
    """One action as its member sees it: their own RSVP (or None) and whether it takes answers."""

    action: Action
    rsvp: Rsvp | None
    problem: str | None  # why it takes no answers now (cancelled, over, closed), or None
    section: str  # "invited" (waiting for their answer), "upcoming" or "past"
    # Set by the view right after an answer: the card's message and the form as submitted.
    flash: object = None
    form: object = None

    @property
    def response(self) -> str:
        return self.rsvp.response if self.rsvp else ""

    @property
    def is_waitlisted(self) -> bool:
        return self.rsvp is not None and self.rsvp.is_waitlisted

    @property
    def attended(self) -> bool | None:
        return self.rsvp.attended if self.rsvp else None


@dataclass
class MyActions:
    invited: list[MyAction]
    upcoming: list[MyAction]
    past: list[MyAction]


def actions_for_member(person: Person) -> QuerySet[Action]:
    """Every action the person may see and answer (see the module's docstring)."""
    mine = Rsvp.objects.filter(action=OuterRef("pk"), person=person)
    on_roster = RosterEntry.objects.filter(person=person, removed_at=None).values("campaign_id")
    open_to_them = Q(visibility__in=OPEN_TO_MEMBERS, cancelled_at=None) & (
        Q(campaign_id__in=on_roster) | Q(campaign=None, committee_id=person.committee_id)
    )
    return Action.objects.filter(Q(Exists(mine)) | open_to_them)


def my_action_for_user(user: User, action_id: int) -> MyAction:
    """One action the user's person may see, or 404 (also for a login with no person)."""
    person = person_of_user(user)
    if person is None:
        raise Http404
    return my_action_of(person, action_id)


def my_action_of(person: Person, action_id: int) -> MyAction:
    """One action the person may see, or 404."""
    action = get_object_or_404(_with_mine(actions_for_member(person), person), pk=action_id)
    return _as_mine(action)


def my_actions_build(person: Person, *, now: datetime | None = None) -> MyActions:
    """The person's invitations waiting for an answer, what is coming, and the recent past."""
    now = now or timezone.now()
    visible = _with_mine(actions_for_member(person), person)
    coming = [_as_mine(action, now) for action in visible.filter(ends_at__gt=now)]
    past_with_rsvp = visible.filter(ends_at__lte=now, rsvps__person=person)
    past = [_as_mine(action, now) for action in past_with_rsvp.order_by("-starts_at")[:PAST_CAP]]
    return MyActions(
        invited=[mine for mine in coming if mine.section == "invited"],
        upcoming=[mine for mine in coming if mine.section == "upcoming"],
        past=past,
    )


def people_new_from_rsvp(action: Action) -> QuerySet[Person]:
    """People the public RSVP form created for this action ("new from RSVP"): organizers check
    them and place them on a roster."""
    return Person.objects.filter(rsvps__action=action, rsvps__created_person=True).prefetch_related(
        "emails", "phones"
    )


def _with_mine(actions: QuerySet[Action], person: Person) -> QuerySet[ActionOfMine]:
    return actions.select_related("campaign", "committee", "site").prefetch_related(
        Prefetch("rsvps", queryset=Rsvp.objects.filter(person=person), to_attr="mine")
    )


def _as_mine(action: ActionOfMine, now: datetime | None = None) -> MyAction:
    now = now or timezone.now()
    rsvp = action.mine[0] if action.mine else None
    return MyAction(
        action=action,
        rsvp=rsvp,
        problem=rsvp_open_problem(action, now),
        section=_section(action, rsvp, now),
    )


def _section(action: Action, rsvp: Rsvp | None, now: datetime) -> str:
    if action.ends_at <= now:
        return "past"
    if rsvp is not None and not rsvp.response and not action.is_cancelled:
        return "invited"
    return "upcoming"
