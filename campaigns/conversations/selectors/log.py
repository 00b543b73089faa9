"""Reads for logging one-on-ones: who may be logged, in which time zone, and the search."""

import re
import zoneinfo

from django.conf import settings
from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db.models import Case, F, FloatField, Q, QuerySet, Value, When
from django.db.models.functions import Concat, Greatest
from django.shortcuts import get_object_or_404

from campaigns.access import campaigns_visible_to
from campaigns.models import Ask, Campaign, IssueTag, RosterEntry
from members.models import Membership, User

SIMILAR = 0.3
RESULTS = 20


def active_entry(campaign: Campaign, person_id: int) -> RosterEntry:
    """The person's current place on this campaign's roster, or 404: only people on the
    roster get one-on-ones logged here."""
    return get_object_or_404(
        RosterEntry.objects.select_related("person", "unit__site"),
        campaign=campaign,
        person_id=person_id,
        removed_at=None,
    )


def entry_time_zone(entry: RosterEntry) -> zoneinfo.ZoneInfo:
    """Where the talk happened: the person's site's time zone, else the committee's."""
    name = entry.unit.site.time_zone if entry.unit_id else settings.TIME_ZONE
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def campaign_issues(campaign: Campaign) -> list[IssueTag]:
    return list(IssueTag.objects.filter(campaign=campaign))


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
    entries = RosterEntry.objects.filter(
        campaign__in=campaigns_visible_to(user), removed_at=None
    ).select_related("person", "campaign", "unit")
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 3 and not re.search(r"[^\W\d_]", query):
        found = entries.filter(person__phones__number__endswith=digits[-10:]).distinct()
        return list(found.order_by("person__family_name", "person__given_name")[:RESULTS])
    return list(_by_name(entries, query)[:RESULTS])


def _by_name(entries: QuerySet[RosterEntry], query: str) -> QuerySet[RosterEntry]:
    """Trigram similarity on each name and the full name; names starting with what was typed
    come first."""
    names = ["person__given_name", "person__family_name", "person__preferred_name"]
    full = Concat("person__given_name", Value(" "), "person__family_name")
    prefix = Q()
    for name in names:
        prefix |= Q(**{f"{name}__istartswith": query})
    return (
        entries.annotate(
            similarity=Greatest(
                *[TrigramWordSimilarity(query, name) for name in names],
                TrigramSimilarity(full, query),
                output_field=FloatField(),
            ),
            prefix=Case(When(prefix, then=Value(1.0)), default=Value(0.0)),
        )
        .filter(Q(similarity__gte=SIMILAR) | Q(prefix=1.0))
        .order_by(F("prefix").desc(), F("similarity").desc(), "person__family_name", "person__pk")
    )


def asks_active(campaign: Campaign) -> list[Ask]:
    """What organizers ask in this campaign now, in order."""
    return list(Ask.objects.filter(campaign=campaign, is_active=True))
