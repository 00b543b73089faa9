"""My list: what one organizer should do next, across every campaign they may see.

"My" means assigned to me: my open follow-ups, my scheduled one-on-ones, the people on my
roster. A person appears once (once per campaign: each row logs a talk on one campaign), in the
most urgent section they belong to, in the order of SECTIONS: a section leaves out whoever an
earlier one holds, so the counts add up to the people to see. Each page of a section is one
query however much data there is: its rows, and how many in all by a window count; the last
contact is an aggregate subquery over conversations, never a query per row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeAlias, TypedDict

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.utils.translation import gettext_lazy as _

from campaigns.access import campaigns_visible_to
from campaigns.models import Conversation, FollowUp, RosterEntry, ScheduledOneOnOne, SignupDrive
from campaigns.roster.signatures import FRESH, UNSIGNED, drive_open_on, people_statuses
from members.clock import day_of, midnight, today_for, zone_for
from members.models import Membership, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

QUIET_DAYS = 21
WEEK_DAYS = 7
PAGE_SIZE = 10

OVERDUE = "overdue"
TODAY = "one-on-ones-today"
DUE_TODAY = "due-today"
UNASSESSED = "unassessed"
THIS_WEEK = "one-on-ones-this-week"
QUIET = "quiet"
# The most urgent first: a person in two sections shows in the first of them only.
SECTIONS = (OVERDUE, TODAY, DUE_TODAY, UNASSESSED, THIS_WEEK, QUIET)
# Each section's heading, and its short name in the jump links at the top.
TITLES = {
    OVERDUE: (_("Overdue follow-ups"), _("Overdue")),
    TODAY: (_("One-on-ones today"), _("Today")),
    DUE_TODAY: (_("Follow-ups due today"), _("Due today")),
    UNASSESSED: (_("Not assessed yet"), _("Not assessed")),
    THIS_WEEK: (_("One-on-ones this week"), _("This week")),
    QUIET: (_("Not talked with in three weeks"), _("Not talked with")),
}
FOLLOW_UPS = (OVERDUE, DUE_TODAY)
SCHEDULED = (TODAY, THIS_WEEK)


class _LastContact(TypedDict):
    last_contact: datetime | None


# A roster entry with the time of the last conversation with the person there.
MyEntry: TypeAlias = "WithAnnotations[RosterEntry, _LastContact]"


@dataclass
class Section:
    """One page of a section (`size` rows from page `page`), and how many it holds in all."""

    slug: str
    rows: list
    total: int
    page: int = 1
    size: int = PAGE_SIZE

    @property
    def title(self) -> str:
        return str(TITLES[self.slug][0])

    @property
    def short_title(self) -> str:
        return str(TITLES[self.slug][1])

    @property
    def kind(self) -> str:
        """What a row is: "follow_up", "scheduled" or "entry" (a person on my roster)."""
        if self.slug in FOLLOW_UPS:
            return "follow_up"
        return "scheduled" if self.slug in SCHEDULED else "entry"

    @property
    def more(self) -> int:
        """How many come after this page."""
        return max(self.total - (self.page - 1) * self.size - len(self.rows), 0)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def first(self) -> int:
        """The place of this page's first row in the section, counting from 1."""
        return (self.page - 1) * self.size + 1

    @property
    def last(self) -> int:
        return self.first + len(self.rows) - 1


@dataclass
class Unsigned:
    """Supporters (1s and 2s) assigned to me, on campaigns with a drive running, with no fresh
    signature on it (the campaign's most recent drive): the first `rows`, of `total`. Apart
    from SECTIONS: a supporter with a follow-up due is in both, as both are to do."""

    rows: list["UnsignedRow"]
    total: int


@dataclass(frozen=True)
class UnsignedRow:
    entry: RosterEntry
    drive: SignupDrive
    status: str  # not signed, stale or revoked (campaigns.roster.signatures)


SUPPORTERS = (1, 2)


@dataclass(frozen=True)
class PartRow:
    entry: RosterEntry
    reason: str  # why they are listed, in words (never a number only the area knows)


@dataclass
class Part:
    """A list an area above this one adds at the bottom of My list (my_list_part_register):
    people assigned to me, each with why, the first `rows` of `total`. Apart from SECTIONS,
    like Unsigned: it says something about the person, not a talk that is due."""

    slug: str
    title: str
    short_title: str
    rows: list[PartRow]
    total: int


# (user, the campaigns they may see, today on their committee's clock, rows per list) -> a
# part, or None when it has nobody in it.
PartLister = Callable[[User, list[int], date, int], Part | None]
PARTS: list[PartLister] = []


def my_list_part_register(lister: PartLister) -> None:
    """Add a part to every My list (once, however often registered). My list reads no other
    area's records: an area that knows something of people (their dues) registers here."""
    if lister not in PARTS:
        PARTS.append(lister)


@dataclass
class MyList:
    today: date
    sections: list[Section]
    unsigned: Unsigned | None = None
    parts: list[Part] = field(default_factory=list)

    @property
    def shown(self) -> list[Section]:
        """The sections with someone in them: an empty one is not worth a screen of a phone."""
        return [section for section in self.sections if section.total]

    def section(self, slug: str) -> Section:
        return self.sections[SECTIONS.index(slug)]

    @property
    def follow_ups(self) -> list[FollowUp]:
        return [row for s in self.sections if s.kind == "follow_up" for row in s.rows]


def my_list_allowed(user: User) -> bool:
    """Organizers and leads with at least one campaign they may see have a list."""
    is_organizer = Membership.objects.filter(
        user=user, role__in=[Membership.Role.ORGANIZER, Membership.Role.LEAD]
    )
    return is_organizer.exists() and campaigns_visible_to(user).exists()


def my_list_build(user: User, *, size: int = PAGE_SIZE) -> MyList:
    """The first page of every section of the user's list, "today" in the committee's time
    zone."""
    today = today_for(user)
    visible = _visible(user)
    return MyList(
        today=today,
        sections=[_page(user, visible, today, slug, page=1, size=size) for slug in SECTIONS],
        unsigned=my_unsigned(user, visible, today, size=size),
        parts=[part for lister in PARTS if (part := lister(user, visible, today, size))],
    )


def my_unsigned(user: User, visible: list[int], today: date, *, size: int) -> Unsigned | None:
    """My supporters who have not signed the current drive of their campaign (not signed,
    stale or revoked): three queries (my supporters, the drives, their statuses by the
    counting rule of campaigns.roster.signatures), one when no drive runs."""
    any_running = SignupDrive.objects.filter(
        campaign=OuterRef("campaign"), closed_at=None, opens_on__lte=today
    )
    entries = list(
        RosterEntry.objects.filter(
            Exists(any_running),
            organizer=user,
            removed_at=None,
            campaign__in=visible,
            assessment__in=SUPPORTERS,
        )
        .select_related("person", "campaign", "unit")
        .order_by("assessment", "person__family_name", "person__given_name", "pk")
    )
    if not entries:
        return None
    current: dict[int, SignupDrive] = {}
    candidates = SignupDrive.objects.filter(
        campaign_id__in={entry.campaign_id for entry in entries}, closed_at=None
    ).select_related("campaign__committee")
    for drive in candidates.order_by("-opens_on", "-pk"):
        if drive.campaign_id not in current and drive_open_on(drive, today):
            current[drive.campaign_id] = drive
    people = sorted({entry.person_id for entry in entries})
    statuses = people_statuses(people, list(current.values()), day=today)
    rows = []
    for entry in entries:
        running = current.get(entry.campaign_id)
        if running is None:
            continue
        row = statuses.get((running.pk, entry.person_id))
        if row is None or row.status != FRESH:
            rows.append(UnsignedRow(entry, running, row.status if row else UNSIGNED))
    return Unsigned(rows=rows[:size], total=len(rows)) if rows else None


def my_list_page(user: User, *, section: str, page: int, size: int = PAGE_SIZE) -> Section:
    """One page of one section (a slug of SECTIONS): "show more" on the list, or its own page."""
    today = today_for(user)
    return _page(user, _visible(user), today, section, page=page, size=size)


def _visible(user: User) -> list[int]:
    """The campaigns the user may see, fetched once: as a subquery in each section's query,
    it costs more to plan than the whole query takes to run."""
    return list(campaigns_visible_to(user).values_list("pk", flat=True))


def _page(
    user: User, visible: list[int], today: date, slug: str, *, page: int, size: int
) -> Section:
    rows_qs = _deduplicated(_listed(user, visible, today, slug), _rules(user, today), slug)
    start = (page - 1) * size
    rows = list(_shown(slug, rows_qs).annotate(total=Window(Count("pk")))[start : start + size])
    total = rows[0].total if rows else (0 if page == 1 else rows_qs.count())
    _describe(slug, rows, today, user)
    return Section(slug=slug, rows=rows, total=total, page=page, size=size)


def _rules(user: User, today: date) -> dict[str, QuerySet[Any]]:
    """Who is in each section by its own rule alone, to leave them out of a later one. No
    campaign or roster check: the row matched against them has passed those."""
    follow_ups = FollowUp.objects.filter(organizer=user, closed_at=None)
    scheduled = ScheduledOneOnOne.objects.filter(organizer=user, held_in=None, cancelled_at=None)
    tomorrow = _midnight(today + timedelta(days=1), user)
    return {
        OVERDUE: follow_ups.filter(due_on__lt=today),
        TODAY: scheduled.filter(starts_at__gte=_midnight(today, user), starts_at__lt=tomorrow),
        DUE_TODAY: follow_ups.filter(due_on=today),
        UNASSESSED: RosterEntry.objects.filter(organizer=user, removed_at=None, assessment=None),
        THIS_WEEK: scheduled.filter(
            starts_at__gte=tomorrow,
            starts_at__lt=_midnight(today + timedelta(days=WEEK_DAYS), user),
        ),
    }


def _listed(user: User, visible: list[int], today: date, slug: str) -> QuerySet[Any]:
    """Everyone in the section by its rule, on a roster, in a campaign the user may see."""
    if slug == QUIET:
        return _quiet(user, visible, today)
    if slug == UNASSESSED:
        return _my_entries(user, visible).filter(assessment=None)
    return _rules(user, today)[slug].filter(_on_roster(), campaign__in=visible)


def _deduplicated(rows: QuerySet[Any], rules: dict[str, QuerySet[Any]], slug: str) -> QuerySet[Any]:
    """The section's rows less the people an earlier section holds; a person with two
    follow-ups or two one-on-ones in one section shows once, by the earliest."""
    held: dict[type, QuerySet[Any]] = {}  # the earlier sections' rules, one per model
    for earlier in SECTIONS[: SECTIONS.index(slug)]:
        rule = rules[earlier]
        held[rule.model] = held[rule.model] | rule if rule.model in held else rule
    for rule in held.values():
        rows = rows.filter(~_held_by(rule))
    key = "due_on" if slug in FOLLOW_UPS else "starts_at" if slug in SCHEDULED else ""
    if key:
        before = Q(**{f"{key}__lt": OuterRef(key)}) | Q(
            **{key: OuterRef(key), "pk__lt": OuterRef("pk")}
        )
        rows = rows.filter(~_held_by(rules[slug].filter(before)))
    return rows


def _held_by(rows: QuerySet[Any]) -> Exists:
    """The outer row's person on the outer row's campaign is among `rows`."""
    return Exists(rows.filter(campaign=OuterRef("campaign"), person=OuterRef("person")))


def _shown(slug: str, rows: QuerySet[Any]) -> QuerySet[Any]:
    """What a row shows (the person, the campaign, the unit), in the section's order."""
    if slug in FOLLOW_UPS:
        rows = rows.order_by("due_on", "person__family_name", "pk")
    elif slug in SCHEDULED:
        # A one-on-one shows on its site's clock, as on the person page.
        rows = rows.order_by("starts_at", "pk").annotate(site_zone=_site_zone())
    else:
        return rows
    return rows.select_related("person", "campaign").annotate(unit_name=_unit_name())


def _describe(slug: str, rows: list, today: date, user: User) -> None:
    """Why now, in numbers the templates put in words; days count on the committee's clock."""
    for row in rows:
        if slug in FOLLOW_UPS:
            row.days_late = (today - row.due_on).days
        elif slug in SCHEDULED:
            row.zone = str(zone_for(row.site_zone or user))
            row.is_today = slug == TODAY
        else:
            row.days_quiet = (
                None if row.last_contact is None else (today - day_of(row.last_contact, user)).days
            )


def _midnight(day: date, user: User) -> datetime:
    """Midnight on the user's committee's clock."""
    return midnight(day, user)


def _site_zone() -> Subquery:
    """The time zone of the person's site there."""
    return Subquery(
        RosterEntry.objects.filter(
            campaign=OuterRef("campaign"), person=OuterRef("person"), removed_at=None
        ).values("unit__site__time_zone")[:1]
    )


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


def _my_entries(user: User, visible: list[int]) -> QuerySet[MyEntry]:
    """My active roster entries, each with the last time anyone talked with the person there."""
    last = Conversation.objects.filter(campaign=OuterRef("campaign"), person=OuterRef("person"))
    return (
        RosterEntry.objects.filter(organizer=user, removed_at=None, campaign__in=visible)
        .select_related("person", "campaign", "unit")
        .annotate(last_contact=Subquery(last.order_by("-happened_at").values("happened_at")[:1]))
        .order_by(
            F("last_contact").asc(nulls_first=True),
            "person__family_name",
            "person__given_name",
            "pk",
        )
    )


def _quiet(user: User, visible: list[int], today: date) -> QuerySet[MyEntry]:
    """Not talked with for QUIET_DAYS days or more (by calendar day), or never."""
    cutoff = _midnight(today - timedelta(days=QUIET_DAYS - 1), user)
    return _my_entries(user, visible).filter(
        Q(last_contact__isnull=True) | Q(last_contact__lt=cutoff)
    )
