"""A committee with one big campaign of fake people, for the chart benchmark (bench/chart.py).

Everything is made with bulk_create, so 10,000 people take seconds. Assessments are set on the
roster directly for speed, with exactly one matching AssessmentRecord per assessed entry, so
the history and the current assessment agree as assessment_recompute would leave them.
"""

import random
import time
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from campaigns.models import AssessmentRecord, Campaign, RosterEntry, Site, TeamMember, Unit
from members.models import Committee, Membership, Person, Tag, User

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
# unassessed, then 1 to 5: a campaign some way along, with most people not yet won
LEVELS, WEIGHTS = [None, 1, 2, 3, 4, 5], [30, 6, 22, 24, 11, 7]


class Command(BaseCommand):
    help = "Seed a committee and a campaign with many fake people, for benchmarks."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--people", type=int, default=10_000)
        parser.add_argument("--units", type=int, default=200)
        parser.add_argument("--sites", type=int, default=5)
        parser.add_argument("--organizers", type=int, default=20)
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
        sizes = {key: options[key] for key in ("people", "units", "sites", "organizers")}
        if sizes["units"] < sizes["sites"] or sizes["people"] < 0 or sizes["organizers"] < 1:
            raise CommandError("Need at least one unit per site and one organizer.")
        started = time.monotonic()
        with transaction.atomic():
            committee = Committee.objects.filter(name=COMMITTEE).first()
            if committee is not None and reset:
                committee.delete()
                committee = None
            if committee is not None:
                return self._already_there(committee, sizes)
            campaign = seed_bench(random.Random(seed), **sizes)  # noqa: S311 - fake data
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {campaign.code_name}: {sizes['people']} people in {sizes['units']} units "
                f"across {sizes['sites']} sites in {time.monotonic() - started:.1f} s. "
                f"Committee lead: {LEAD_EMAIL}"
            )
        )

    def _already_there(self, committee: Committee, sizes: dict) -> None:
        campaign = committee.campaigns.get(code_name=CAMPAIGN)
        people = RosterEntry.objects.filter(campaign=campaign, removed_at=None).count()
        units = Unit.objects.filter(site__campaign=campaign).count()
        if (people, units) != (sizes["people"], sizes["units"]):
            raise CommandError(
                f"The bench campaign has {people} people in {units} units: run with --reset "
                "to rebuild it with the sizes asked for."
            )
        self.stdout.write(f"Bench data already there: {people} people in {units} units.")


def seed_bench(
    rng: random.Random, *, people: int, units: int, sites: int, organizers: int
) -> Campaign:
    """Build the whole bench committee; the caller holds the transaction."""
    committee = Committee.objects.create(name=COMMITTEE)
    campaign = Campaign.objects.create(
        committee=committee, kind="workplace", code_name=CAMPAIGN, target="Megamart Logistics"
    )
    team = _team(committee, campaign, organizers)
    unit_ids = _structure(campaign, sites, units)
    persons = _people(committee, people, rng)
    entries = _roster(campaign, persons, unit_ids, team, rng)
    _assessments(entries)
    _tags(committee, persons, rng)
    return campaign


def _team(committee: Committee, campaign: Campaign, count: int) -> list[User]:
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
    return team


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


def _roster(campaign, persons, unit_ids, team, rng: random.Random) -> list[RosterEntry]:
    """Everyone on the roster: 1% unplaced, random assessments, 4% leaders, 85% assigned."""
    now = timezone.now()
    entries = []
    for person in persons:
        level = rng.choices(LEVELS, WEIGHTS)[0]
        entries.append(
            RosterEntry(
                campaign=campaign,
                person=person,
                unit_id=rng.choice(unit_ids) if rng.random() >= 0.01 else None,
                is_leader=rng.random() < 0.04,
                organizer=rng.choice(team) if rng.random() < 0.85 else None,
                assessment=level,
                assessed_at=now - timedelta(days=rng.randint(0, 180)) if level else None,
            )
        )
    return RosterEntry.objects.bulk_create(entries, batch_size=2000)


def _assessments(entries: list[RosterEntry]) -> None:
    """One record per assessed entry, matching its current assessment exactly."""
    AssessmentRecord.objects.bulk_create(
        (
            AssessmentRecord(
                roster_entry=entry,
                level=entry.assessment,
                happened_at=entry.assessed_at,
                recorded_by=entry.organizer,
            )
            for entry in entries
            if entry.assessment is not None
        ),
        batch_size=2000,
    )


def _tags(committee: Committee, persons: list[Person], rng: random.Random) -> None:
    """The committee's tags, one on about a quarter of the people."""
    tags = Tag.objects.bulk_create(Tag(committee=committee, name=name) for name in TAGS)
    links = Person.tags.through
    links.objects.bulk_create(
        (
            links(person_id=person.pk, tag_id=rng.choice(tags).pk)
            for person in persons
            if rng.random() < 0.25
        ),
        batch_size=2000,
    )
