"""A committee with one big campaign of fake people and its history, for the benchmarks
(bench/chart.py, bench/dashboard.py).

The issue's scenario by default: 10,000 people in 200 units, 100,000 one-on-ones spread over
the campaign's 40 weeks, and 200 actions with their RSVPs and attendance; every person a
member of the committee with 24 months of dues (bench/power.py). The history is
planned in Python and written with COPY (ids reserved from the sequences first, so rows can
point at each other), which takes seconds where saving models one by one would take hours.

It is consistent as the app would leave it: every assessed person's current assessment is
their latest AssessmentRecord by when it happened (what assessment_recompute concludes), each
record belongs to the conversation that made it, and support grows over the weeks, so trends
computed as of each week mean something.
"""

import bisect
import random
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from campaigns.models import (
    Action,
    AskAnswer,
    AssessmentRecord,
    Campaign,
    Conversation,
    DuesPlan,
    FollowUp,
    IssueTag,
    Member,
    Payment,
    RosterEntry,
    Rsvp,
    ScheduledOneOnOne,
    Site,
    TeamMember,
    Unit,
)
from campaigns.power.standing import month_index, month_start
from campaigns.roster.history import power_history_changed
from campaigns.roster.services import contact_recompute
from members.clock import today_for
from members.models import Committee, Membership, Person, PersonTag, Tag, User

COMMITTEE = "Bench Committee"
CAMPAIGN = "Bench"
LEAD_EMAIL = "bench-lead@majority.test"
# fmt: off
GIVEN = [
    "Ana", "Ben", "Cara", "Dev", "Eli", "Fay", "Gus", "Hana", "Ida", "Jon", "Kemi", "Luis",
    "Mei", "Nia", "Omar", "Pia", "Quinn", "Rosa", "Sam", "Tomás", "Uma", "Vik", "Wen", "Xavi",
    "Yara", "Zoe", "Amir", "Bea", "Chen", "Dara", "Emeka", "Femi", "Gita", "Hugo", "Inés",
    "Jae", "Kofi", "Lena", "Malik",
]
FAMILY = [
    "Ruiz", "Cole", "Diaz", "Patel", "Moss", "Okafor", "Hale", "Ito", "Lund", "Bell", "Khan",
    "Rivera", "Nguyen", "Haddad", "Silva", "Kim", "Mensah", "Novak", "Garcia", "Cohen",
    "Ahmed", "Kowalski", "Tanaka", "Oyelaran", "Murphy", "Rossi", "Singh", "Park", "Dubois",
    "Müller", "Santos", "Ibrahim", "Larsen", "Chávez", "Wong", "Adeyemi", "Brennan", "Costa",
    "Yilmaz", "Fischer",
]
# fmt: on
TAGS = ["day shift", "night shift", "spanish speaker", "building captain", "steward", "new hire"]
ISSUES = ["Wages", "Scheduling", "Safety", "Heat", "Breaks", "Respect", "Staffing", "Parking"]
NEXT_STEPS = ["Call back", "Bring to the meeting", "Ask to sign the card", "Meet co-workers"]
CHANNELS = [choice.value for choice in Conversation.Channel]
KINDS = [choice.value for choice in Action.Kind]
# Where people end up (1 to 5) once assessed: a campaign some way along, most not yet won.
LEVELS, WEIGHTS = [1, 2, 3, 4, 5], [6, 22, 24, 11, 7]
CONTACTED, ASSESSED = 0.8, 0.9  # of the roster someone talked to; of those, how many assessed
# How likely a yes is, by the assessment at the time of the invitation (None: unassessed).
YES_BY_LEVEL = {1: 0.8, 2: 0.6, 3: 0.3, 4: 0.1, 5: 0.03, None: 0.15}
# Everyone on the roster is a member, with this many months of dues (bench/power.py): most
# paid up, some behind, some lapsed, a few resigned.
DUES_MONTHS = 24
HABITS = {"good": 0.75, "behind": 0.1, "lapsed": 0.1, "resigned": 0.05}


class Command(BaseCommand):
    help = (
        "Seed a committee and a campaign with many fake people and their history, for benchmarks."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--units", type=int, default=200)
        parser.add_argument("--sites", type=int, default=5)
        parser.add_argument("--organizers", type=int, default=20)
        parser.add_argument(
            "--conversations", type=int, default=None, help="One-on-ones (default: 10 a person)."
        )
        parser.add_argument("--actions", type=int, default=200)
        parser.add_argument("--weeks", type=int, default=40, help="How long the campaign has run.")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="Delete the bench data first.")
        parser.add_argument(
            "--force", action="store_true", help="Run with DEBUG off (it creates fake people)."
        )

    def handle(self, *args, reset: bool, force: bool, seed: int, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_bench creates thousands of fake people: with DEBUG off it runs only with "
                "--force, on a database that holds no real committee."
            )
        if options["conversations"] is None:
            options["conversations"] = 10 * options["people"]
        keys = ("people", "units", "sites", "organizers", "conversations", "actions", "weeks")
        sizes = {key: options[key] for key in keys}
        if sizes["units"] < sizes["sites"] or sizes["people"] < 0 or sizes["organizers"] < 1:
            raise CommandError("Need at least one unit per site and one organizer.")
        if sizes["conversations"] < 0 or sizes["actions"] < 0 or sizes["weeks"] < 1:
            raise CommandError("Need no negative counts and at least one week.")
        started = time.monotonic()
        with transaction.atomic():
            committee = Committee.objects.filter(name=COMMITTEE).first()
            if committee is not None and reset:
                _wipe(committee)
                committee = None
            if committee is not None:
                return self._already_there(committee, sizes)
            campaign = seed_bench(random.Random(seed), **sizes)  # noqa: S311 - fake data
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {campaign.code_name}: {sizes['people']} people in {sizes['units']} units "
                f"across {sizes['sites']} sites, {sizes['conversations']} conversations over "
                f"{sizes['weeks']} weeks, {sizes['actions']} actions "
                f"in {time.monotonic() - started:.1f} s. Committee lead: {LEAD_EMAIL}"
            )
        )

    def _already_there(self, committee: Committee, sizes: dict) -> None:
        campaign = committee.campaigns.get(code_name=CAMPAIGN)
        found = {
            "people": RosterEntry.objects.filter(campaign=campaign, removed_at=None).count(),
            "units": Unit.objects.filter(site__campaign=campaign).count(),
            "conversations": Conversation.objects.filter(campaign=campaign).count(),
            "actions": Action.objects.filter(campaign=campaign).count(),
        }
        members = Member.objects.filter(committee=committee).count()
        if members != found["people"] or any(found[key] != sizes[key] for key in found):
            have = ", ".join(
                f"{count} {key}" for key, count in {**found, "members": members}.items()
            )
            raise CommandError(
                f"The bench campaign has {have}: run with --reset to rebuild it with the sizes "
                "asked for."
            )
        self.stdout.write(
            f"Bench data already there: {found['people']} people in {found['units']} units, "
            f"{found['conversations']} conversations, {found['actions']} actions."
        )


def _wipe(committee: Committee) -> None:
    """Delete the bench committee. The big tables go first, each in one plain DELETE: Django's
    cascade would fetch their hundreds of thousands of rows to delete them a batch at a time."""
    campaigns = Campaign.objects.filter(committee=committee)
    talks = Conversation.objects.filter(campaign__in=campaigns)
    for rows in (
        Conversation.issues.through.objects.filter(conversation__in=talks),
        AskAnswer.objects.filter(conversation__in=talks),
        FollowUp.objects.filter(campaign__in=campaigns),
        ScheduledOneOnOne.objects.filter(campaign__in=campaigns),
        AssessmentRecord.objects.filter(roster_entry__campaign__in=campaigns),
        talks,
        Rsvp.objects.filter(action__committee=committee),
        Payment.objects.filter(committee=committee),
        Member.objects.filter(committee=committee),
    ):
        rows._raw_delete(rows.db)
    committee.delete()


@dataclass
class Plan:
    """One person's part of the history, before it is written."""

    entry_id: int
    person_id: int
    organizer_id: int | None
    times: list[datetime] = field(default_factory=list)  # their conversations, oldest first
    levels: list[int | None] = field(default_factory=list)  # the assessment in each, if any
    leader: bool = False

    def level_at(self, moment: datetime) -> int | None:
        """Their assessment as it stood at `moment`: the latest one made before it."""
        index = bisect.bisect_right(self.times, moment)
        return next((level for level in reversed(self.levels[:index]) if level), None)


def seed_bench(
    rng: random.Random,
    *,
    people: int,
    units: int,
    sites: int,
    organizers: int,
    conversations: int = 0,
    actions: int = 0,
    weeks: int = 40,
) -> Campaign:
    """Build the whole bench committee; the caller holds the transaction."""
    now = timezone.now()
    start = now - timedelta(weeks=weeks)
    committee = Committee.objects.create(name=COMMITTEE)
    campaign = Campaign.objects.create(
        committee=committee, kind="workplace", code_name=CAMPAIGN, target="Megamart Logistics"
    )
    Campaign.objects.filter(pk=campaign.pk).update(created_at=start)
    lead, team = _team(committee, campaign, organizers)
    unit_ids = _structure(campaign, sites, units)
    persons = _people(committee, people, rng)
    plans = _plan(persons, conversations, team, start, now, rng)
    _roster(campaign, plans, unit_ids, start, rng)
    _history(campaign, plans, [lead, *team], now, rng)
    _actions(campaign, plans, lead, team, actions, start, now, rng)
    _tags(committee, persons, rng)
    _members(committee, persons, today_for(committee), rng)
    return campaign


def _team(committee: Committee, campaign: Campaign, count: int) -> tuple[User, list[User]]:
    """A committee lead, and `count` organizers on the campaign's team."""
    lead = _user(LEAD_EMAIL, "Bench Lead")
    Membership.objects.create(committee=committee, user=lead, role=Membership.Role.LEAD)
    team = [_user(f"bench-organizer-{n}@majority.test", f"Organizer {n}") for n in range(count)]
    Membership.objects.bulk_create(
        Membership(committee=committee, user=user, role=Membership.Role.ORGANIZER) for user in team
    )
    TeamMember.objects.bulk_create(
        TeamMember(campaign=campaign, user=user, role=TeamMember.Role.ORGANIZER) for user in team
    )
    return lead, team


def _user(email: str, name: str) -> User:
    """A login nobody can use with a password (the benchmark logs in without one)."""
    user, created = User.objects.get_or_create(email=email, defaults={"name": name})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    return user


def _structure(campaign: Campaign, sites: int, units: int) -> list[int]:
    """Sites, each with a two-level unit tree: departments, and shifts under them."""
    created = Site.objects.bulk_create(
        Site(campaign=campaign, name=f"Site {n + 1}", position=n) for n in range(sites)
    )
    unit_ids: list[int] = []
    for index, site in enumerate(created):
        size = units // sites + (index < units % sites)
        tops = Unit.objects.bulk_create(
            Unit(site=site, name=f"Department {n + 1}", position=n)
            for n in range(max(1, size // 5))
        )
        children = Unit.objects.bulk_create(
            Unit(site=site, parent=tops[n % len(tops)], name=f"Shift {n // len(tops) + 1}")
            for n in range(size - len(tops))
        )
        unit_ids += [unit.pk for unit in tops + children]
    return unit_ids


def _people(committee: Committee, count: int, rng: random.Random) -> list[Person]:
    return Person.objects.bulk_create(
        (
            Person(
                committee=committee,
                given_name=rng.choice(GIVEN),
                family_name=rng.choice(FAMILY),
                preferred_name=rng.choice(GIVEN) if rng.random() < 0.05 else "",
            )
            for _ in range(count)
        ),
        batch_size=2000,
    )


def _plan(persons, conversations: int, team, start, now, rng: random.Random) -> list[Plan]:
    """Who is assigned to whom, who was talked to when, and where each talk left them.

    80% of the roster is contacted (at least one talk each, the rest spread at random), more
    and more often as the campaign goes on; 90% of those are assessed. People tend to start
    further from the union than they end, so support grows over the weeks.
    """
    plans = [
        Plan(
            entry_id=0,
            person_id=person.pk,
            organizer_id=rng.choice(team).pk if rng.random() < 0.85 else None,
        )
        for person in persons
    ]
    contacted = rng.sample(plans, min(len(plans), conversations, round(len(plans) * CONTACTED)))
    talks = {id(plan): 1 for plan in contacted}
    for plan in rng.choices(contacted, k=conversations - len(contacted)) if contacted else []:
        talks[id(plan)] += 1
    life = (now - start).total_seconds()
    for plan in contacted:
        count = talks[id(plan)]
        # density rising through the campaign: u ** 0.6 crowds the later weeks
        plan.times = sorted(
            start + timedelta(seconds=life * rng.random() ** 0.6) for _ in range(count)
        )
        plan.levels = [None] * count
        if rng.random() < ASSESSED:
            _assess(plan, rng)
    return plans


def _assess(plan: Plan, rng: random.Random) -> None:
    """Assessments in most of their talks, drifting from where they started to where they are."""
    final = rng.choices(LEVELS, WEIGHTS)[0]
    first = min(5, final + rng.choice([0, 0, 1, 1, 2])) if final <= 3 else final
    made = [i for i in range(len(plan.times)) if rng.random() < 0.8] or [len(plan.times) - 1]
    for step, index in enumerate(made):
        share = step / (len(made) - 1) if len(made) > 1 else 1
        plan.levels[index] = round(first + (final - first) * share)
    plan.leader = (final == 1 and rng.random() < 0.6) or (final in (2, 3) and rng.random() < 0.04)


def _roster(campaign, plans: list[Plan], unit_ids, start: datetime, rng: random.Random) -> None:
    """Everyone on the roster since the campaign began, 1% unplaced, the current assessment
    their latest one."""
    entries = []
    for plan in plans:
        made = [(at, level) for at, level in zip(plan.times, plan.levels, strict=True) if level]
        entries.append(
            RosterEntry(
                campaign=campaign,
                person_id=plan.person_id,
                unit_id=rng.choice(unit_ids) if rng.random() >= 0.01 else None,
                is_leader=plan.leader,
                organizer_id=plan.organizer_id,
                assessment=made[-1][1] if made else None,
                assessed_at=made[-1][0] if made else None,
            )
        )
    for plan, entry in zip(
        plans, RosterEntry.objects.bulk_create(entries, batch_size=5000), strict=True
    ):
        plan.entry_id = entry.pk
    RosterEntry.objects.filter(campaign=campaign).update(added_at=start)


def _history(campaign, plans: list[Plan], staff: list[User], now, rng: random.Random) -> None:
    """The conversations, the assessment record each one made, issues and follow-ups.

    Conversation ids are reserved first so records, issues and follow-ups can point at them;
    records are written in each person's order of time, so even a tie on `happened_at` ends
    on the same record as assessment_recompute (which breaks ties by id).
    """
    issues = IssueTag.objects.bulk_create(IssueTag(campaign=campaign, name=n) for n in ISSUES)
    ids = iter(_ids(Conversation, sum(len(plan.times) for plan in plans)))
    talks, records, tagged, follow_ups = [], [], [], []
    today = timezone.localdate(now)
    for plan in plans:
        last = len(plan.times) - 1
        by = [
            plan.organizer_id if plan.organizer_id and rng.random() < 0.8 else rng.choice(staff).pk
            for _ in plan.times
        ]
        for index, (at, level) in enumerate(zip(plan.times, plan.levels, strict=True)):
            pk = next(ids)
            step = rng.choice(NEXT_STEPS) if rng.random() < 0.4 else ""
            talks.append(
                (pk, at, rng.choice(CHANNELS), rng.choice([None, 5, 10, 15, 30, 45]), level,
                 plan.leader and index == last, "", step, at, at, campaign.pk, by[index],
                 plan.person_id)
            )  # fmt: skip
            if level:
                records.append((level, at, at, by[index], plan.entry_id, pk))
            if rng.random() < 0.4:
                tagged.append((pk, rng.choice(issues).pk))
            if step:
                due = (at + timedelta(days=rng.randint(2, 14))).date()
                closed = _closing(plan, index, by, due, today, rng)
                follow_ups.append(
                    (step, due, *closed, at, campaign.pk, pk, by[index], plan.person_id)
                )
    _copy(Conversation, CONVERSATION_COLUMNS, talks)
    _copy(AssessmentRecord, RECORD_COLUMNS, records)
    _copy(Conversation.issues.through, ["conversation_id", "issuetag_id"], tagged)
    _copy(FollowUp, FOLLOW_UP_COLUMNS, follow_ups)
    contact_recompute(campaign_id=campaign.pk)


CONVERSATION_COLUMNS = [
    "id", "happened_at", "channel", "duration_minutes", "assessment", "is_leader", "notes",
    "next_step", "created_at", "updated_at", "campaign_id", "organizer_id", "person_id",
]  # fmt: skip
RECORD_COLUMNS = [
    "level", "happened_at", "created_at", "recorded_by_id", "roster_entry_id", "conversation_id",
]  # fmt: skip
FOLLOW_UP_COLUMNS = [
    "description", "due_on", "closed_at", "closed_reason", "closed_note", "closed_by_id",
    "created_at", "campaign_id", "conversation_id", "organizer_id", "person_id",
]  # fmt: skip
RSVP_COLUMNS = [
    "invited_at", "response", "responded_at", "source", "guests", "note", "waitlisted_at",
    "attended", "checked_in_at", "created_person", "updated_at", "action_id",
    "checked_in_by_id", "invited_by_id", "person_id",
]  # fmt: skip


def _closing(plan: Plan, index: int, by: list[int], due: date, today: date, rng: random.Random):
    """(closed_at, closed_reason, closed_note, closed_by_id) of a conversation's follow-up:
    done at the person's next talk; after the last one, open (overdue once due) unless long
    overdue, when most were closed for another reason."""
    if index < len(plan.times) - 1:
        return plan.times[index + 1], FollowUp.CloseReason.DONE.value, "", by[index + 1]
    if due < today - timedelta(days=28) and rng.random() < 0.7:
        reason = rng.choice([FollowUp.CloseReason.MOVED_AWAY, FollowUp.CloseReason.OTHER])
        closed_at = plan.times[index] + timedelta(days=(today - due).days // 2 + 14)
        return closed_at, reason.value, "", by[index]
    return None, "", "", None


def _actions(campaign, plans, lead, team, count: int, start, now, rng: random.Random) -> None:
    """`count` actions, three in four past (with RSVPs and attendance) and the rest in the
    next six weeks (RSVPs against capacity, a waitlist when full). Who says yes depends on
    their assessment at the time: the structure test has something to show."""
    if not count or not plans:
        return
    site_ids = list(campaign.sites.values_list("pk", flat=True))
    past = round(count * 0.75)
    actions = []
    for n in range(count):
        if n < past:
            day = start + (now - timedelta(days=1) - start) * ((n + 0.5) / past)
        else:
            day = now + timedelta(days=1 + 41 * (n - past) / max(1, count - past))
        starts_at = day.replace(hour=17, minute=30, second=0, microsecond=0)
        kind = rng.choice(KINDS)
        actions.append(
            Action(
                committee=campaign.committee,
                campaign=campaign,
                site_id=rng.choice(site_ids) if rng.random() < 0.8 else None,
                title=f"{Action.Kind(kind).label} {n + 1}",
                kind=kind,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=2),
                capacity=rng.randint(15, 60) if rng.random() < 0.4 else None,
                visibility=Action.Visibility.CAMPAIGN,
                created_by=lead,
            )
        )
    rows = []
    for action in Action.objects.bulk_create(actions):
        rows += _rsvps(action, plans, [lead, *team], now, rng)
    _copy(Rsvp, RSVP_COLUMNS, rows)


def _rsvps(action: Action, plans: list[Plan], staff, now, rng: random.Random) -> list[tuple]:
    """One action's invitations, answers in the order they came, and (past) who showed up."""
    is_past = action.starts_at < now
    invited_at = action.starts_at - timedelta(days=10) if is_past else now - timedelta(days=10)
    answers = []
    for plan in rng.sample(plans, min(len(plans), rng.randint(20, 120))):
        responded_at = invited_at + timedelta(seconds=rng.uniform(0, 9 * 86400))
        yes = YES_BY_LEVEL[plan.level_at(invited_at)]
        draw = rng.random()
        response = (
            "" if draw < 0.2 else "yes" if draw < 0.2 + 0.8 * yes else rng.choice(["maybe", "no"])
        )
        answers.append((responded_at if response else None, response, plan))
    answers.sort(key=lambda answer: answer[0] or now)
    rows, seats, invited = [], 0, set()
    for responded_at, response, plan in answers:
        invited.add(plan.person_id)
        guests = 1 if response == "yes" and rng.random() < 0.1 else 0
        waitlisted_at = None
        if response == "yes" and action.capacity is not None:
            if seats + 1 + guests > action.capacity:
                waitlisted_at = responded_at
            else:
                seats += 1 + guests
        attended = _attended(response, rng) if is_past else None
        rows.append(
            (invited_at, response, responded_at, Rsvp.Source.INVITATION if not response else
             Rsvp.Source.EMAIL, guests, "", waitlisted_at, attended,
             action.starts_at + timedelta(minutes=rng.randint(-10, 30)) if attended else None,
             False, responded_at or invited_at, action.pk,
             rng.choice(staff).pk if attended is not None else None, action.created_by_id,
             plan.person_id)
        )  # fmt: skip
    for plan in rng.sample(plans, min(len(plans), rng.randint(0, 5))) if is_past else []:
        if plan.person_id not in invited:  # walk-ins
            rows.append(
                (None, "", None, Rsvp.Source.WALK_IN, 0, "", None, True, action.starts_at,
                 False, action.starts_at, action.pk, rng.choice(staff).pk, None, plan.person_id)
            )  # fmt: skip
    return rows


def _attended(response: str, rng: random.Random) -> bool | None:
    """Attendance as organizers record it: most yeses came, some maybes, a few who never said."""
    if response == "yes":
        return rng.random() < 0.75
    if response == "maybe":
        return True if rng.random() < 0.3 else None
    return True if response == "" and rng.random() < 0.05 else None


def _ids(model: type[Model], count: int) -> list[int]:
    """Reserve `count` ids from the table's sequence, in increasing order."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return sorted(row[0] for row in cursor.fetchall())


def _copy(model: type[Model], columns: list[str], rows: list[tuple]) -> None:
    """Write rows with COPY: many times faster than INSERTs for a hundred thousand rows."""
    sql = f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def _tags(committee: Committee, persons: list[Person], rng: random.Random) -> None:
    """The committee's tags, one on about a quarter of the people."""
    tags = Tag.objects.bulk_create(Tag(committee=committee, name=name) for name in TAGS)
    links = PersonTag
    links.objects.bulk_create(
        (
            links(person_id=person.pk, tag_id=rng.choice(tags).pk)
            for person in persons
            if rng.random() < 0.25
        ),
        batch_size=2000,
    )


def _members(committee: Committee, persons: list[Person], today: date, rng: random.Random) -> None:
    """Everyone a member, joined over the last three years, on a monthly plan, paying month
    by month for up to DUES_MONTHS months: the behind stopped two or three months ago, the
    lapsed four to twenty, the resigned left when they stopped."""
    plans = DuesPlan.objects.bulk_create(
        DuesPlan(committee=committee, name=name, amount=amount)
        for name, amount in (("Monthly", 1000), ("Reduced", 500))
    )
    now, at = month_index(today), timezone.now()
    ids = iter(_ids(Member, len(persons)))
    members, payments = [], []
    for person in persons:
        pk, joined = next(ids), today - timedelta(days=rng.randint(1, 3 * 365))
        plan = plans[rng.random() < 0.25]
        habit = rng.choices(list(HABITS), weights=list(HABITS.values()))[0]
        first = max(month_index(joined), now - DUES_MONTHS + 1)
        stop = {"behind": now - rng.randint(1, 2), "lapsed": now - rng.randint(3, 20)}
        last = stop.get(habit, now + 1) if habit != "resigned" else rng.randint(first, now)
        resigned = None
        if habit == "resigned":
            resigned = min(max(month_start(last) + timedelta(days=9), joined), today)
        members.append(
            (pk, committee.pk, person.pk, f"B{pk}", joined, "card", plan.pk, "cash", resigned, "",
             False, "", at, at)
        )  # fmt: skip
        for month in range(first, last):
            paid_on = max(month_start(month) + timedelta(days=rng.randint(0, 12)), joined)
            if paid_on > today:
                break
            covers = f"[{month_start(month)},{month_start(month + 1)})"
            payments.append(
                (committee.pk, pk, plan.amount, paid_on, "cash", covers, "", "hand", at)
            )
    _copy(Member, MEMBER_COLUMNS, members)
    _copy(Payment, PAYMENT_COLUMNS, payments)
    power_history_changed(committee_id=committee.pk, since=None)  # copied in bulk


MEMBER_COLUMNS = [
    "id", "committee_id", "person_id", "number", "joined_on", "joined_how", "plan_id",
    "pay_method", "resigned_on", "resigned_reason", "from_join_form", "consent_text",
    "created_at", "updated_at",
]  # fmt: skip
PAYMENT_COLUMNS = [
    "committee_id", "member_id", "amount", "paid_on", "method", "covers", "note", "source",
    "recorded_at",
]  # fmt: skip
