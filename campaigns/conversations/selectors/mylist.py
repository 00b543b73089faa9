"""My list: what one organizer should do next, across every campaign they may see.

"My" means assigned to me: my open follow-ups, my scheduled one-on-ones, the people on my
roster. Each section is one or two queries however much data there is: the last contact is
an aggregate subquery over conversations, never a query per row.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from campaigns.access import campaigns_visible_to
from campaigns.models import Conversation, FollowUp, RosterEntry, ScheduledOneOnOne
from members.clock import day_of, midnight, today_for, zone_for
from members.models import Membership, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

QUIET_DAYS = 21
WEEK_DAYS = 7
CAP = 50


class _LastContact(TypedDict):
    last_contact: datetime | None


# A roster entry with the time of the last conversation with the person there.
MyEntry: TypeAlias = "WithAnnotations[RosterEntry, _LastContact]"


@dataclass
class Section:
    """Up to CAP rows of a section, and how many there are in all."""

    rows: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


@dataclass
class MyList:
    today: date
    follow_ups: list[FollowUp]
    scheduled: list[ScheduledOneOnOne]
    quiet: Section
    unassessed: Section

    @property
    def overdue_count(self) -> int:
        return sum(1 for f in self.follow_ups if f.due_on < self.today)


def my_list_allowed(user: User) -> bool:
    """Organizers and leads with at least one campaign they may see have a list."""
    is_organizer = Membership.objects.filter(
        user=user, role__in=[Membership.Role.ORGANIZER, Membership.Role.LEAD]
    )
    return is_organizer.exists() and campaigns_visible_to(user).exists()


def my_list_build(user: User, *, cap: int = CAP) -> MyList:
    """Every section of the user's list, "today" in the committee's time zone."""
    today = today_for(user)
    return MyList(
        today=today,
        follow_ups=_follow_ups_due(user, today),
        scheduled=_scheduled_this_week(user, today),
        quiet=_section(_quiet(user, today), cap, user),
        unassessed=_section(_my_entries(user).filter(assessment=None), cap, user),
    )


def _midnight(day: date, user: User) -> datetime:
    """Midnight on the user's committee's clock."""
    return midnight(day, user)


def _on_roster(outer: str = "campaign") -> Exists:
    return Exists(
        RosterEntry.objects.filter(
            campaign=OuterRef(outer), person=OuterRef("person"), removed_at=None
        )
    )


def _unit_name() -> Subquery:
    return Subquery(
        RosterEntry.objects.filter(
            campaign=OuterRef("campaign"), person=OuterRef("person"), removed_at=None
        ).values("unit__name")[:1]
    )


def _site_zone() -> Subquery:
    """The time zone of the person's site there: a one-on-one shows on its site's clock."""
    return Subquery(
        RosterEntry.objects.filter(
            campaign=OuterRef("campaign"), person=OuterRef("person"), removed_at=None
        ).values("unit__site__time_zone")[:1]
    )


def _follow_ups_due(user: User, today: date) -> list[FollowUp]:
    """Open follow-ups due today or earlier, the most overdue first."""
    follow_ups = FollowUp.objects.filter(
        _on_roster(),
        organizer=user,
        closed_at=None,
        due_on__lte=today,
        campaign__in=campaigns_visible_to(user),
    )
    rows: list[FollowUp] = list(
        follow_ups.select_related("person", "campaign")
        .annotate(unit_name=_unit_name())
        .order_by("due_on", "person__family_name", "pk")
    )
    for row in rows:
        row.days_late = (today - row.due_on).days
    return rows


def _scheduled_this_week(user: User, today: date) -> list[ScheduledOneOnOne]:
    """One-on-ones set from today's midnight to seven days on, not yet held or cancelled."""
    scheduled = ScheduledOneOnOne.objects.filter(
        _on_roster(),
        organizer=user,
        held_in=None,
        cancelled_at=None,
        starts_at__gte=_midnight(today, user),
        starts_at__lt=_midnight(today + timedelta(days=WEEK_DAYS), user),
        campaign__in=campaigns_visible_to(user),
    )
    rows: list[ScheduledOneOnOne] = list(
        scheduled.select_related("person", "campaign")
        .annotate(unit_name=_unit_name(), site_zone=_site_zone())
        .order_by("starts_at", "pk")
    )
    for row in rows:
        row.zone = str(zone_for(row.site_zone or user))  # type: ignore[attr-defined]
        row.is_today = day_of(row.starts_at, row.zone) == today
    return rows


def _my_entries(user: User) -> QuerySet[MyEntry]:
    """My active roster entries, each with the last time anyone talked with the person there."""
    last = Conversation.objects.filter(campaign=OuterRef("campaign"), person=OuterRef("person"))
    return (
        RosterEntry.objects.filter(
            organizer=user, removed_at=None, campaign__in=campaigns_visible_to(user)
        )
        .select_related("person", "campaign", "unit")
        .annotate(last_contact=Subquery(last.order_by("-happened_at").values("happened_at")[:1]))
        .order_by(
            F("last_contact").asc(nulls_first=True), "person__family_name", "person__given_name"
        )
    )


def _quiet(user: User, today: date) -> QuerySet[MyEntry]:
    """Not talked with for QUIET_DAYS days or more (by calendar day), or never."""
    cutoff = _midnight(today - timedelta(days=QUIET_DAYS - 1), user)
    return _my_entries(user).filter(Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff))


def _section(entries: QuerySet[MyEntry], cap: int, user: User) -> Section:
    rows = list(entries[:cap])
    total = len(rows) if len(rows) < cap else entries.count()
    today = today_for(user)
    for row in rows:
        row.days_quiet = (
            None if row.last_contact is None else (today - day_of(row.last_contact, user)).days
        )
    return Section(rows=rows, total=total)
