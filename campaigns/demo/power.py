"""The demo's power base: 250 of its people members (joined over the past three years), dues
plans, about fourteen months of dues (most paid up, some behind, some lapsed, a few resigned),
the lead as treasurer keeping a ledger of donations and expenses, and two targets.

Members and payments are written in bulk, as the demo's actions are: through the services
each would be an audit line (250 joins, thousands of payments) and the demo would take
seconds longer. What a treasurer does by hand goes through the services (audited): the
treasurer's permission, the ledger, the resignations.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from psycopg.types.range import Range

from campaigns.models import DuesPlan, LedgerEntry, Member, Payment, PowerTarget, RosterEntry
from campaigns.power.join import standard_wording
from campaigns.power.services import member_resign
from campaigns.power.standing import month_index, month_start
from campaigns.power.treasury import EntryData, ledger_record, ledger_reverse
from campaigns.roster.history import power_history_changed
from members.clock import today_for
from members.models import Committee, Membership, Person, User
from members.team_services import treasurer_set

MEMBERS = 250
PAID_MONTHS = 14  # dues recorded for the last fourteen months: a year shown, and before it
# name, amount (minor units; None: a sliding scale), months, share of members on it
PLANS = [
    ("Monthly", 1000, DuesPlan.Every.MONTH, 0.6),
    ("Reduced", 500, DuesPlan.Every.MONTH, 0.2),
    ("Sliding scale", None, DuesPlan.Every.MONTH, 0.1),
    ("Yearly", 10000, DuesPlan.Every.YEAR, 0.1),
]
PLEDGES = [300, 700, 1500, 2000, 2500]  # on the sliding scale
# How each member pays: up to date, behind (two or three months), lapsed, resigned, or
# behind once and caught up since; and how many of them.
HABITS = {"good": 0.62, "behind": 0.12, "lapsed": 0.12, "resigned": 0.05, "caught_up": 0.09}
JOINED_HOW = {Member.Joined.CARD: 0.55, Member.Joined.ONLINE: 0.25, Member.Joined.ACTION: 0.2}
METHODS = ["cash", "card", "bank", "payroll"]
# How likely someone at each assessment (None: never assessed) is to have joined.
JOIN_BONUS = {1: 1.0, 2: 0.8, 3: 0.45, 4: 0.1, 5: -0.5, None: 0.3}
RESIGNED = ["Moved away", "Left the job at Meridian", "Moved out of the building", "Too busy"]


@dataclass
class Joiner:
    person_id: int
    joined_on: date
    habit: str
    plan: DuesPlan
    pledge: int | None
    method: str
    paid_until: date | None = None  # the first day their payments do not cover


def power_seed(*, committee: Committee, lead: User, member: Person, rng: random.Random) -> None:
    """The power base, once (a committee that has members keeps them); the lead is the
    treasurer and the plans exist on every run."""
    today = today_for(committee)
    treasurer_set(
        membership=Membership.objects.get(committee=committee, user=lead),
        is_treasurer=True,
        by=lead,
    )
    plans = _plans(committee)
    if not Member.objects.filter(committee=committee).exists():
        joiners = _joiners(committee=committee, plans=plans, member=member, today=today, rng=rng)
        members = _members(committee=committee, joiners=joiners, lead=lead, today=today, rng=rng)
        _payments(members=members, joiners=joiners, lead=lead, today=today, rng=rng)
        _resignations(members=members, joiners=joiners, lead=lead, today=today, rng=rng)
        power_history_changed(committee_id=committee.pk, since=None)  # written in bulk
    if not LedgerEntry.objects.filter(committee=committee).exists():
        _ledger(committee=committee, lead=lead, today=today, rng=rng)
    if not PowerTarget.objects.filter(committee=committee).exists():
        _targets(committee=committee, lead=lead, today=today)


def _plans(committee: Committee) -> list[tuple[DuesPlan, float]]:
    return [
        (
            DuesPlan.objects.get_or_create(
                committee=committee, name=name, defaults={"amount": amount, "months": months}
            )[0],
            share,
        )
        for name, amount, months, share in PLANS
    ]


def _joiners(
    *,
    committee: Committee,
    plans: list[tuple[DuesPlan, float]],
    member: Person,
    today: date,
    rng: random.Random,
) -> list[Joiner]:
    """Who joined: the supportive first (with some luck), the demo member among them, paying
    by payroll and up to date; when, on which plan, and how they pay."""
    entries = RosterEntry.objects.filter(campaign__committee=committee, removed_at=None)
    levels = dict(entries.order_by("-pk").values_list("person_id", "assessment"))
    scored = sorted(levels, key=lambda pk: -(rng.random() + JOIN_BONUS[levels[pk]]))
    chosen = [member.pk, *(pk for pk in scored if pk != member.pk)][:MEMBERS]
    joiners = []
    for pk in sorted(chosen):
        plan, _share = rng.choices(plans, weights=[share for _plan, share in plans])[0]
        habit = rng.choices(list(HABITS), weights=list(HABITS.values()))[0]
        if plan.months != 1 or pk == member.pk:  # the yearly payers and the member pay on time
            habit = "good"
        joiners.append(
            Joiner(
                person_id=pk,
                joined_on=today - timedelta(days=rng.randint(12, 3 * 365)),
                habit=habit,
                plan=plan,
                pledge=rng.choice(PLEDGES) if plan.amount is None else None,
                method="payroll" if pk == member.pk else rng.choice(METHODS),
            )
        )
    return joiners


def _members(
    *,
    committee: Committee,
    joiners: list[Joiner],
    lead: User,
    today: date,
    rng: random.Random,
) -> list[Member]:
    """Numbered in the order they joined; who joined online in the past month came through
    the join page, for an organizer to follow up."""
    joiners.sort(key=lambda j: (j.joined_on, j.person_id))
    wording = standard_wording(committee)
    rows = []
    for number, joiner in enumerate(joiners, start=1):
        how = rng.choices(list(JOINED_HOW), weights=list(JOINED_HOW.values()))[0]
        from_form = how == Member.Joined.ONLINE and joiner.joined_on > today - timedelta(days=30)
        rows.append(
            Member(
                committee=committee,
                person_id=joiner.person_id,
                number=f"R{number:04d}",
                joined_on=joiner.joined_on,
                joined_how=how,
                plan=joiner.plan,
                pledge=joiner.pledge,
                pay_method=joiner.method,
                from_join_form=from_form,
                consent_text=wording if from_form else "",
                recorded_by=None if from_form else lead,
            )
        )
    return Member.objects.bulk_create(rows)


def _payments(
    *,
    members: list[Member],
    joiners: list[Joiner],
    lead: User,
    today: date,
    rng: random.Random,
) -> None:
    """Month by month from when they joined (or about fourteen months ago) to when they stopped:
    the behind stopped two or three months ago, the lapsed four to fourteen, the resigned when
    they left; the caught-up missed two months last spring and paid them with the next one.
    Yearly plans pay twelve months at once."""
    now = month_index(today)
    rows = []
    for member, joiner in zip(members, joiners, strict=True):
        joined, step = month_index(joiner.joined_on), joiner.plan.months
        # From the period under way fourteen months ago: a yearly plan renews on the month
        # they joined.
        first = joined + max(0, now - PAID_MONTHS - joined) // step * step
        stop = {"behind": now - rng.randint(1, 2), "lapsed": now - rng.randint(3, 13)}.get(
            joiner.habit, now + 1
        )
        if joiner.habit == "resigned":
            stop = rng.randint(first, now)
        skipped = now - rng.randint(5, 8) if joiner.habit == "caught_up" else None
        month = first
        while month < stop:
            months = step
            if month == skipped:
                months = 3  # this month and the next two, paid at the end of the third
            paid_on = _paid_on(month + months - 1 if months != step else month, joiner, rng)
            if paid_on > today:
                break
            amount = (joiner.plan.amount or joiner.pledge or 0) * months // step
            rows.append(
                Payment(
                    committee_id=member.committee_id,
                    member=member,
                    amount=amount,
                    paid_on=paid_on,
                    method=joiner.method,
                    covers=Range(month_start(month), month_start(month + months), "[)"),
                    recorded_by=lead,
                )
            )
            month += months
            joiner.paid_until = month_start(month)
    Payment.objects.bulk_create(rows, batch_size=2000)


def _paid_on(month: int, joiner: Joiner, rng: random.Random) -> date:
    """A day in the first part of the month, not before they joined."""
    return max(month_start(month) + timedelta(days=rng.randint(0, 12)), joiner.joined_on)


def _resignations(
    *,
    members: list[Member],
    joiners: list[Joiner],
    lead: User,
    today: date,
    rng: random.Random,
) -> None:
    """The resigned left a month or two after their last payment (today at the latest)."""
    for member, joiner in zip(members, joiners, strict=True):
        if joiner.habit != "resigned":
            continue
        until = joiner.paid_until or joiner.joined_on
        on = min(until + timedelta(days=rng.randint(10, 50)), today)
        member_resign(
            member=member, on=max(on, joiner.joined_on), reason=rng.choice(RESIGNED), by=lead
        )


# category, party, amount (minor units), months ago (None: every month), note
LEDGER = [
    (LedgerEntry.Category.RENT, "Local 88 union hall", 15000, None, "Meeting room"),
    (LedgerEntry.Category.FEES, "Riverside Credit Union", 450, None, "Account fee"),
    (LedgerEntry.Category.DONATION, "St. Brendan's parish", 50000, 11, ""),
    (LedgerEntry.Category.DONATION, "Chicago Labor Council", 100000, 7, "Organizing grant"),
    (LedgerEntry.Category.DONATION, "Passed the hat at the general meeting", 23650, 2, ""),
    (LedgerEntry.Category.INCOME_OTHER, "T-shirt sales", 18000, 5, ""),
    (LedgerEntry.Category.PRINTING, "Copy Corner", 8540, 10, "Union cards and flyers"),
    (LedgerEntry.Category.PRINTING, "Copy Corner", 21000, 3, "Repairs petition, 3 buildings"),
    (LedgerEntry.Category.FOOD, "Lupita's Taqueria", 12075, 4, "Oak Street potluck"),
    (LedgerEntry.Category.TRAVEL, "CTA", 3600, 6, "Ventra cards for the delegation"),
    (LedgerEntry.Category.LEGAL, "Workers' Law Center", 40000, 8, "Tenant rights consult"),
    (LedgerEntry.Category.SOLIDARITY, "Strike fund, Local 12", 30000, 1, ""),
]


def _ledger(*, committee: Committee, lead: User, today: date, rng: random.Random) -> None:
    """A year of the books: rent and the bank's fee every month, donations and expenses now
    and then, and one mistake corrected (typed as 850.40, reversed, entered as 85.04)."""
    now = month_index(today)
    for category, party, amount, ago, note in LEDGER:
        for months_ago in range(11, -1, -1) if ago is None else [ago]:
            day = month_start(now - months_ago) + timedelta(days=rng.randint(0, 20))
            data = EntryData(category, amount, min(day, today), party=party, note=note)
            ledger_record(committee=committee, data=data, by=lead)
    day = min(month_start(now) + timedelta(days=2), today)
    mistake = EntryData(LedgerEntry.Category.PRINTING, 85040, day, party="Copy Corner")
    wrong = ledger_record(committee=committee, data=mistake, by=lead)
    ledger_reverse(entry=wrong, by=lead, note="Typed 850.40 for 85.04")
    right = EntryData(LedgerEntry.Category.PRINTING, 8504, day, party="Copy Corner")
    ledger_record(committee=committee, data=right, by=lead)


def _targets(*, committee: Committee, lead: User, today: date) -> None:
    """Targets a little beyond this pace: one within reach, one a stretch."""
    now = month_index(today)
    PowerTarget.objects.bulk_create(
        [
            PowerTarget(
                committee=committee,
                measure=PowerTarget.Measure.MEMBERS,
                target=300,
                by=month_start(now + 7) - timedelta(days=1),
                set_by=lead,
            ),
            PowerTarget(
                committee=committee,
                measure=PowerTarget.Measure.GOOD,
                target=250,
                by=month_start(now + 13) - timedelta(days=1),
                set_by=lead,
            ),
        ]
    )
