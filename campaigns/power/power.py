"""The Power page's figures: how many have joined, how many are in good standing and what
dues came in, now and at the end of each of the last twelve months (as of then, from the
payments made by then: campaigns.power.standing), who stood on each rung of the ladder then,
and each campaign's roster as members.

A fixed number of queries whatever the size: the database counts (campaigns.power.counts).
The months that are over are kept once counted (campaigns.models.PowerMonth says when they
are dropped), as the dashboards keep their weeks: a view counts this month and the ladder.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q

from campaigns.models import Campaign, LadderRung, PowerMonth, PowerTarget
from campaigns.power.counts import rung_counts, standing_counts
from campaigns.power.ladder import ladder_rungs
from campaigns.power.standing import Kind, month_index, month_start
from campaigns.roster.history import power_months_keepable
from members.models import Committee

MONTHS = 12


@dataclass(frozen=True)
class MonthFigures:
    month: date  # its first day
    day: date  # the day counted: the month's last, or today for this month
    members: int
    good: int
    behind: int
    lapsed: int
    dues: int  # minor units paid that month

    @property
    def good_pct(self) -> int:
        return round(100 * self.good / self.members) if self.members else 0


@dataclass(frozen=True)
class CampaignFigures:
    campaign: Campaign
    roster: int
    members: int
    good: int


@dataclass(frozen=True)
class RungFigures:
    """How many stood on one rung of the ladder (its rule held) at the end of each month."""

    rung: LadderRung
    counts: list[int]  # the months' order

    @property
    def now(self) -> int:
        return self.counts[-1]


@dataclass(frozen=True)
class PowerFigures:
    today: date
    months: list[MonthFigures]  # oldest first, this month last
    campaigns: list[CampaignFigures]
    ladder: list[RungFigures]  # the rungs above member, in order

    def rows(self) -> list[tuple[MonthFigures, list[int]]]:
        """Each month with its rungs' counts, for the table."""
        return [
            (month, [rung.counts[i] for rung in self.ladder]) for i, month in enumerate(self.months)
        ]

    @property
    def now(self) -> MonthFigures:
        return self.months[-1]


def power_figures(*, committee: Committee, today: date, months: int = MONTHS) -> PowerFigures:
    """The months that are over are read as kept, or counted (and kept); this month, the
    campaigns and the ladder are counted on every view."""
    days = month_ends(today, months)
    kept = _kept(committee, days[:-1])
    missing = [day for day in days[:-1] if day.replace(day=1) not in kept]
    if missing:
        with transaction.atomic():
            keeping = power_months_keepable(committee_id=committee.pk)
            counted, campaigns = _counted(committee, [*missing, today])
            if keeping:
                _keep(committee, [counted[day.replace(day=1)] for day in missing])
    else:
        counted, campaigns = _counted(committee, [today])
    rungs = [rung for rung in ladder_rungs(committee) if rung.kind != LadderRung.Kind.MEMBER]
    on_rungs = rung_counts(committee=committee, rungs=rungs, days=days)
    return PowerFigures(
        today=today,
        months=[kept.get(day.replace(day=1)) or counted[day.replace(day=1)] for day in days],
        campaigns=_campaigns(committee, campaigns),
        ladder=[RungFigures(rung=rung, counts=on_rungs[rung.pk]) for rung in rungs],
    )


def _counted(
    committee: Committee, days: list[date]
) -> tuple[dict[date, MonthFigures], dict[int, dict[str, int]]]:
    """Each day's month counted afresh (by its first day), and the rosters on the last day."""
    counts = standing_counts(committee=committee, days=days)
    months = {
        day.replace(day=1): _month(day, kinds, dues)
        for day, kinds, dues in zip(days, counts.days, counts.dues, strict=True)
    }
    return months, counts.campaigns


# What a kept month holds: MonthFigures' counts, PowerMonth's columns.
KEPT = ("members", "good", "behind", "lapsed", "dues")


def _kept(committee: Committee, days: list[date]) -> dict[date, MonthFigures]:
    """The kept months among those these days end, by their first day."""
    ends = {day.replace(day=1): day for day in days}
    rows = PowerMonth.objects.filter(committee=committee, month__in=list(ends))
    found = {}
    for month, *values in rows.values_list("month", *KEPT):
        counts = dict(zip(KEPT, values, strict=True))
        found[month] = MonthFigures(month=month, day=ends[month], **counts)
    return found


def _keep(committee: Committee, months: list[MonthFigures]) -> None:
    kept = [
        PowerMonth(committee=committee, month=month.month, **{f: getattr(month, f) for f in KEPT})
        for month in months
    ]
    PowerMonth.objects.bulk_create(kept, ignore_conflicts=True)  # or by another view just now


def month_ends(today: date, months: int) -> list[date]:
    """The last day of each of the `months` - 1 months before this one, then today."""
    now = month_index(today)
    ends = [month_start(index + 1) - timedelta(days=1) for index in range(now - months + 1, now)]
    return [*ends, today]


def _members(kinds: dict[str, int]) -> int:
    """Members in any standing but resigned (no plan included)."""
    return sum(n for kind, n in kinds.items() if kind != Kind.RESIGNED)


def _month(day: date, kinds: dict[str, int], dues: int) -> MonthFigures:
    return MonthFigures(
        month=day.replace(day=1),
        day=day,
        members=_members(kinds),
        good=kinds.get(Kind.GOOD, 0),
        behind=kinds.get(Kind.BEHIND, 0),
        lapsed=kinds.get(Kind.LAPSED, 0),
        dues=dues,
    )


def _campaigns(committee: Committee, standings: dict[int, dict[str, int]]) -> list[CampaignFigures]:
    """Each active campaign's roster: how many there are members today (not resigned), how
    many in good standing."""
    campaigns = Campaign.objects.filter(
        committee=committee, status=Campaign.Status.ACTIVE
    ).annotate(roster_size=Count("roster", filter=Q(roster__removed_at=None)))
    figures = []
    for campaign in campaigns.order_by("code_name"):
        kinds = standings.get(campaign.pk, {})
        figures.append(
            CampaignFigures(
                campaign=campaign,
                roster=getattr(campaign, "roster_size", 0),
                members=_members(kinds),
                good=kinds.get(Kind.GOOD, 0),
            )
        )
    return figures


PACE_MONTHS = 6  # the pace a target is projected at: the change over the last six months


@dataclass(frozen=True)
class TargetShown:
    target: PowerTarget
    now: int
    projected: int  # at this pace, by the target's day

    @property
    def reached(self) -> bool:
        return self.now >= self.target.target

    @property
    def on_track(self) -> bool:
        return self.reached or self.projected >= self.target.target


def targets_shown(*, figures: PowerFigures, targets: list[PowerTarget]) -> list[TargetShown]:
    """Each target with where the measure is now and where this pace takes it by then. A
    rung's target is left out while the ladder has no such rung."""
    shown = []
    for target in targets:
        values = _values(figures, target.measure)
        if not values:
            continue
        recent = values[-(PACE_MONTHS + 1) :]
        pace = (recent[-1] - recent[0]) / max(len(recent) - 1, 1)
        last = month_index(figures.today) - (1 if target.is_money else 0)  # see _values
        months_left = max(month_index(target.by) - last, 0)
        projected = max(round(values[-1] + pace * months_left), 0)
        shown.append(TargetShown(target=target, now=values[-1], projected=projected))
    return shown


def _values(figures: PowerFigures, measure: str) -> list[int]:
    """The measure at each month's end, oldest first. Dues: the months already over (a
    month under way has not collected its dues yet)."""
    Measure = PowerTarget.Measure
    if measure == Measure.MEMBERS:
        return [month.members for month in figures.months]
    if measure == Measure.GOOD:
        return [month.good for month in figures.months]
    if measure == Measure.DUES:
        return [month.dues for month in figures.months[:-1]]
    rung = next((rung for rung in figures.ladder if rung.rung.kind == measure), None)
    return rung.counts if rung else []
