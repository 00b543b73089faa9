"""Ten weeks of one-on-ones, logged through the same service as the app so each current
assessment agrees with its history, open follow-ups (a few overdue) and one-on-ones set for
this week."""

import random
from datetime import timedelta
from typing import TypedDict

from django.utils import timezone

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import Ask, Campaign, IssueTag, RosterEntry, ScheduledOneOnOne, TeamMember
from members.clock import now_here
from members.models import User


class Talk(TypedDict):
    issues: dict[str, str]  # issue: what people say about it
    asks: list[str]
    channels: dict[str, int]  # how organizers reach people: weight
    next_steps: list[str]  # what organizers promise


# What each kind of campaign talks about.
TALK: dict[str, Talk] = {
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


def conversations_seed(*, campaign: Campaign, rng: random.Random) -> None:
    """Ten weeks of one-on-ones with part of the roster, oldest first, assessments moving
    toward support as people are talked with; the last talk often promises a follow-up."""
    talk = TALK[campaign.kind]
    issues = [
        IssueTag.objects.get_or_create(campaign=campaign, name=name)[0] for name in talk["issues"]
    ]
    asks = [
        Ask.objects.get_or_create(campaign=campaign, text=text, defaults={"position": i})[0]
        for i, text in enumerate(talk["asks"])
    ]
    team = [m.user for m in campaign.team.select_related("user")]
    entries = campaign.roster.filter(removed_at=None).select_related("person", "organizer")
    for entry in entries.order_by("pk"):
        if rng.random() < TALKED_SHARE:
            _talks(entry=entry, rng=rng, talk=talk, issues=issues, asks=asks, team=team)


def _talks(
    *,
    entry: RosterEntry,
    rng: random.Random,
    talk: Talk,
    issues: list[IssueTag],
    asks: list[Ask],
    team: list[User],
) -> None:
    """One to three talks with one person, the last by their own organizer when they have one."""
    now = timezone.localtime()
    days = sorted(rng.sample(range(1, WEEKS * 7), rng.randint(1, 3)), reverse=True)
    level = entry.assessment or rng.choice([2, 3, 3, 4])
    for i, days_ago in enumerate(days):
        last = i == len(days) - 1
        level = max(1, min(5, level + rng.choice([-1, -1, 0, 0, 0, 1])))
        channel = rng.choices(list(talk["channels"]), weights=list(talk["channels"].values()))[0]
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
            answers={ask.pk: _answer(level=level, rng=rng) for ask in asks if rng.random() < 0.7},
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


def _answer(*, level: int, rng: random.Random) -> str:
    yes = {1: 0.95, 2: 0.8, 3: 0.35, 4: 0.1, 5: 0.02}[level]
    roll = rng.random()
    return "yes" if roll < yes else ("maybe" if roll < yes + 0.3 else "no")


def this_week_schedule(*, campaign: Campaign, rng: random.Random) -> None:
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
            starts = now_here(campaign.committee, at=now + timedelta(days=day)).replace(
                hour=17 + day % 3, minute=30, second=0, microsecond=0
            )
            ScheduledOneOnOne.objects.create(
                campaign=campaign,
                person_id=entry.person_id,
                organizer=member.user,
                starts_at=max(starts, now + timedelta(hours=1)),
                place=rng.choice(["Break room", "Coffee on 5th", "Lobby", "By phone"]),
            )
