"""The nudges that go out on a clock: the organizer's and the leads' 09:00 digests, and the
Monday email of quiet units.

- the organizer's morning digest (09:00 committee time): their overdue follow-ups and the
  one-on-ones they have today, in one email;
- the leads' digest (09:00): follow-ups overdue for the campaign's `escalate_after_days` or
  more, with who owns them; and, to the committee's leads, that last night's backup failed
  (members.heartbeats), which is reason enough to send it;
- units nobody has talked to in the campaign's `quiet_unit_days`: their organizers, Mondays,
  with what other areas add to that email (campaigns.nudges.weekly: members whose dues lapsed).

Digests are planned by the beat (`nudges_plan_due`, every five minutes) for 09:00 local time
today, computed with zoneinfo so it is right across daylight-saving changes; the outbox's
unique key makes planning again a no-op. What a digest lists is computed when it is sent
(campaigns.nudges.messages), so what was done in between is left out, and a digest with
nothing left is voided ("nothing due"), never sent empty.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from campaigns.models import (
    Campaign,
    FollowUp,
    OutboxMessage,
    RosterEntry,
    ScheduledOneOnOne,
    TeamMember,
    Unit,
)
from campaigns.nudges.weekly import weekly_recipients
from campaigns.outbox.services.plan import outbox_plan_many
from members.clock import day_of, midnight, zone_for
from members.heartbeats import backup_failed_error
from members.models import Committee, Membership, User

Kind = OutboxMessage.Kind

DIGEST_AT = time(9, 0)


# --- When: 09:00 committee time ------------------------------------------------------------------


def digest_time(zone_name: str, day: date) -> datetime:
    """09:00 on `day` on the committee's wall clock, as a UTC instant (right across DST)."""
    return datetime.combine(day, DIGEST_AT, tzinfo=zone_for(zone_name)).astimezone(UTC)


def local_day(zone_name: str, moment: datetime) -> date:
    return day_of(moment, zone_name)


def _day_bounds(zone_name: str, day: date) -> tuple[datetime, datetime]:
    start = midnight(day, zone_name)
    end = midnight(day + timedelta(days=1), zone_name)
    return start.astimezone(UTC), end.astimezone(UTC)


# --- Planning ------------------------------------------------------------------------------------


def nudges_plan_due(*, now: datetime | None = None) -> int:
    """For each committee whose local clock has passed 09:00 today: plan today's digests (and
    on Mondays the quiet-unit emails), due at 09:00 local. Returns how many rows are new."""
    now = now or timezone.now()
    backup_failed = backup_failed_error() is not None
    planned = 0
    for committee in Committee.objects.filter(campaigns__isnull=False).distinct():
        today = local_day(committee.time_zone, now)
        due = digest_time(committee.time_zone, today)
        if now < due:
            continue
        plans = {
            Kind.ORGANIZER_DIGEST: _organizer_digest_recipients(committee, today),
            Kind.LEAD_DIGEST: set(lead_digest_items(committee, today))
            | (committee_lead_ids(committee) if backup_failed else set()),
        }
        if today.weekday() == 0:
            plans[Kind.QUIET_UNITS] = set(quiet_units(committee, now)) | weekly_recipients(
                committee, now
            )
        for kind, user_ids in plans.items():
            planned += _plan_for_users(committee, kind, user_ids, due)
    return planned


def _plan_for_users(committee: Committee, kind: str, user_ids: set[int], due: datetime) -> int:
    """One row per user at `due`, skipping those planned already (so the beat does not kick
    the dispatcher every five minutes for nothing)."""
    planned = set(
        OutboxMessage.objects.filter(
            kind=kind, due_at=due, action=None, person=None, user_id__in=user_ids
        ).values_list("user_id", flat=True)
    )
    users = list(User.objects.filter(pk__in=user_ids - planned, is_active=True))
    if users:
        outbox_plan_many(kind=kind, committee=committee, people=[], users=users, due_at=due)
    return len(users)


def leads_of(campaign: Campaign) -> QuerySet[User]:
    """The committee's leads and the campaign's team leads."""
    committee_leads = Membership.objects.filter(
        committee_id=campaign.committee_id, role=Membership.Role.LEAD, user=OuterRef("pk")
    )
    team_leads = TeamMember.objects.filter(
        campaign=campaign, role=TeamMember.Role.LEAD, user=OuterRef("pk")
    )
    return User.objects.filter(Q(Exists(committee_leads)) | Q(Exists(team_leads)), is_active=True)


# --- What a digest lists (at planning to pick recipients, at sending to fill it) -----------------


def _on_roster() -> Exists:
    return Exists(
        RosterEntry.objects.filter(
            campaign=OuterRef("campaign"), person=OuterRef("person"), removed_at=None
        )
    )


def open_overdue(committee: Committee, today: date) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(
        _on_roster(), campaign__committee=committee, closed_at=None, due_on__lt=today
    )


def scheduled_today(committee: Committee, day: date) -> QuerySet[ScheduledOneOnOne]:
    start, end = _day_bounds(committee.time_zone, day)
    return ScheduledOneOnOne.objects.filter(
        _on_roster(),
        campaign__committee=committee,
        held_in=None,
        cancelled_at=None,
        starts_at__gte=start,
        starts_at__lt=end,
    )


def _organizer_digest_recipients(committee: Committee, today: date) -> set[int]:
    overdue = open_overdue(committee, today).values_list("organizer_id", flat=True)
    meetings = scheduled_today(committee, today).values_list("organizer_id", flat=True)
    return {pk for pk in [*overdue, *meetings] if pk is not None}


def _escalated(committee: Committee, today: date) -> QuerySet[FollowUp]:
    """Open follow-ups overdue for their campaign's `escalate_after_days` or more."""
    late = Q(pk__in=[])
    for campaign in committee.campaigns.only("pk", "escalate_after_days"):
        cutoff = today - timedelta(days=campaign.escalate_after_days)
        late |= Q(campaign=campaign, due_on__lte=cutoff)
    return open_overdue(committee, today).filter(late)


def lead_digest_items(committee: Committee, today: date) -> dict[int, list[FollowUp]]:
    """lead's user id -> the escalated follow-ups of the campaigns they lead."""
    items = list(
        _escalated(committee, today)
        .select_related("person", "campaign", "organizer")
        .order_by("due_on", "pk")
    )
    if not items:
        return {}
    committee_leads = committee_lead_ids(committee)
    team_leads = defaultdict(set)
    for campaign_id, user_id in TeamMember.objects.filter(
        campaign__committee=committee, role=TeamMember.Role.LEAD
    ).values_list("campaign_id", "user_id"):
        team_leads[campaign_id].add(user_id)
    found: dict[int, list[FollowUp]] = defaultdict(list)
    for follow_up in items:
        for user_id in committee_leads | team_leads[follow_up.campaign_id]:
            found[user_id].append(follow_up)
    return found


def committee_lead_ids(committee: Committee) -> set[int]:
    """The committee's leads (not a campaign's team leads): those who see its System page."""
    return set(
        Membership.objects.filter(committee=committee, role=Membership.Role.LEAD).values_list(
            "user_id", flat=True
        )
    )


@dataclass
class QuietUnit:
    campaign: Campaign
    unit: Unit
    people: int


def quiet_units(committee: Committee, now: datetime) -> dict[int, list[QuietUnit]]:
    """organizer's user id -> the units with people on the roster whom nobody has talked to
    in the campaign's `quiet_unit_days`. A unit's organizers are the organizers assigned to
    its people, else the campaign's team organizers (else its team leads)."""
    found: dict[int, list[QuietUnit]] = defaultdict(list)
    for campaign in committee.campaigns.filter(status=Campaign.Status.ACTIVE):
        cutoff = now - timedelta(days=campaign.quiet_unit_days)
        entries = RosterEntry.objects.filter(campaign=campaign, removed_at=None, unit__isnull=False)
        talked = set(
            entries.filter(
                person__conversations__campaign=campaign,
                person__conversations__happened_at__gte=cutoff,
            ).values_list("unit_id", flat=True)
        )
        by_unit: dict[int, list[int | None]] = defaultdict(list)
        for unit_id, organizer_id in entries.values_list("unit_id", "organizer_id"):
            if unit_id not in talked:
                by_unit[unit_id].append(organizer_id)
        if not by_unit:
            continue
        team = TeamMember.objects.filter(campaign=campaign)
        fallback = set(
            team.filter(role=TeamMember.Role.ORGANIZER).values_list("user_id", flat=True)
        ) or set(team.filter(role=TeamMember.Role.LEAD).values_list("user_id", flat=True))
        units = Unit.objects.in_bulk(list(by_unit))
        for unit_id, organizer_ids in by_unit.items():
            quiet = QuietUnit(campaign=campaign, unit=units[unit_id], people=len(organizer_ids))
            for user_id in {pk for pk in organizer_ids if pk is not None} or fallback:
                found[user_id].append(quiet)
    for rows in found.values():
        rows.sort(key=lambda q: (q.campaign.code_name, q.unit.name))
    return found
