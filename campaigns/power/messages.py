"""Dues standing where members and organizers see it, registered with the areas below:

- the member's dues reminder (the outbox): planned by campaigns.power.reminders, void when
  they paid up (or resigned) before it went; it names the campaign by its code name only and
  says how many months, never an amount (a text says not even that);
- "Behind on dues" at the bottom of an organizer's My list: the members assigned to them who
  are behind or lapsed, with their standing in words;
- lapsed members in their organizer's Monday email (campaigns.nudges.weekly).

Organizers see a member's standing, never what they paid or owe.
"""

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from campaigns.conversations.selectors.mylist import Part, PartRow, my_list_part_register
from campaigns.models import Campaign, Member, OutboxMessage, RosterEntry, TeamMember
from campaigns.nudges.weekly import weekly_list_register
from campaigns.outbox.registry import message_kind_register
from campaigns.power.reminders import member_standing
from campaigns.power.standing import Kind, Standing, standings
from members.clock import today_for
from members.models import Committee, Membership, User

NOT_GOOD = (Kind.BEHIND, Kind.LAPSED)


# --- The member's reminder -----------------------------------------------------------------------


def _standing(message: OutboxMessage, now: datetime) -> Standing | None:
    if message.person_id is None:
        return None
    today = today_for(message.committee, at=now)
    return member_standing(message.person_id, message.committee, today)


def _reminder_void_reason(message: OutboxMessage, now: datetime) -> str:
    standing = _standing(message, now)
    if standing is None:
        return "not a member"
    if standing.kind not in NOT_GOOD:
        return f"no longer behind ({standing.kind})"
    return ""


def code_name_of(person_id: int, committee: Committee) -> str:
    """The code name of the person's campaign (the one they were put on last), as every
    message to a member names it: never the employer or the landlord. "" when on none."""
    entry = (
        RosterEntry.objects.filter(
            person_id=person_id, removed_at=None, campaign__committee=committee
        )
        .select_related("campaign")
        .order_by("-pk")
        .first()
    )
    return entry.campaign.code_name if entry else ""


def _reminder_context(message: OutboxMessage) -> dict[str, Any]:
    if message.person_id is None:
        return {}
    return {
        "standing": _standing(message, timezone.now()),
        "code_name": code_name_of(message.person_id, message.committee),
    }


def _standings(entries: list[RosterEntry], committee: Committee, day: date) -> dict[int, Standing]:
    """person id -> standing on `day`, of the entries' people (their member row read with
    them): one query."""
    people = {entry.person.member.pk: entry.person_id for entry in entries}
    found = standings(Member.objects.filter(pk__in=people), committee=committee, day=day)
    return {people[member_id]: standing for member_id, standing in found.items()}


# --- My list -------------------------------------------------------------------------------------


def _my_members(user: User, visible: list[int]) -> QuerySet[RosterEntry]:
    return (
        RosterEntry.objects.filter(
            organizer=user,
            removed_at=None,
            campaign__in=visible,
            person__member__isnull=False,
        )
        .select_related("person__member", "campaign__committee", "unit")
        .order_by("person__family_name", "person__given_name", "pk")
    )


def _behind_on_dues(user: User, visible: list[int], today: date, size: int) -> Part | None:
    """The members assigned to me behind on their dues or lapsed, the longest behind first
    (each once, though on two of my campaigns): their standing only."""
    entries = list(_my_members(user, visible))
    by_committee: dict[int, list[RosterEntry]] = defaultdict(list)
    for entry in entries:
        by_committee[entry.campaign.committee_id].append(entry)
    rows: list[tuple[Standing, RosterEntry]] = []
    seen: set[int] = set()
    for group in by_committee.values():
        committee = group[0].campaign.committee
        found = _standings(group, committee, today)
        for entry in group:
            standing = found.get(entry.person_id)
            if standing and standing.kind in NOT_GOOD and entry.person_id not in seen:
                seen.add(entry.person_id)
                rows.append((standing, entry))
    if not rows:
        return None
    rows.sort(key=lambda row: -row[0].months_behind)  # stable: by name within
    return Part(
        slug="dues",
        title=str(_("Behind on dues")),
        short_title=str(_("Dues")),
        rows=[PartRow(entry=entry, reason=standing.label) for standing, entry in rows[:size]],
        total=len(rows),
    )


# --- The Monday email ----------------------------------------------------------------------------


def _works_the_campaign() -> Q:
    """The assigned organizer is on the campaign's team, or leads its committee."""
    team = TeamMember.objects.filter(campaign=OuterRef("campaign"), user=OuterRef("organizer"))
    lead = Membership.objects.filter(
        committee=OuterRef("campaign__committee"),
        user=OuterRef("organizer"),
        role=Membership.Role.LEAD,
    )
    return Q(Exists(team)) | Q(Exists(lead))


def lapsed_by_organizer(committee: Committee, now: datetime) -> dict[int, list[RosterEntry]]:
    """organizer's user id -> the lapsed members assigned to them on the active campaigns
    they work, each once."""
    entries = list(
        RosterEntry.objects.filter(
            _works_the_campaign(),
            campaign__committee=committee,
            campaign__status=Campaign.Status.ACTIVE,
            removed_at=None,
            organizer__isnull=False,
            organizer__is_active=True,
            person__member__isnull=False,
        )
        .select_related("person__member", "campaign", "unit")
        .order_by("person__family_name", "person__given_name", "pk")
    )
    if not entries:
        return {}
    today = today_for(committee, at=now)
    found = _standings(entries, committee, today)
    lapsed: dict[int, list[RosterEntry]] = defaultdict(list)
    for entry in entries:
        standing = found.get(entry.person_id)
        rows = lapsed[entry.organizer_id or 0]
        if standing and standing.kind == Kind.LAPSED and entry.person_id not in _people(rows):
            rows.append(entry)
    return {user_id: rows for user_id, rows in lapsed.items() if rows}


def _people(rows: list[RosterEntry]) -> set[int]:
    return {row.person_id for row in rows}


def _lapsed_subject(count: int) -> str:
    return ngettext(
        "%(count)s lapsed member to talk to", "%(count)s lapsed members to talk to", count
    ) % {"count": count}


message_kind_register(
    OutboxMessage.Kind.DUES_REMINDER,
    void_reason=_reminder_void_reason,
    context=_reminder_context,
)
my_list_part_register(_behind_on_dues)
weekly_list_register(
    "lapsed",
    template="emails/_weekly_lapsed",
    lists=lapsed_by_organizer,
    subject=_lapsed_subject,
)
