"""Reads for running actions: the list, one action's counts and invitees, and whom an
invitation would reach.

The action page stays fast with thousands invited: the counts are one aggregate, the
invitation emails' states one grouped count, and the invitees a page of rows (each with its
email's state from a subquery), so the page costs the same few queries at any size.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from campaigns.access import actions_visible_to, campaigns_visible_to, people_visible_to
from campaigns.actions.selectors import turnout
from campaigns.actions.selectors.turnout import RsvpCounts, rsvp_counts
from campaigns.models import Action, Campaign, OutboxMessage, Rsvp, Site, Unit
from campaigns.roster.search import people_matching
from campaigns.roster.units import roster_active, unit_places, unit_subtree_ids
from members.models import Committee, Membership, Person, Tag, User

INVITEES_PER_PAGE = 50
PAST_SHOWN = 30
SEARCH_RESULTS = 20
# The invitee list's filters: the URL's ?show= value and what it keeps.
SHOW = {
    "yes": turnout.YES,
    "maybe": turnout.MAYBE,
    "no": turnout.NO,
    "none": turnout.NO_ANSWER,
    "walk_in": turnout.WALK_IN,
    "waitlist": turnout.WAITLISTED,
    "failed": Q(email_status=OutboxMessage.Status.FAILED),
}
CONFIRMED_YES = Q(rsvps__response=Rsvp.Response.YES, rsvps__waitlisted_at__isnull=True)


# --- Where and for whom -------------------------------------------------------------------------


def action_committee(user: User) -> Committee | None:
    """The committee a user sets actions up in: the first where they lead or organize."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(
            user=user, role__in=[Membership.Role.LEAD, Membership.Role.ORGANIZER]
        )
        .select_related("committee")
        .order_by("pk")
        .first()
    )
    return membership.committee if membership is not None else None


def action_campaigns(user: User, committee: Committee) -> QuerySet[Campaign]:
    """Campaigns of the committee the user may put an action on."""
    return campaigns_visible_to(user).filter(committee=committee).order_by("code_name")


def action_sites(campaigns: QuerySet[Campaign]) -> list[Site]:
    return list(
        Site.objects.filter(campaign__in=campaigns)
        .select_related("campaign")
        .order_by("campaign__code_name", "position", "name")
    )


# --- The list -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionList:
    upcoming: list[Action]
    past: list[Action]


def actions_for_list(user: User, now: datetime | None = None) -> ActionList:
    """Actions the user may run, with their yes and maybe counts: upcoming soonest first,
    then the latest past ones. Two queries."""
    now = now or timezone.now()
    actions = (
        actions_visible_to(user)
        .select_related("campaign", "site")
        .annotate(
            yes_count=Count("rsvps", filter=CONFIRMED_YES),
            seats=Sum(F("rsvps__guests") + 1, filter=CONFIRMED_YES),
            maybe_count=Count("rsvps", filter=Q(rsvps__response=Rsvp.Response.MAYBE)),
            invited_count=Count("rsvps", filter=Q(rsvps__invited_at__isnull=False)),
        )
    )
    return ActionList(
        upcoming=list(actions.filter(ends_at__gte=now).order_by("starts_at", "pk")),
        past=list(actions.filter(ends_at__lt=now).order_by("-starts_at", "-pk")[:PAST_SHOWN]),
    )


# --- One action ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionCounts(RsvpCounts):
    """Who is coming, in numbers (the same as on the turnout page and the dashboard), with
    the action's capacity and its invitation emails' states."""

    capacity: int | None = None
    emails: dict[str, int] = field(default_factory=dict)  # invitation email status -> count

    @property
    def places_left(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.seats, 0)

    @property
    def emails_failed(self) -> int:
        return self.emails.get(OutboxMessage.Status.FAILED, 0)

    @property
    def emails_sent(self) -> int:
        return self.emails.get(OutboxMessage.Status.SENT, 0)

    @property
    def emails_on_the_way(self) -> int:
        pending = self.emails.get(OutboxMessage.Status.PENDING, 0)
        return pending + self.emails.get(OutboxMessage.Status.SENDING, 0)

    @property
    def emails_suppressed(self) -> int:
        return self.emails.get(OutboxMessage.Status.SUPPRESSED, 0)


def action_counts(action: Action) -> ActionCounts:
    """Every count on the action page: one aggregate over the RSVPs (selectors.turnout's),
    one over the emails."""
    emails = dict(
        OutboxMessage.objects.filter(action=action, kind=OutboxMessage.Kind.ACTION_INVITATION)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    counts = rsvp_counts(action)
    return ActionCounts(**asdict(counts), capacity=action.capacity, emails=emails)


def other_people(action: Action, named: Q | None) -> RsvpCounts | None:
    """How many of the action's people fall outside `named` (campaigns.access.
    action_people_named_to with person="person_id"), by answer; None when all are named.
    One query."""
    if named is None:
        return None
    return rsvp_counts(action, Rsvp.objects.filter(action=action).exclude(named))


def invitees(
    action: Action,
    *,
    show: str = "",
    query: str = "",
    page: int | str = 1,
    named: Q | None = None,
) -> Page:
    """One page of the people on the action (invited, or who answered without an
    invitation), by name, each with their invitation email's latest state; only those the
    viewer may name (`named`, see other_people)."""
    email = OutboxMessage.objects.filter(
        kind=OutboxMessage.Kind.ACTION_INVITATION,
        action_id=OuterRef("action_id"),
        person_id=OuterRef("person_id"),
    ).order_by("-due_at", "-pk")
    rows = (
        Rsvp.objects.filter(action=action)
        .select_related("person")
        .annotate(
            email_status=Subquery(email.values("status")[:1]),
            email_reason=Subquery(email.values("reason")[:1]),
        )
        .order_by("person__family_name", "person__given_name", "pk")
    )
    if named is not None:
        rows = rows.filter(named)
    if show in SHOW:
        rows = rows.filter(SHOW[show])
    query = query.strip()
    if query:
        rows = rows.filter(_name_matches(query, prefix="person__"))
    return Paginator(rows, INVITEES_PER_PAGE).get_page(page)


def _name_matches(query: str, *, prefix: str = "") -> Q:
    """Every word typed is in one of the names."""
    match = Q()
    for word in query.split()[:5]:
        match &= (
            Q(**{f"{prefix}given_name__icontains": word})
            | Q(**{f"{prefix}family_name__icontains": word})
            | Q(**{f"{prefix}preferred_name__icontains": word})
        )
    return match


# --- Inviting -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class InviteCriteria:
    """Whom to invite: a group of a campaign's roster, or people picked one by one."""

    who: str  # "group" or "people"
    campaign: Campaign | None = None
    unit: Unit | None = None
    assessment_from: int | None = None
    assessment_to: int | None = None
    leaders: bool = False
    tag: Tag | None = None
    people: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class InvitePreview:
    """What an invitation would do: `new` people invited now; `already` were invited before;
    `do_not_contact` matched but are left out."""

    matching: int
    already: int
    do_not_contact: int
    new: int


def invite_campaigns(user: User, action: Action) -> QuerySet[Campaign]:
    """The rosters an action's invitations may draw on: its campaign's, or, committee-wide,
    any of the committee's campaigns the user may see."""
    if action.campaign_id is not None:
        return Campaign.objects.filter(pk=action.campaign_id)
    return action_campaigns(user, action.committee)


def invite_pool(user: User, action: Action) -> QuerySet[Person]:
    """Everyone the user may invite to this action: the campaign's roster, or, for a
    committee-wide action, the people of the committee the user may see."""
    if action.campaign_id is not None:
        on_roster = roster_active(action.campaign_id).values("person_id")
        return Person.objects.filter(pk__in=on_roster)
    return people_visible_to(user).filter(committee_id=action.committee_id)


def invite_units(campaigns: QuerySet[Campaign]) -> list[tuple[Unit, str]]:
    """The units of these campaigns with their path ("Site › Floor 2 › 2B"), in tree order."""
    places = unit_places(Unit.objects.filter(site__campaign__in=campaigns))
    return [(place.unit, place.path) for place in places]


def invite_matching(user: User, action: Action, criteria: InviteCriteria) -> QuerySet[Person]:
    """The people the criteria pick, within whom the user may invite."""
    pool = invite_pool(user, action)
    if criteria.who == "people":
        return pool.filter(pk__in=criteria.people)
    if criteria.campaign is None:
        return Person.objects.none()
    entries = roster_active(criteria.campaign.pk)
    if criteria.unit is not None:  # inviting a floor invites its apartments
        entries = entries.filter(unit_id__in=unit_subtree_ids(criteria.unit))
    if criteria.assessment_from is not None:
        entries = entries.filter(assessment__gte=criteria.assessment_from)
    if criteria.assessment_to is not None:
        entries = entries.filter(assessment__lte=criteria.assessment_to)
    if criteria.leaders:
        entries = entries.filter(is_leader=True)
    if criteria.tag is not None:
        entries = entries.filter(person__tags=criteria.tag)
    return pool.filter(pk__in=entries.values("person_id"))


def _already_invited(action: Action) -> Exists:
    return Exists(
        Rsvp.objects.filter(action=action, person=OuterRef("pk"), invited_at__isnull=False)
    )


def invite_preview(action: Action, people: QuerySet[Person]) -> InvitePreview:
    """How many the invitation would reach, in one query."""
    invited = Q(_already_invited(action))
    # Aliases apart from the fields' names: an aggregate named like a field shadows it.
    row = people.aggregate(
        n_matching=Count("pk"),
        n_already=Count("pk", filter=invited),
        n_do_not_contact=Count("pk", filter=~invited & Q(do_not_contact=True)),
        n_new=Count("pk", filter=~invited & Q(do_not_contact=False)),
    )
    return InvitePreview(**{name.removeprefix("n_"): value for name, value in row.items()})


def invite_recipients(action: Action, people: QuerySet[Person]) -> list[Person]:
    """Those to invite now: not invited yet, and not on do-not-contact."""
    return list(
        people.annotate(already=_already_invited(action))
        .filter(already=False, do_not_contact=False)
        .only("pk", "committee_id")
    )


def invite_search(user: User, action: Action, query: str) -> list[Person]:
    """People to pick one by one, by name or phone (as the other searches find them), within
    whom the user may invite."""
    query = query.strip()
    if not query:
        return []
    phones_of = campaigns_visible_to(user).values("pk")
    found = people_matching(invite_pool(user, action), query, phones_of=phones_of)
    return list(found.annotate(already=_already_invited(action))[:SEARCH_RESULTS])


def people_picked(user: User, action: Action, ids: list[int]) -> list[Person]:
    """The people already picked (kept ticked while searching for more)."""
    if not ids:
        return []
    return list(
        invite_pool(user, action)
        .filter(pk__in=ids)
        .annotate(already=_already_invited(action))
        .order_by("family_name", "given_name", "pk")
    )


def action_local_context(action: Action) -> dict[str, Any]:
    """An action as a member sees it, in an email or on the emailed link's page: its times in
    its own time zone (where it happens), and the campaign's code name, never its target."""
    zone = ZoneInfo(action.time_zone)
    starts = timezone.localtime(action.starts_at, zone)
    ends = timezone.localtime(action.ends_at, zone)
    return {
        "action": action,
        "code_name": action.campaign.code_name if action.campaign else "",
        "starts": starts,
        "ends": ends,
        "same_day": starts.date() == ends.date(),
        "zone": action.time_zone,
    }
