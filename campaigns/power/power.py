"""The Power page's figures: how many have joined, how many are in good standing and what
dues came in, now and at the end of each of the last twelve months (as of then, from the
payments made by then: campaigns.power.standing), and each campaign's roster as members.

A fixed number of queries whatever the size (the members, their payments, the rosters, the
ladder's records); the months are counted in Python from them.
"""

import bisect
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from campaigns.models import (
    Campaign,
    LadderRung,
    Member,
    Payment,
    PowerTarget,
    RosterEntry,
)
from campaigns.power.ladder import facts_for, ladder_rungs, runs
from campaigns.power.standing import Kind, month_index, month_start, standing_on
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
    members = list(
        Member.objects.filter(committee=committee).values_list(
            "pk", "person_id", "joined_on", "resigned_on", "plan_id"
        )
    )
    paid = _payments(committee)
    days = _days(today, months)
    figures = [_month(day, members, paid, committee) for day in days]
    good_now = set()
    for row in members:
        standing = _standing(day=today, row=row, paid=paid, committee=committee)
        if standing is not None and standing.kind == Kind.GOOD:
            good_now.add(row[1])
    return PowerFigures(
        today=today,
        months=figures,
        campaigns=_campaigns(committee, today, good_now),
        ladder=_ladder(committee, [row[1] for row in members], days),
    )


@dataclass
class _Paid:
    """One member's payments by the day they were made: when, and up to when they paid."""

    days: list[date]
    until: list[date]  # the latest "paid until" among the payments up to each one


def _payments(committee: Committee) -> dict:
    rows = Payment.objects.filter(committee=committee).order_by("member_id", "paid_on")
    by_member: dict[int, _Paid] = {}
    dues: dict[int, int] = defaultdict(int)
    # The upper bound alone (the first day not covered), read as a date: parsing each range
    # cost more than the rest of the page at 10,000 members (bench/power.py).
    for member_id, paid_on, upper, amount in rows.values_list(
        "member_id", "paid_on", "covers__endswith", "amount"
    ):
        found = by_member.setdefault(member_id, _Paid([], []))
        found.days.append(paid_on)
        found.until.append(max(upper, found.until[-1]) if found.until else upper)
        dues[month_index(paid_on)] += amount
    return {"members": by_member, "dues": dues}


def _days(today: date, months: int) -> list[date]:
    """The last day of each of the `months` - 1 months before this one, then today."""
    now = month_index(today)
    ends = [month_start(index + 1) - timedelta(days=1) for index in range(now - months + 1, now)]
    return [*ends, today]


def _standing(*, day: date, row: tuple, paid: dict, committee: Committee):
    pk, _person_id, joined_on, resigned_on, plan_id = row
    found = paid["members"].get(pk)
    paid_until = None
    if found is not None:
        at = bisect.bisect_right(found.days, day)
        paid_until = found.until[at - 1] if at else None
    return standing_on(
        day,
        joined_on=joined_on,
        resigned_on=resigned_on,
        has_plan=plan_id is not None,
        paid_until=paid_until,
        grace=committee.dues_grace_months,
        lapse=committee.dues_lapse_months,
    )


def _month(day: date, members: list[tuple], paid: dict, committee: Committee) -> MonthFigures:
    kinds: dict[str, int] = defaultdict(int)
    for row in members:
        standing = _standing(day=day, row=row, paid=paid, committee=committee)
        if standing is not None:
            kinds[standing.kind] += 1
    counted = sum(n for kind, n in kinds.items() if kind != Kind.RESIGNED)
    return MonthFigures(
        month=day.replace(day=1),
        day=day,
        members=counted,
        good=kinds[Kind.GOOD],
        behind=kinds[Kind.BEHIND],
        lapsed=kinds[Kind.LAPSED],
        dues=paid["dues"].get(month_index(day), 0),
    )


def _ladder(committee: Committee, person_ids: list[int], days: list[date]) -> list[RungFigures]:
    """Each rung above member: how many held it on each day (the ladder's records read once,
    the days worked out from them: campaigns.power.ladder)."""
    rungs = [rung for rung in ladder_rungs(committee) if rung.kind != LadderRung.Kind.MEMBER]
    facts = facts_for(person_ids, committee=committee, day=days[-1])
    counts = [[0] * len(days) for _rung in rungs]
    for person_facts in facts.values():
        for rung, counted in zip(rungs, counts, strict=True):
            # The spans never touch one another: each day falls in one at most, so each
            # span adds one for the days (in order) from its start to before its end.
            for start, end in runs(rung, person_facts):
                for i in range(bisect.bisect_left(days, start), bisect.bisect_left(days, end)):
                    counted[i] += 1
    return [RungFigures(rung=rung, counts=c) for rung, c in zip(rungs, counts, strict=True)]


def _campaigns(committee: Committee, today: date, good: set[int]) -> list[CampaignFigures]:
    """Each active campaign's roster: how many there have joined, how many are in good
    standing (one query for the rosters; members by person from the counts above)."""
    joined = Q(person__member__joined_on__lte=today) & (
        Q(person__member__resigned_on__isnull=True) | Q(person__member__resigned_on__gt=today)
    )
    campaigns = Campaign.objects.filter(
        committee=committee, status=Campaign.Status.ACTIVE
    ).annotate(roster_size=Count("roster", filter=Q(roster__removed_at=None)))
    entries = (
        RosterEntry.objects.filter(campaign__committee=committee, removed_at=None)
        .filter(joined)
        .values_list("campaign_id", "person_id")
    )
    members: dict[int, int] = defaultdict(int)
    in_good: dict[int, int] = defaultdict(int)
    for campaign_id, person_id in entries:
        members[campaign_id] += 1
        in_good[campaign_id] += person_id in good
    return [
        CampaignFigures(
            campaign=campaign,
            roster=getattr(campaign, "roster_size", 0),
            members=members[campaign.pk],
            good=in_good[campaign.pk],
        )
        for campaign in campaigns.order_by("code_name")
    ]


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
    """Each target with where the measure is now and where this pace takes it by then."""
    shown = []
    for target in targets:
        values = [_measure(month, target.measure) for month in figures.months]
        recent = values[-(PACE_MONTHS + 1) :]
        pace = (recent[-1] - recent[0]) / max(len(recent) - 1, 1)
        months_left = max(month_index(target.by) - month_index(figures.today), 0)
        projected = max(round(values[-1] + pace * months_left), 0)
        shown.append(TargetShown(target=target, now=values[-1], projected=projected))
    return shown


def _measure(month: MonthFigures, measure: str) -> int:
    return month.good if measure == PowerTarget.Measure.GOOD else month.members
