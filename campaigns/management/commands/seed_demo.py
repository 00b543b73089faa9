"""A demo committee with one persona per role and two campaigns, safe to run again and again.

It grows with every feature so the demo always shows everything: a workplace campaign (a
warehouse charted by department and shift, ~200 workers) and a tenant campaign (a landlord
with three buildings, ~150 tenants), with assessments recorded over the past weeks and ten
weeks of one-on-ones (logged through the same service as the app, so each current assessment
agrees with its history), open follow-ups (a few overdue) and one-on-ones set for this week.
"""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from campaigns.models import (
    Action,
    Ask,
    Campaign,
    Conversation,
    IssueTag,
    RosterEntry,
    Rsvp,
    ScheduledOneOnOne,
    Site,
    TeamMember,
    Unit,
)
from campaigns.services.checkin import action_close_out
from campaigns.services.conversations import ConversationData, conversation_log
from campaigns.services.people import person_channels_add
from campaigns.services.roster import assessment_record, roster_add
from members.models import Committee, Membership, Person, PersonEmail, PersonPhone, Tag, User

DEMO_PASSWORD = "organize-demo-2026"
COMMITTEE_NAME = "Riverside Workers Committee"

# email, name, role (kept in step with the README's table)
PERSONAS = [
    ("lead@majority.test", "Rosa Delgado", Membership.Role.LEAD),
    ("organizer.a@majority.test", "Marcus Bell", Membership.Role.ORGANIZER),
    ("organizer.b@majority.test", "Aisha Khan", Membership.Role.ORGANIZER),
    ("member@majority.test", "Tomás Rivera", Membership.Role.MEMBER),
]

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

# What each kind of campaign talks about: issues with what people say about them, asks,
# how organizers reach people (channel: weight) and the next steps they promise.
TALK = {
    Campaign.Kind.WORKPLACE: {
        "issues": {
            "Wages": "Hasn't had a raise in two years; rent went up again.",
            "Scheduling": "Shifts posted two days ahead, can't plan childcare.",
            "Safety": "Forklift near-miss in aisle 12 last week, nobody wrote it up.",
            "Breaks": "Second break gets skipped when the line is behind.",
        },
        "asks": ["Sign a union card", "Come to the Thursday meeting"],
        "channels": {"in_person": 6, "phone": 2, "text": 1, "video": 1},
        "next_steps": [
            "Bring a card on Tuesday's shift",
            "Introduce to the night-shift leader",
            "Check in after the safety meeting",
        ],
    },
    Campaign.Kind.TENANT: {
        "issues": {
            "Mold": "Mold back in the bathroom after the landlord painted over it.",
            "Repairs": "Waited six weeks for the sink; three work orders ignored.",
            "Rent increase": "Lease renewal came with a 9% increase.",
            "Heat": "No heat above 60°F most mornings last month.",
        },
        "asks": ["Sign the repair petition", "Come to the tenants' meeting"],
        "channels": {"door": 6, "phone": 2, "in_person": 2, "text": 1},
        "next_steps": [
            "Drop off the petition",
            "Photograph the mold for the file",
            "Walk over to the meeting together",
        ],
    },
}
MINUTES = {"in_person": (15, 60), "door": (5, 25), "phone": (10, 40), "video": (20, 45)}
TALKED_SHARE = 0.55  # of each roster who had one-on-ones over the ten weeks
WEEKS = 10
DEMO_TIME_ZONE = "America/Chicago"  # the demo's phone numbers are Chicago's (312)

# Actions: (campaign "workplace" / "tenant" / None for committee-wide, title, kind, days from
# today, local start, hours, place, how many are invited, who first: the lowest levels).
ACTIONS = [
    (
        "workplace",
        "Organizing committee meeting",
        Action.Kind.COMMITTEE_MEETING,
        -12,
        time(18, 0),
        2,
        "Union hall, 2nd floor, 310 W Lake St",
        16,
    ),
    (
        "workplace",
        "Petition delivery to the general manager",
        Action.Kind.PETITION_DELIVERY,
        -5,
        time(7, 30),
        1,
        "Riverside Warehouse, front office",
        40,
    ),
    (
        "tenant",
        "Oak Street potluck",
        Action.Kind.SOCIAL,
        -9,
        time(17, 0),
        3,
        "Courtyard, Oak Street 12",
        30,
    ),
    (
        "workplace",
        "General meeting: the contract survey",
        Action.Kind.GENERAL_MEETING,
        6,
        time(17, 30),
        2,
        "Union hall, 310 W Lake St",
        60,
    ),
    (
        "tenant",
        "Repairs petition delivery to Skyline",
        Action.Kind.PETITION_DELIVERY,
        4,
        time(9, 0),
        1,
        "Skyline Property Management, 55 Market St",
        35,
    ),
    (
        None,
        "Committee-wide organizing committee meeting",
        Action.Kind.COMMITTEE_MEETING,
        3,
        time(18, 30),
        2,
        "Union hall, 310 W Lake St",
        20,
    ),
]
# How likely each level says yes, maybe or no (the rest never answer).
ANSWERS = {
    1: (0.8, 0.15, 0.0),
    2: (0.55, 0.25, 0.05),
    3: (0.25, 0.3, 0.15),
    4: (0.05, 0.15, 0.4),
    5: (0.02, 0.05, 0.6),
    None: (0.15, 0.2, 0.1),
}
CAME = {"yes": 0.78, "maybe": 0.35}  # of those who answered so, how many came


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo committee, its personas and campaigns."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--demo-server",
            action="store_true",
            help="Seed even with DEBUG off: only on a server that holds no real members.",
        )

    @transaction.atomic
    def handle(self, *args, demo_server: bool = False, **options) -> None:
        if not settings.DEBUG and not demo_server:
            raise CommandError(
                "seed_demo creates accounts whose password is published in the README: with "
                "DEBUG off it runs only with --demo-server, on a server with no real members."
            )
        committee, _ = Committee.objects.get_or_create(
            name=COMMITTEE_NAME, defaults={"time_zone": DEMO_TIME_ZONE}
        )
        users = {
            email: self.persona(committee, email, name, role) for email, name, role in PERSONAS
        }
        lead = users["lead@majority.test"]
        workplace = self.campaign(
            committee,
            code_name="Lighthouse",
            kind=Campaign.Kind.WORKPLACE,
            target="Meridian Fulfillment LLC",
            organizer=users["organizer.a@majority.test"],
            lead=lead,
        )
        tenant = self.campaign(
            committee,
            code_name="Oak Street",
            kind=Campaign.Kind.TENANT,
            target="Skyline Property Management",
            organizer=users["organizer.b@majority.test"],
            lead=lead,
        )
        if not workplace.roster.exists():
            self.fill(workplace, self.chart_warehouse(workplace), people=200, seed=1)
        if not tenant.roster.exists():
            self.fill(tenant, self.chart_buildings(tenant), people=150, seed=2)
        # The rosters were charted before the ten weeks of talks, so the dashboard's trends
        # start from the whole roster rather than from today.
        charted = timezone.now() - timedelta(weeks=WEEKS + 2)
        RosterEntry.objects.filter(campaign__committee=committee, added_at__gt=charted).update(
            added_at=charted
        )
        for campaign, seed in ((workplace, 3), (tenant, 4)):
            if not campaign.conversations.exists():
                self.converse(campaign, random.Random(seed))  # noqa: S311 - demo data
            self.schedule_this_week(campaign, random.Random(seed))  # noqa: S311 - demo data
        member = self.member_person(workplace, users["member@majority.test"])
        campaigns = {"workplace": workplace, "tenant": tenant, None: None}
        self.actions(committee, campaigns, lead, member)
        self.report(committee)

    def persona(self, committee: Committee, email: str, name: str, role: str) -> User:
        user, created = User.objects.get_or_create(email=email, defaults={"name": name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        Membership.objects.update_or_create(committee=committee, user=user, defaults={"role": role})
        return user

    def campaign(self, committee, *, code_name, kind, target, organizer, lead) -> Campaign:
        campaign, _ = Campaign.objects.get_or_create(
            committee=committee, code_name=code_name, defaults={"kind": kind, "target": target}
        )
        TeamMember.objects.get_or_create(campaign=campaign, user=lead, defaults={"role": "lead"})
        TeamMember.objects.get_or_create(
            campaign=campaign, user=organizer, defaults={"role": "organizer"}
        )
        return campaign

    def chart_warehouse(self, campaign: Campaign) -> list[Unit]:
        site, _ = Site.objects.get_or_create(
            campaign=campaign,
            name="Riverside Warehouse",
            defaults={"address": "400 River Rd", "time_zone": DEMO_TIME_ZONE},
        )
        leaves = []
        for position, (department, shifts) in enumerate(WAREHOUSE.items()):
            parent = self.unit(site, department, None, position)
            leaves += [self.unit(site, shift, parent, i) for i, shift in enumerate(shifts)]
            leaves += [] if shifts else [parent]
        return leaves

    def chart_buildings(self, campaign: Campaign) -> list[Unit]:
        apartments = []
        for position, name in enumerate(BUILDINGS):
            site, _ = Site.objects.get_or_create(
                campaign=campaign,
                name=name,
                defaults={"position": position, "time_zone": DEMO_TIME_ZONE},
            )
            for floor in range(1, 5):
                parent = self.unit(site, f"Floor {floor}", None, floor)
                apartments += [
                    self.unit(site, f"{floor}{letter}", parent, i)
                    for i, letter in enumerate("ABCD")
                ]
        return apartments

    def unit(self, site: Site, name: str, parent: Unit | None, position: int) -> Unit:
        unit, _ = Unit.objects.get_or_create(
            site=site, parent=parent, name=name, defaults={"position": position}
        )
        return unit

    def fill(self, campaign: Campaign, units: list[Unit], *, people: int, seed: int) -> None:
        """People spread over the units, a few leaders, assessments recorded over six weeks."""
        rng = random.Random(seed)  # noqa: S311 - demo data, not secrets
        team = [m.user for m in campaign.team.select_related("user")]
        tags = [
            Tag.objects.get_or_create(committee=campaign.committee, name=name)[0]
            for name in ("Spanish speaker", "New hire", "Safety committee")
        ]
        now = timezone.now()
        for i in range(people):
            person = self.demo_person(campaign, rng, i)
            unit = rng.choice(units)
            entry = roster_add(
                campaign=campaign,
                person=person,
                unit=unit,
                title=self.title(campaign, unit, rng),
                shift=unit.name if "shift" in unit.name else "",
                is_leader=rng.random() < 0.06,
                organizer=rng.choice(team),
            )
            if rng.random() < 0.2:
                person.tags.add(rng.choice(tags))
            self.assess(entry, rng, now, team)

    def demo_person(self, campaign: Campaign, rng: random.Random, i: int) -> Person:
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

    def title(self, campaign: Campaign, unit: Unit, rng: random.Random) -> str:
        if campaign.kind == Campaign.Kind.TENANT:
            return f"Apt {unit.name}"
        return rng.choice(["Picker", "Packer", "Forklift operator", "Loader", "Technician"])

    def assess(self, entry: RosterEntry, rng: random.Random, now, team: list[User]) -> None:
        level = rng.choices(list(ASSESSMENT_WEIGHTS), weights=ASSESSMENT_WEIGHTS.values())[0]
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

    def converse(self, campaign: Campaign, rng: random.Random) -> None:
        """Ten weeks of one-on-ones with part of the roster, oldest first, assessments moving
        toward support as people are talked with; the last talk often promises a follow-up."""
        talk = TALK[campaign.kind]
        issues = [
            IssueTag.objects.get_or_create(campaign=campaign, name=name)[0]
            for name in talk["issues"]
        ]
        asks = [
            Ask.objects.get_or_create(campaign=campaign, text=text, defaults={"position": i})[0]
            for i, text in enumerate(talk["asks"])
        ]
        team = [m.user for m in campaign.team.select_related("user")]
        entries = campaign.roster.filter(removed_at=None).select_related("person", "organizer")
        for entry in entries.order_by("pk"):
            if rng.random() < TALKED_SHARE:
                self.talks(entry, rng, talk, issues, asks, team)

    def talks(self, entry, rng, talk, issues, asks, team) -> None:
        now = timezone.localtime()
        days = sorted(rng.sample(range(1, WEEKS * 7), rng.randint(1, 3)), reverse=True)
        level = entry.assessment or rng.choice([2, 3, 3, 4])
        for i, days_ago in enumerate(days):
            last = i == len(days) - 1
            level = max(1, min(5, level + rng.choice([-1, -1, 0, 0, 0, 1])))
            channel = rng.choices(list(talk["channels"]), weights=talk["channels"].values())[0]
            low, high = MINUTES.get(channel, (0, 0))
            raised = rng.sample(issues, rng.randint(1, 2))
            when = (now - timedelta(days=days_ago)).replace(hour=rng.randrange(8, 20), minute=0)
            # Recent talks promise a follow-up; most are still ahead, a few are overdue.
            follow = last and days_ago <= 14 and rng.random() < 0.7
            due = max(when.date() + timedelta(days=1), now.date() + timedelta(rng.randint(-4, 10)))
            data = ConversationData(
                happened_at=when,
                channel=channel,
                duration_minutes=rng.randint(low, high) if high else None,
                issues=raised,
                answers={ask.pk: self.answer(level, rng) for ask in asks if rng.random() < 0.7},
                assessment=level if rng.random() < 0.8 else None,
                is_leader=level == 1 and rng.random() < 0.3,
                notes=" ".join(talk["issues"][tag.name] for tag in raised),
                next_step=rng.choice(talk["next_steps"]) if follow else "",
                follow_up_on=due if follow else None,
            )
            organizer = entry.organizer if last and entry.organizer else rng.choice(team)
            conversation_log(
                campaign=entry.campaign, person=entry.person, organizer=organizer, data=data
            )

    def answer(self, level: int, rng: random.Random) -> str:
        yes = {1: 0.95, 2: 0.8, 3: 0.35, 4: 0.1, 5: 0.02}[level]
        roll = rng.random()
        return "yes" if roll < yes else ("maybe" if roll < yes + 0.3 else "no")

    def schedule_this_week(self, campaign: Campaign, rng: random.Random) -> None:
        """A few one-on-ones for the campaign's organizer in the coming days (again on every
        run, so the demo's week is never empty)."""
        now = timezone.now()
        for member in campaign.team.filter(role=TeamMember.Role.ORGANIZER).select_related("user"):
            upcoming = ScheduledOneOnOne.objects.filter(
                campaign=campaign, organizer=member.user, held_in=None, starts_at__gte=now
            )
            if upcoming.exists():
                continue
            mine = campaign.roster.filter(removed_at=None, organizer=member.user)
            for day, entry in enumerate(mine.order_by("?")[:3]):
                starts = timezone.localtime(now + timedelta(days=day)).replace(
                    hour=17 + day % 3, minute=30, second=0, microsecond=0
                )
                ScheduledOneOnOne.objects.create(
                    campaign=campaign,
                    person_id=entry.person_id,
                    organizer=member.user,
                    starts_at=max(starts, now + timedelta(hours=1)),
                    place=rng.choice(["Break room", "Coffee on 5th", "Lobby", "By phone"]),
                )

    def member_person(self, campaign: Campaign, user: User) -> Person:
        """The demo member is a worker on the warehouse roster: the first person there,
        renamed for them, so the demo keeps its head count."""
        person = Person.objects.filter(user=user).first()
        if person is None:
            entry = campaign.roster.filter(removed_at=None, person__user=None).order_by("pk")
            person = entry.select_related("person").first().person
            person.given_name, _space, person.family_name = user.name.partition(" ")
            person.user = user
            person.save(update_fields=["given_name", "family_name", "user", "updated_at"])
        person_channels_add(person=person, email=user.email, phone="")
        return person

    def actions(self, committee: Committee, campaigns: dict, lead: User, member: Person) -> None:
        """Past actions once, with answers and attendance; upcoming ones again whenever none
        with that title is still ahead, so the demo always has something coming up. Rows are
        written directly: inviting through the app would email every demo person."""
        now = timezone.now()
        for index, (which, title, kind, days, at, hours, place, size) in enumerate(ACTIONS):
            campaign = campaigns[which]
            rng = random.Random(100 + index)  # noqa: S311 - demo data
            same = Action.objects.filter(committee=committee, campaign=campaign, title=title)
            ahead = same.filter(starts_at__gt=now)
            if (ahead if days >= 0 else same).exists():
                continue
            zone = self.zone(committee, campaign)
            day = timezone.localdate(now, zone) + timedelta(days=days)
            starts = datetime.combine(day, at, tzinfo=zone)
            action = Action.objects.create(
                committee=committee,
                campaign=campaign,
                title=title,
                kind=kind,
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                time_zone=str(zone),
                location=place,
                visibility=Action.Visibility.CAMPAIGN if campaign else Action.Visibility.INVITED,
                created_by=lead,
            )
            invited = self.invitees(committee, campaign, size, rng)
            if days >= 0 and member not in invited:
                invited.append(member)
            self.invite(action, invited, lead, rng, member)
            if days < 0:
                self.attend(action, campaign, lead, rng)

    def zone(self, committee: Committee, campaign: Campaign | None) -> ZoneInfo:
        """The action's zone: its campaign's first site's, else the committee's."""
        site = campaign.sites.order_by("position", "pk").first() if campaign else None
        return ZoneInfo(site.time_zone if site else committee.time_zone)

    def invitees(self, committee, campaign, size: int, rng: random.Random) -> list[Person]:
        """The most supportive first (leaders, 1s, 2s), then a mix: who organizers invite."""
        entries = RosterEntry.objects.filter(removed_at=None, campaign__committee=committee)
        if campaign is not None:
            entries = entries.filter(campaign=campaign)
        entries = list(entries.select_related("person").order_by("pk"))
        rng.shuffle(entries)
        entries.sort(key=lambda e: (not e.is_leader, e.assessment or 4))
        # A person on both rosters keeps their first place.
        people = {entry.person_id: entry.person for entry in entries}
        return list(people.values())[:size]

    def invite(self, action, people, lead, rng, member) -> None:
        """Invitations sent a week or two ahead, and a realistic spread of answers."""
        levels = dict(
            RosterEntry.objects.filter(person__in=people, removed_at=None).values_list(
                "person_id", "assessment"
            )
        )
        invited_at = min(action.starts_at - timedelta(days=rng.randint(7, 14)), timezone.now())
        rows = []
        for person in people:
            yes, maybe, no = ANSWERS[levels.get(person.pk)]
            roll = rng.random()
            response = (
                "yes"
                if roll < yes
                else "maybe"
                if roll < yes + maybe
                else "no"
                if roll < yes + maybe + no
                else ""
            )
            if person == member:
                # Something for "My actions" to ask: the committee-wide meeting waits for an
                # answer; the general meeting already has a yes.
                response = "yes" if action.campaign_id else ""
            answered = invited_at + timedelta(hours=rng.randint(2, 96))
            rows.append(
                Rsvp(
                    action=action,
                    person=person,
                    invited_at=invited_at,
                    invited_by=lead,
                    response=response,
                    responded_at=min(answered, timezone.now()) if response else None,
                    source=Rsvp.Source.EMAIL if rng.random() < 0.6 else Rsvp.Source.APP,
                )
            )
        Rsvp.objects.bulk_create(rows, ignore_conflicts=True)

    def attend(self, action: Action, campaign: Campaign | None, lead: User, rng) -> None:
        """Who came: most of the yeses, some maybes, one walk-in nobody invited; then the
        close-out makes the rest of the yeses no-shows, as an organizer would."""
        came = []
        for rsvp in action.rsvps.filter(response__in=["yes", "maybe"]).order_by("pk"):
            if rng.random() < CAME[rsvp.response]:
                came.append(rsvp.pk)
        checked_in = {
            "attended": True,
            "checked_in_at": action.starts_at + timedelta(minutes=5),
            "checked_in_by": lead,
        }
        action.rsvps.filter(pk__in=came).update(**checked_in)
        walk_in = (
            RosterEntry.objects.filter(campaign=campaign, removed_at=None)
            .exclude(person__rsvps__action=action)
            .order_by("pk")
            .first()
        )
        if walk_in is not None:
            Rsvp.objects.create(
                action=action,
                person_id=walk_in.person_id,
                source=Rsvp.Source.WALK_IN,
                **checked_in,
            )
        action_close_out(action=action, by=lead)

    def report(self, committee: Committee) -> None:
        self.stdout.write(self.style.SUCCESS(f"Demo committee ready: {committee.name}"))
        for campaign in committee.campaigns.all():
            count = campaign.roster.filter(removed_at=None).count()
            talks = Conversation.objects.filter(campaign=campaign).count()
            self.stdout.write(
                f"  campaign {campaign.code_name}: {count} people on the roster, "
                f"{talks} one-on-ones logged"
            )
        actions = Action.objects.filter(committee=committee).annotate(
            rows=Count("rsvps"), came=Count("rsvps", filter=Q(rsvps__attended=True))
        )
        for action in actions.order_by("starts_at"):
            self.stdout.write(
                f"  action {action.title}: {action.rows} invited or came, {action.came} came"
            )
        for email, _name, role in PERSONAS:
            self.stdout.write(f"  {role:<10} {email:<28} password: {DEMO_PASSWORD}")
