"""Where people stand on the committee's leadership ladder as of any day, and when they
moved up, computed from the records the app keeps; never stored.

The rungs are the committee's (campaigns.models.LadderRung: order, names, window, trainings);
what each kind of rung asks is fixed here. On a day, in the committee's time zone:

- the ladder starts at **member**: someone who has not joined the committee (Member), or who
  resigned (from the day they resigned), is on no rung at all, whatever else they do: a
  volunteer who never joined is someone to recruit, not a rung up;
- **active**: came to an action of the committee (a committee meeting, a training, any kind;
  not a cancelled one) on one of the rung's last `days` days, that day included: with 90, an
  action 89 days before counts, one 90 days before no longer does. Attendance is Rsvp.attended
  (checking in sets it), dated by the action's start;
- **leader**: either flagged a leader (RosterEntry.is_leader) or leading others, while on a
  roster. The roster keeps no history of the flag, so: a flagged entry counts from the first
  conversation that marked the person a leader on it (Conversation.is_leader, ticked by the
  organizer, never prefilled: a dated judgement), or, without one, from when they were put on
  the roster (as the dashboards' trends count leaders); a flag a lead took off counts on no
  day, since when it was taken off is not kept. *Leading others* reads two records: assessed
  a 1 ("leader, organizing others", the scale's own words; each assessment counts until the
  next one), or being, through their login, the assigned organizer of someone else placed in
  the same unit of the same campaign (a worker organizing their co-workers) while both are
  on the roster;
- **organizer**: on a campaign's team (TeamMember), from the day they were added. Someone
  taken off a team leaves no row behind, so they drop off on every day, past ones included.

Every rung may also ask for a number of trainings attended (a training action, attended) by
that day. A person stands on the highest rung whose rule holds on the day: the rungs above
member do not need the ones between (an organizer busy with one-on-ones who missed the last
meetings is still an organizer). They *moved up* to a rung the first day its rule held.

The records are read in a fixed number of queries whatever the number of people; the days are
worked out in Python from them (`Facts`, `step_on`), so a day in the past is answered from
the same records as today, as they now stand.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

from campaigns.models import (
    Action,
    AssessmentRecord,
    Conversation,
    LadderRung,
    Member,
    RosterEntry,
    Rsvp,
    TeamMember,
)
from members.clock import today_for, zone_for
from members.models import Committee, Person

Kind = LadderRung.Kind

# Days from the first one to the day after the last: [start, end). OPEN: no end yet.
Span = tuple[date, date]
OPEN = date.max
People = dict[int, "Facts"]
DEFAULTS = [Kind.MEMBER, Kind.ACTIVE, Kind.LEADER, Kind.ORGANIZER]
LEADER_LEVEL = 1  # Assessment.LEADER: "leader, organizing others"


def ladder_rungs(committee: Committee) -> list[LadderRung]:
    """The committee's rungs in order; the four default ones (named in each reader's
    language) the first time a committee without any asks. Two first readers at once make
    them once: the second's rows meet the unique position and are dropped."""
    rungs = list(LadderRung.objects.filter(committee=committee))
    if rungs:
        return rungs
    LadderRung.objects.bulk_create(
        [LadderRung(committee=committee, position=i, kind=kind) for i, kind in enumerate(DEFAULTS)],
        ignore_conflicts=True,
    )
    return list(LadderRung.objects.filter(committee=committee))


@dataclass
class Facts:
    """What the records say about one person, as days in the committee's zone."""

    member: Span | None = None
    came: list[date] = field(default_factory=list)  # actions attended
    trained: list[date] = field(default_factory=list)  # trainings attended
    leading: list[Span] = field(default_factory=list)  # flagged a leader, or leading others
    teams: list[date] = field(default_factory=list)  # put on a campaign's team


@dataclass(frozen=True)
class Step:
    """One rung for one person as of a day."""

    rung: LadderRung
    reached_on: date | None  # the first day they counted on it; None: not by that day
    since: date | None  # on it that day: since when, without a break; None: not on it

    @property
    def holds(self) -> bool:
        return self.since is not None


@dataclass(frozen=True)
class PersonLadder:
    """Where one person stands on the ladder on `day`: every rung, in order."""

    day: date
    steps: tuple[Step, ...]

    @property
    def now(self) -> Step | None:
        """The highest rung they are on that day; None: on none (not a member)."""
        return next((step for step in reversed(self.steps) if step.holds), None)

    @property
    def reached(self) -> list[Step]:
        return [step for step in self.steps if step.reached_on is not None]


def runs(rung: LadderRung, facts: Facts) -> list[Span]:
    """The days the person counts on the rung, as spans in order, none touching another."""
    trained = _trained_from(rung.trainings, facts.trained)
    if facts.member is None or trained is None:
        return []
    first, end = max(facts.member[0], trained), facts.member[1]
    spans = ((max(start, first), min(stop, end)) for start, stop in _rule_spans(rung, facts))
    return _merged([span for span in spans if span[0] < span[1]])


def step_on(rung: LadderRung, facts: Facts, day: date) -> Step:
    """The rung for this person on `day`: only what happened by then counts, since every
    fact starts a span on the day it happened."""
    started = [span for span in runs(rung, facts) if span[0] <= day]
    reached = started[0][0] if started else None
    since = next((start for start, end in started if day < end), None)
    return Step(rung=rung, reached_on=reached, since=since)


def _rule_spans(rung: LadderRung, facts: Facts) -> list[Span]:
    if rung.kind == Kind.ACTIVE:
        return [(came, came + timedelta(days=rung.days)) for came in facts.came]
    if rung.kind == Kind.LEADER:
        return facts.leading
    if rung.kind == Kind.ORGANIZER:
        return [(added, OPEN) for added in facts.teams]
    return [(date.min, OPEN)]  # member: membership itself


def _trained_from(needed: int, trained: list[date]) -> date | None:
    """The day of their `needed`-th training (None: not that many yet)."""
    if needed == 0:
        return date.min
    days = sorted(trained)
    return days[needed - 1] if len(days) >= needed else None


def _merged(spans: list[Span]) -> list[Span]:
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def ladders(
    person_ids: Iterable[int], *, committee: Committee, day: date
) -> dict[int, PersonLadder]:
    """Each person's place on the ladder on `day`, by person id: a fixed number of queries."""
    ids = list(person_ids)
    rungs = ladder_rungs(committee)
    facts = facts_for(ids, committee=committee, day=day)
    return {
        pk: PersonLadder(day, tuple(step_on(rung, facts.get(pk, Facts()), day) for rung in rungs))
        for pk in ids
    }


def person_ladder(*, person: Person, day: date | None = None) -> PersonLadder:
    """Where the person stands on their committee's ladder on `day` (today there if None),
    and when they moved up: for the person page (campaigns/power/_ladder.html)."""
    committee = person.committee
    day = day or today_for(committee)
    return ladders([person.pk], committee=committee, day=day)[person.pk]


def facts_for(ids: list[int], *, committee: Committee, day: date) -> dict[int, Facts]:
    """What the records say about those of these people who had joined by `day`."""
    zone = zone_for(committee)

    def on(moment: datetime) -> date:
        return timezone.localtime(moment, zone).date()

    joined = Member.objects.filter(committee=committee, person_id__in=ids, joined_on__lte=day)
    facts = {
        pk: Facts(member=(joined_on, resigned_on or OPEN))
        for pk, joined_on, resigned_on in joined.values_list(
            "person_id", "joined_on", "resigned_on"
        )
    }
    if not facts:
        return facts
    ids = list(facts)
    # Days are worked out by the database in the committee's zone: making a zoned datetime
    # of every moment read cost most of the Power page's time.
    _attendance(facts, ids, committee)
    _leader_flags_and_units(facts, ids, committee)
    _assessed_leaders(facts, ids, committee)
    teams = TeamMember.objects.filter(campaign__committee=committee, user__person__in=ids)
    for pk, added_at in teams.values_list("user__person", "added_at"):
        facts[pk].teams.append(on(added_at))
    return facts


def _attendance(facts: People, ids: list[int], committee: Committee) -> None:
    came = Rsvp.objects.filter(
        person_id__in=ids,
        attended=True,
        action__committee=committee,
        action__cancelled_at__isnull=True,
    )
    day = TruncDate("action__starts_at", tzinfo=zone_for(committee))
    for pk, started, kind in came.values_list("person_id", day, "action__kind"):
        facts[pk].came.append(started)
        if kind == Action.Kind.TRAINING:
            facts[pk].trained.append(started)


def _leader_flags_and_units(facts: People, ids: list[int], committee: Committee) -> None:
    """Flagged a leader (from the first conversation that said so, or from the roster), and
    the assigned organizer of someone else in their own unit."""
    said_leader = Conversation.objects.filter(
        person_id=OuterRef("person_id"),
        campaign_id=OuterRef("campaign_id"),
        is_leader=True,
        happened_at__gte=OuterRef("added_at"),
    ).order_by("happened_at")
    entries = RosterEntry.objects.filter(person_id__in=ids, campaign__committee=committee)
    zone = zone_for(committee)
    entries = entries.annotate(
        said=TruncDate(Subquery(said_leader.values("happened_at")[:1]), tzinfo=zone),
        added_day=TruncDate("added_at", tzinfo=zone),
        removed_day=TruncDate("removed_at", tzinfo=zone),
    )
    placed: dict[tuple, list[Span]] = defaultdict(
        list
    )  # (person, campaign, unit): their spans there
    for pk, campaign, unit, leader, added, removed, said in entries.values_list(
        "person_id", "campaign_id", "unit_id", "is_leader", "added_day", "removed_day", "said"
    ):
        if leader:
            facts[pk].leading.append((said or added, removed or OPEN))
        if unit is not None:
            placed[pk, campaign, unit].append((added, removed or OPEN))
    organized = RosterEntry.objects.filter(
        campaign__committee=committee, organizer__person__in=ids, unit__isnull=False
    ).exclude(person_id=F("organizer__person"))
    organized = organized.annotate(
        added_day=TruncDate("added_at", tzinfo=zone),
        removed_day=TruncDate("removed_at", tzinfo=zone),
    )
    for pk, campaign, unit, since, gone in organized.values_list(
        "organizer__person", "campaign_id", "unit_id", "added_day", "removed_day"
    ):
        for start, end in placed.get((pk, campaign, unit), []):
            facts[pk].leading.append((max(start, since), min(end, gone or OPEN)))


def _assessed_leaders(facts: People, ids: list[int], committee: Committee) -> None:
    """Assessed a 1, from that assessment to the next one (or off the roster)."""
    zone = zone_for(committee)
    records = AssessmentRecord.objects.filter(
        roster_entry__person_id__in=ids, roster_entry__campaign__committee=committee
    ).order_by("roster_entry_id", "happened_at", "pk")
    rows = list(
        records.values_list(
            "roster_entry_id",
            "roster_entry__person_id",
            "level",
            TruncDate("happened_at", tzinfo=zone),
            TruncDate("roster_entry__added_at", tzinfo=zone),
            TruncDate("roster_entry__removed_at", tzinfo=zone),
        )
    )
    for i, (entry, pk, level, happened, added, removed) in enumerate(rows):
        if level != LEADER_LEVEL:
            continue
        after = rows[i + 1] if i + 1 < len(rows) else None
        end = after[3] if after is not None and after[0] == entry else OPEN
        end = min(end, removed or OPEN)
        facts[pk].leading.append((max(happened, added), end))
