"""Reads for logging one-on-ones: who may be logged, in which time zone, and the search."""

import zoneinfo
from typing import Any

from django.db import connection
from django.db.models import Model, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from campaigns.access import (
    CampaignAccess,
    CampaignRoles,
    campaigns_visible_to,
    can_read_next_step,
)
from campaigns.conversations.services.log import FUTURE_ALLOWANCE
from campaigns.models import (
    Ask,
    Campaign,
    Conversation,
    FollowUp,
    IssueTag,
    RosterEntry,
    Site,
    TeamMember,
    Unit,
)
from campaigns.roster.search import people_matching
from members.clock import zone_for
from members.models import Committee, Membership, Person, User

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


def log_target(user: User, campaign_id: int, person_id: int) -> tuple[CampaignAccess, RosterEntry]:
    """The campaign as this user may use it, and the person's current place on its roster
    (their unit and its site, for the time zone), or 404: whom a one-on-one is logged with.

    The rule is campaign_for_user's (CampaignRoles.may_see), read with everything else in
    one plain query: logging is the app's hot path, and the ORM's select_related of six
    tables cost more than the whole write."""
    with connection.cursor() as cursor:
        cursor.execute(TARGET_SQL, {"user": user.pk, "campaign": campaign_id, "person": person_id})
        row = cursor.fetchone()
    roles = CampaignRoles(*row[:2]) if row else CampaignRoles(None, None)
    if not roles.may_see or row[_TARGET_ENTRY_ID] is None:
        raise Http404
    campaign, committee, entry, person, unit, site = _instances(row[2:], _TARGET)
    campaign.committee = committee
    entry.campaign, entry.person, entry.unit = campaign, person, unit
    if unit is not None:
        unit.site = site
    access = CampaignAccess(campaign=campaign, user=user, can_manage=roles.may_manage)
    return access, entry


# Each with all its columns, in this order; the entry, its unit and site may be missing.
_TARGET: list[tuple[type[Model], str]] = [
    (Campaign, "c"),
    (Committee, "m"),
    (RosterEntry, "e"),
    (Person, "p"),
    (Unit, "u"),
    (Site, "s"),
]
TARGET_SQL = f"""
SELECT
    (SELECT role FROM {Membership._meta.db_table}
     WHERE user_id = %(user)s AND committee_id = c.committee_id),
    (SELECT role FROM {TeamMember._meta.db_table}
     WHERE user_id = %(user)s AND campaign_id = c.id),
    {", ".join(f'{a}."{f.column}"' for model, a in _TARGET for f in model._meta.concrete_fields)}
FROM {Campaign._meta.db_table} c
JOIN {Committee._meta.db_table} m ON m.id = c.committee_id
LEFT JOIN {RosterEntry._meta.db_table} e
    ON e.campaign_id = c.id AND e.person_id = %(person)s AND e.removed_at IS NULL
LEFT JOIN {Person._meta.db_table} p ON p.id = e.person_id
LEFT JOIN {Unit._meta.db_table} u ON u.id = e.unit_id
LEFT JOIN {Site._meta.db_table} s ON s.id = u.site_id
WHERE c.id = %(campaign)s
"""  # noqa: S608 - table and column names from the models
_TARGET_ENTRY_ID = 2 + len(Campaign._meta.concrete_fields) + len(Committee._meta.concrete_fields)


def _instances(row: tuple, models: list[tuple[type[Model], str]]) -> list[Any]:
    """Model instances from consecutive columns of one row, as the ORM would make them (its
    field converters applied); None for a model whose primary key is null (a LEFT JOIN
    that found nothing)."""
    instances: list[Any] = []
    start = 0
    for model, _alias in models:
        fields = model._meta.concrete_fields
        values = list(row[start : start + len(fields)])
        start += len(fields)
        if values[fields.index(model._meta.pk)] is None:
            instances.append(None)
            continue
        for i, field in enumerate(fields):
            for converter in field.get_db_converters(connection):
                values[i] = converter(values[i], field, connection)
        instances.append(model.from_db(connection.alias, [f.attname for f in fields], values))
    return instances


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


def open_follow_ups(access: CampaignAccess, entry: RosterEntry) -> list[FollowUp]:
    """The person's open follow-ups on this campaign, soonest first, for the top of the log
    page. The page is kept on the phone for offline use, so a next step shows only where this
    organizer typed it (or it is theirs to do and no one typed it), and a lead may read it."""
    follow_ups = list(
        FollowUp.objects.filter(campaign=access.campaign, person_id=entry.person_id, closed_at=None)
        .select_related("conversation")
        .order_by("due_on", "pk")[:5]
    )
    me = access.user.pk
    for follow_up in follow_ups:
        typed_by = follow_up.conversation.organizer_id if follow_up.conversation else None
        mine = typed_by == me or (typed_by is None and follow_up.organizer_id == me)
        follow_up.next_step_visible = mine and can_read_next_step(access, follow_up)
    return follow_ups
