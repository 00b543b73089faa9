"""The demo's actions: past ones with answers and attendance, upcoming ones the demo member is
invited to. Rows are written directly: inviting through the app would email every demo person."""

import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from campaigns.actions.services.checkin import action_close_out
from campaigns.models import Action, Campaign, RosterEntry, Rsvp
from members.models import Committee, Person, User

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
    # Trainings over the past year (after the others, so theirs keep their random seeds):
    # coming to one makes a member active for the ladder's window, so its counts move.
    *(
        (
            which,
            title,
            Action.Kind.TRAINING,
            days,
            time(18, 0),
            2,
            "Union hall, 310 W Lake St",
            size,
        )
        for which, title, days, size in [
            ("workplace", "Training: the organizing conversation", -320, 30),
            ("tenant", "Training: know your rights as a tenant", -235, 34),
            ("workplace", "Training: charting the warehouse", -150, 38),
            ("tenant", "Training: leading a delegation", -75, 42),
            ("workplace", "Training: running a committee meeting", -30, 46),
        ]
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


def actions_seed(
    *,
    committee: Committee,
    campaigns: dict[str | None, Campaign | None],
    lead: User,
    member: Person,
) -> None:
    """Past actions once, with answers and attendance; upcoming ones again whenever none
    with that title is still ahead, so the demo always has something coming up."""
    now = timezone.now()
    for index, (which, title, kind, days, at, hours, place, size) in enumerate(ACTIONS):
        campaign = campaigns[which]
        rng = random.Random(100 + index)  # noqa: S311 - demo data
        same = Action.objects.filter(committee=committee, campaign=campaign, title=title)
        ahead = same.filter(starts_at__gt=now)
        if (ahead if days >= 0 else same).exists():
            continue
        zone = _zone(committee=committee, campaign=campaign)
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
        invited = _invitees(committee=committee, campaign=campaign, size=size, rng=rng)
        if days >= 0 and member not in invited:
            invited.append(member)
        _invite(action=action, people=invited, lead=lead, rng=rng, member=member)
        if days < 0:
            _attend(action=action, campaign=campaign, lead=lead, rng=rng)


def _zone(*, committee: Committee, campaign: Campaign | None) -> ZoneInfo:
    """The action's zone: its campaign's first site's, else the committee's."""
    site = campaign.sites.order_by("position", "pk").first() if campaign else None
    return ZoneInfo(site.time_zone if site else committee.time_zone)


def _invitees(
    *, committee: Committee, campaign: Campaign | None, size: int, rng: random.Random
) -> list[Person]:
    """The most supportive first (leaders, 1s, 2s), then a mix: who organizers invite."""
    on_rosters = RosterEntry.objects.filter(removed_at=None, campaign__committee=committee)
    if campaign is not None:
        on_rosters = on_rosters.filter(campaign=campaign)
    entries = list(on_rosters.select_related("person").order_by("pk"))
    rng.shuffle(entries)
    entries.sort(key=lambda e: (not e.is_leader, e.assessment or 4))
    # A person on both rosters keeps their first place.
    people = {entry.person_id: entry.person for entry in entries}
    return list(people.values())[:size]


def _invite(
    *, action: Action, people: list[Person], lead: User, rng: random.Random, member: Person
) -> None:
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


def _attend(*, action: Action, campaign: Campaign | None, lead: User, rng: random.Random) -> None:
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
