"""Reads for logging one-on-ones: who may be logged, in which time zone, and the search."""

import zoneinfo

from django.db import connection
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from campaigns.access import campaigns_visible_to
from campaigns.conversations.services.log import FUTURE_ALLOWANCE
from campaigns.models import Ask, Campaign, Conversation, IssueTag, RosterEntry
from campaigns.roster.search import people_matching
from members.clock import zone_for
from members.models import Membership, User

RESULTS = 20


def active_entry(campaign: Campaign, person_id: int) -> RosterEntry:
    """The person's current place on this campaign's roster, or 404: only people on the
    roster get one-on-ones logged here."""
    entry = get_object_or_404(
        RosterEntry.objects.select_related("person", "unit__site"),
        campaign=campaign,
        person_id=person_id,
        removed_at=None,
    )
    entry.campaign = campaign  # loaded with its committee: entry_time_zone reads it
    return entry


def entry_time_zone(entry: RosterEntry) -> zoneinfo.ZoneInfo:
    """Where the talk happened: the person's site's time zone, else the committee's."""
    if entry.unit is not None:
        return zone_for(entry.unit.site.time_zone)
    return zone_for(entry.campaign.committee)


def may_log(user: User) -> bool:
    """Organizers and leads log one-on-ones; members never see rosters."""
    return Membership.objects.filter(
        user=user, role__in=[Membership.Role.ORGANIZER, Membership.Role.LEAD]
    ).exists()


def people_to_log(*, user: User, query: str) -> list[RosterEntry]:
    """People on the rosters the user may see, by phone (digits, any formatting) or by a
    typo-tolerant name: one query."""
    query = query.strip()
    if not query:
        return []
    campaigns = campaigns_visible_to(user)
    entries = RosterEntry.objects.filter(campaign__in=campaigns, removed_at=None).select_related(
        "person", "campaign", "unit"
    )
    found = people_matching(entries, query, phones_of=campaigns.values("pk"), prefix="person__")
    return list(found[:RESULTS])


def log_choices(campaign: Campaign) -> tuple[list[Ask], list[IssueTag]]:
    """What the one-on-one form offers: the asks organizers ask in this campaign now, in
    order, and its issues by name. One plain query: every log reads them to check its form."""
    with connection.cursor() as cursor:
        cursor.execute(CHOICES_SQL, {"campaign": campaign.pk})
        rows = cursor.fetchall()
    asks, issues = [], []
    for kind, pk, text, position in rows:
        if kind == "ask":
            asks.append(Ask(pk=pk, campaign=campaign, text=text, position=position))
        else:
            issues.append(IssueTag(pk=pk, campaign=campaign, name=text))
    for choice in (*asks, *issues):
        choice._state.adding, choice._state.db = False, connection.alias
    return asks, issues


# In the models' orders: an ask by position then id (Ask.Meta), an issue by name.
CHOICES_SQL = """
SELECT kind, id, text, position FROM (
    SELECT 'ask' AS kind, id, text, position FROM campaigns_ask
    WHERE campaign_id = %(campaign)s AND is_active
    UNION ALL
    SELECT 'issue', id, name, 0 FROM campaigns_issuetag WHERE campaign_id = %(campaign)s
) choices
ORDER BY kind, position, CASE WHEN kind = 'issue' THEN text END, id
"""


def conversations_in_future() -> QuerySet[Conversation]:
    """Conversations dated later than logging now allows, written before it was refused (or
    straight into the database): each freezes its person's assessment until its date."""
    return (
        Conversation.objects.filter(happened_at__gt=timezone.now() + FUTURE_ALLOWANCE)
        .select_related("campaign__committee", "organizer")
        .order_by("campaign__committee_id", "campaign_id", "happened_at", "pk")
    )
