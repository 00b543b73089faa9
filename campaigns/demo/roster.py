"""The demo's two campaigns, their charts (a warehouse and three buildings) and their rosters,
with assessments recorded over the past weeks."""

import random
from datetime import datetime, timedelta

from django.utils import timezone

from campaigns.models import Campaign, RosterEntry, Site, TeamMember, Unit
from campaigns.roster.services import assessment_record, roster_add
from members.models import Committee, Person, PersonEmail, PersonPhone, Tag, User

DEMO_TIME_ZONE = "America/Chicago"  # the demo's phone numbers are Chicago's (312)

GIVEN = [
    "Maria",
    "José",
    "Wei",
    "Fatima",
    "Daniel",
    "Amara",
    "Luis",
    "Mei",
    "Kwame",
    "Ana",
    "Dmitri",
    "Priya",
    "Jamal",
    "Sofia",
    "Tuan",
    "Grace",
    "Omar",
    "Leticia",
    "Samuel",
    "Hana",
    "Carlos",
    "Aaliyah",
    "Ivan",
    "Nadia",
    "Diego",
    "Esther",
    "Malik",
    "Rosa",
    "Kenji",
    "Chloe",
    "Ahmed",
    "Lucia",
    "Andre",
    "Ngozi",
    "Pedro",
    "Yuki",
    "Tariq",
    "Elena",
    "Marcus",
    "Imani",
    "Jorge",
    "Linh",
    "Abdi",
]
FAMILY = [
    "Lopez",
    "Nguyen",
    "Okafor",
    "Smith",
    "Haddad",
    "Garcia",
    "Kim",
    "Johnson",
    "Mensah",
    "Rossi",
    "Ivanova",
    "Patel",
    "Brown",
    "Silva",
    "Tran",
    "Williams",
    "Ali",
    "Hernandez",
    "Cohen",
    "Sato",
    "Martinez",
    "Davis",
    "Popov",
    "Khan",
    "Reyes",
    "Mwangi",
    "Jackson",
    "Morales",
    "Chen",
    "Diaz",
    "Abebe",
    "Santos",
    "Yilmaz",
    "Ortiz",
    "Wright",
    "Ramirez",
    "Osei",
    "Flores",
]

WAREHOUSE = {
    "Inbound": ["Day shift", "Night shift"],
    "Outbound": ["Day shift", "Night shift"],
    "Returns": ["Day shift"],
    "Maintenance": [],
}
BUILDINGS = ["Oak Street 12", "Oak Street 14", "Elm Court"]
# Share of people at each assessment; None is "never talked to".
ASSESSMENT_WEIGHTS = {1: 6, 2: 20, 3: 22, 4: 10, 5: 5, None: 37}


def campaign_seed(
    *,
    committee: Committee,
    code_name: str,
    kind: str,
    target: str,
    organizer: User,
    lead: User,
) -> Campaign:
    """The campaign with the lead and its organizer on the team (added once, never changed)."""
    campaign, _ = Campaign.objects.get_or_create(
        committee=committee, code_name=code_name, defaults={"kind": kind, "target": target}
    )
    TeamMember.objects.get_or_create(campaign=campaign, user=lead, defaults={"role": "lead"})
    TeamMember.objects.get_or_create(
        campaign=campaign, user=organizer, defaults={"role": "organizer"}
    )
    return campaign


def warehouse_chart(*, campaign: Campaign) -> list[Unit]:
    """The warehouse by department and shift; returns the units people work in (a shift, or a
    department that has none)."""
    site, _ = Site.objects.get_or_create(
        campaign=campaign,
        name="Riverside Warehouse",
        defaults={"address": "400 River Rd", "time_zone": DEMO_TIME_ZONE},
    )
    leaves = []
    for position, (department, shifts) in enumerate(WAREHOUSE.items()):
        parent = _unit(site=site, name=department, parent=None, position=position)
        leaves += [
            _unit(site=site, name=shift, parent=parent, position=i)
            for i, shift in enumerate(shifts)
        ]
        leaves += [] if shifts else [parent]
    return leaves


def buildings_chart(*, campaign: Campaign) -> list[Unit]:
    """Three buildings of four floors; returns the apartments."""
    apartments = []
    for position, name in enumerate(BUILDINGS):
        site, _ = Site.objects.get_or_create(
            campaign=campaign,
            name=name,
            defaults={"position": position, "time_zone": DEMO_TIME_ZONE},
        )
        for floor in range(1, 5):
            parent = _unit(site=site, name=f"Floor {floor}", parent=None, position=floor)
            apartments += [
                _unit(site=site, name=f"{floor}{letter}", parent=parent, position=i)
                for i, letter in enumerate("ABCD")
            ]
    return apartments


def _unit(*, site: Site, name: str, parent: Unit | None, position: int) -> Unit:
    unit, _ = Unit.objects.get_or_create(
        site=site, parent=parent, name=name, defaults={"position": position}
    )
    return unit


def roster_fill(*, campaign: Campaign, units: list[Unit], people: int, seed: int) -> None:
    """People spread over the units, a few leaders, assessments recorded over six weeks."""
    rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
    team = [m.user for m in campaign.team.select_related("user")]
    tags = [
        Tag.objects.get_or_create(committee=campaign.committee, name=name)[0]
        for name in ("Spanish speaker", "New hire", "Safety committee")
    ]
    now = timezone.now()
    for i in range(people):
        person = _demo_person(campaign=campaign, rng=rng, i=i)
        unit = rng.choice(units)
        entry = roster_add(
            campaign=campaign,
            person=person,
            unit=unit,
            title=_title(campaign=campaign, unit=unit, rng=rng),
            shift=unit.name if "shift" in unit.name else "",
            is_leader=rng.random() < 0.06,
            organizer=rng.choice(team),
        )
        if rng.random() < 0.2:
            person.tags.add(rng.choice(tags))
        _assess(entry=entry, rng=rng, now=now, team=team)


def _demo_person(*, campaign: Campaign, rng: random.Random, i: int) -> Person:
    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
    person = Person.objects.create(
        committee=campaign.committee,
        given_name=given,
        family_name=family,
        preferred_language=rng.choice(["en", "en", "en", "es"]),
        sms_ok=rng.random() < 0.6,
    )
    slug = f"{given}.{family}.{campaign.pk}{i}".lower()
    PersonEmail.objects.create(person=person, email=f"{slug}@example.org", is_primary=True)
    if rng.random() < 0.8:
        number = f"+1312555{rng.randrange(10000):04d}"
        PersonPhone.objects.create(person=person, number=number, is_primary=True)
    return person


def _title(*, campaign: Campaign, unit: Unit, rng: random.Random) -> str:
    if campaign.kind == Campaign.Kind.TENANT:
        return f"Apt {unit.name}"
    return rng.choice(["Picker", "Packer", "Forklift operator", "Loader", "Technician"])


def _assess(*, entry: RosterEntry, rng: random.Random, now: datetime, team: list[User]) -> None:
    level = rng.choices(list(ASSESSMENT_WEIGHTS), weights=list(ASSESSMENT_WEIGHTS.values()))[0]
    if level is None:
        return
    when = now - timedelta(days=rng.randrange(3, 42), hours=rng.randrange(12))
    if rng.random() < 0.3:  # an earlier conversation, one step further away
        earlier = min(level + 1, 5)
        assessment_record(
            entry=entry,
            level=earlier,
            happened_at=when - timedelta(days=14),
            recorded_by=rng.choice(team),
        )
    assessment_record(entry=entry, level=level, happened_at=when, recorded_by=rng.choice(team))
