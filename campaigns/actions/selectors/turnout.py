"""An action's numbers, defined once: who was invited, who answered what, who came, and
turnout. The action page, the turnout page and the campaign dashboard all read them here, so
they agree.

Turnout is **came ÷ said yes**: of the people who said yes (and had a place, not waitlisted),
the share who came, as a whole percent rounded down. It tells how far a yes can be trusted.
Everyone else who came (maybes, people who never answered, walk-ins, a "no" who came after
all) is counted apart, never in the turnout.

Every RSVP row falls in exactly one answer: yes (with a place), yes on the waitlist, maybe,
no, no answer (invited, silent), or a walk-in (neither invited nor answered: came anyway).
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils.translation import gettext as _

from campaigns.access import campaigns_visible_to
from campaigns.models import Action, Assessment, AssessmentRecord, Rsvp
from members.models import User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YES = Q(response=Rsvp.Response.YES, waitlisted_at__isnull=True)
WAITLISTED = Q(response=Rsvp.Response.YES, waitlisted_at__isnull=False)
MAYBE = Q(response=Rsvp.Response.MAYBE)
NO = Q(response=Rsvp.Response.NO)
NO_ANSWER = Q(response=Rsvp.Response.NONE, invited_at__isnull=False)
WALK_IN = Q(response=Rsvp.Response.NONE, invited_at__isnull=True)
CAME = Q(attended=True)

# Every count, as aggregates over RSVP rows: `.aggregate(**COUNTS)` for one action,
# `.values("action_id").annotate(**COUNTS)` for many. Aliases prefixed: an aggregate may not
# share a field's name ("attended", "guests").
COUNTS: dict[str, Any] = {
    "n_total": Count("pk"),
    "n_invited": Count("pk", filter=Q(invited_at__isnull=False)),
    "n_yes": Count("pk", filter=YES),
    "n_guests": Sum("guests", filter=YES, default=0),
    "n_maybe": Count("pk", filter=MAYBE),
    "n_no": Count("pk", filter=NO),
    "n_no_answer": Count("pk", filter=NO_ANSWER),
    "n_waitlisted": Count("pk", filter=WAITLISTED),
    "n_attended": Count("pk", filter=CAME),
    "n_yes_attended": Count("pk", filter=YES & CAME),
    "n_maybe_attended": Count("pk", filter=MAYBE & CAME),
    "n_no_attended": Count("pk", filter=NO & CAME),
    "n_no_answer_attended": Count("pk", filter=NO_ANSWER & CAME),
    "n_waitlisted_attended": Count("pk", filter=WAITLISTED & CAME),
    "n_walk_ins": Count("pk", filter=WALK_IN & CAME),
    "n_no_shows": Count("pk", filter=Q(attended=False)),
    "n_unrecorded": Count("pk", filter=YES & Q(attended__isnull=True)),
}


def turnout_percent(came: int, said_yes: int) -> int | None:
    """Came ÷ said yes as a whole percent, rounded down (as the dashboard's other
    percentages); None when nobody said yes."""
    return came * 100 // said_yes if said_yes else None


@dataclass(frozen=True)
class RsvpCounts:
    """An action's people in numbers. `attended` counts everyone who came; `yes_attended`
    those of them who had said yes (the turnout's numerator)."""

    total: int  # RSVP rows, whatever the answer
    invited: int
    yes: int  # said yes and have a place (not waitlisted)
    guests: int  # brought by those yeses
    maybe: int
    no: int
    no_answer: int  # invited, never answered (walk-ins are not in it)
    waitlisted: int
    attended: int  # everyone who came
    yes_attended: int
    maybe_attended: int
    no_attended: int
    no_answer_attended: int
    waitlisted_attended: int
    walk_ins: int  # came without an invitation or an answer
    no_shows: int
    unrecorded: int  # said yes, attendance not recorded yet

    @property
    def turnout(self) -> int | None:
        """Came ÷ said yes (see the module's docstring)."""
        return turnout_percent(self.yes_attended, self.yes)

    @property
    def others_attended(self) -> int:
        """Came without having said yes (with a place): shown apart from the turnout."""
        return self.attended - self.yes_attended

    @property
    def seats(self) -> int:
        """Places taken: the yeses and their guests."""
        return self.yes + self.guests


def counts_from(row: Any) -> dict[str, int]:
    """An aggregate's row (COUNTS) as RsvpCounts' fields."""
    return {name.removeprefix("n_"): int(row[name] or 0) for name in COUNTS}


def rsvp_counts(action: Action, rsvps: QuerySet[Rsvp] | None = None) -> RsvpCounts:
    """Every count of one action (or of some of its RSVPs), in one query."""
    rows = action.rsvps.all() if rsvps is None else rsvps
    return RsvpCounts(**counts_from(rows.aggregate(**COUNTS)))


# --- By assessment at the time of the action -----------------------------------------------------


@dataclass(frozen=True)
class LevelRow:
    """Of the people at one assessment at the time of the action, how many said yes and how
    many came (anyone who came, whatever they answered)."""

    level: int | None  # None: unassessed at the time
    label: "StrOrPromise"
    yes: int
    came: int


def level_then(*, campaign_id: int | None, starts_at: Any, user: User | None = None) -> Subquery:
    """Each RSVP's person's assessment at the time of the action: the latest recorded at or
    before its start, never today's. `starts_at` is a moment or an expression (OuterRef).

    A campaign's action reads that campaign's assessments. A committee-wide action reads the
    person's assessment on any roster they are on now, among the campaigns `user` may see;
    when they are on several, the assessment made last before the start counts.
    """
    records = AssessmentRecord.objects.filter(
        roster_entry__person=OuterRef("person"), happened_at__lte=starts_at
    )
    if campaign_id:
        records = records.filter(roster_entry__campaign_id=campaign_id)
    else:
        records = records.filter(
            roster_entry__removed_at__isnull=True,
            roster_entry__campaign__in=campaigns_visible_to(user) if user else [],
        )
    return Subquery(records.order_by("-happened_at", "-pk").values("level")[:1])


BY_LEVEL = {
    "n_yes": Count("pk", filter=YES),
    "n_came": Count("pk", filter=CAME),
}


def _level_rows(found: dict[int | None, Any]) -> list[LevelRow]:
    """Levels 1–5 then unassessed, each with its counts (zero when nobody)."""
    levels: list[tuple[int | None, StrOrPromise]] = [*Assessment.choices, (None, _("Unassessed"))]
    empty = {"n_yes": 0, "n_came": 0}
    return [
        LevelRow(level, label, found.get(level, empty)["n_yes"], found.get(level, empty)["n_came"])
        for level, label in levels
    ]


def turnout_by_level(*, action: Action, user: User) -> list[LevelRow]:
    """How many said yes and how many came, by assessment at the time of the action. One
    query."""
    then = level_then(campaign_id=action.campaign_id, starts_at=action.starts_at, user=user)
    grouped = action.rsvps.annotate(level=then).order_by().values("level").annotate(**BY_LEVEL)
    return _level_rows({row["level"]: row for row in grouped})


@dataclass(frozen=True)
class ActionTurnout:
    counts: RsvpCounts
    levels: list[LevelRow]


def turnout_by_action(*, campaign_id: int, action_ids: list[int]) -> dict[int, ActionTurnout]:
    """Every count of many actions of one campaign, and who said yes and who came by
    assessment at the time of each, in one query (an action nobody is on gets zeros)."""
    then = level_then(campaign_id=campaign_id, starts_at=OuterRef("action__starts_at"))
    grouped = (
        Rsvp.objects.filter(action_id__in=action_ids)
        .annotate(level=then)
        .order_by()
        .values("action_id", "level")
        .annotate(**COUNTS)
    )
    found: dict[int, list[Any]] = {pk: [] for pk in action_ids}
    for row in grouped:
        found[row["action_id"]].append(row)
    return {pk: _action_turnout(rows) for pk, rows in found.items()}


def _action_turnout(rows: list[dict[str, Any]]) -> ActionTurnout:
    """One action's counts, summed over its groups by level at the time."""
    totals = {name: sum(int(row[name] or 0) for row in rows) for name in COUNTS}
    by_level = {row["level"]: {"n_yes": row["n_yes"], "n_came": row["n_attended"]} for row in rows}
    return ActionTurnout(RsvpCounts(**counts_from(totals)), _level_rows(by_level))
