"""Reads for managing campaigns: the list, the sites, a site's unit tree, the team."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from campaigns.access import campaigns_visible_to
from campaigns.models import Campaign, RosterEntry, Site, TeamMember, Unit
from campaigns.roster.units import unit_tree
from members.models import Membership, User

ACTIVE = Q(removed_at__isnull=True)


def campaigns_for_list(user: User) -> list[Campaign]:
    """The campaigns the user may see, each with `roster_size` (people on it now) and
    `managed` (the user may change its settings), in one query."""
    if not user.is_authenticated:
        return []
    leads_committee = Membership.objects.filter(
        user=user, committee_id=OuterRef("committee_id"), role=Membership.Role.LEAD
    )
    leads_campaign = TeamMember.objects.filter(
        user=user, campaign_id=OuterRef("pk"), role=TeamMember.Role.LEAD
    )
    return list(
        campaigns_visible_to(user)
        .annotate(
            roster_size=Count("roster", filter=Q(roster__removed_at__isnull=True)),
            managed=Exists(leads_committee) | Exists(leads_campaign),
        )
        .order_by("code_name")
    )


def campaign_sites(campaign: Campaign) -> list[Site]:
    """The campaign's sites, each with `unit_count`."""
    return list(campaign.sites.annotate(unit_count=Count("units")).order_by("position", "name"))


@dataclass(frozen=True)
class UnitRow:
    """A unit as the structure page shows it: how deep it sits and who is placed in it."""

    unit: Unit
    depth: int
    people: int  # active roster entries placed in this unit itself


def unit_rows(site: Site) -> list[UnitRow]:
    """The site's units in tree order with their head counts, in two queries whatever the size."""
    counts = dict(
        RosterEntry.objects.filter(ACTIVE, unit__site=site)
        .values_list("unit_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [UnitRow(unit, depth, counts.get(unit.pk, 0)) for unit, depth in unit_tree(site.pk)]


def subtree_rows(rows: list[UnitRow], unit_id: int) -> list[UnitRow]:
    """The row of a unit and the rows under it, read off tree-ordered rows (no query): the
    descendants are the rows right after it that sit deeper."""
    start = next(i for i, row in enumerate(rows) if row.unit.pk == unit_id)
    end = start + 1
    while end < len(rows) and rows[end].depth > rows[start].depth:
        end += 1
    return rows[start:end]


def team_of(campaign: Campaign) -> list[TeamMember]:
    """The campaign's team: campaign leads first, then organizers, by name."""
    members = campaign.team.select_related("user").order_by("user__name", "user__email")
    return sorted(members, key=lambda m: m.role != TeamMember.Role.LEAD)


def team_candidates(campaign: Campaign) -> list[User]:
    """Who may be added to the team: the committee's organizers and leads not on it yet."""
    return list(
        User.objects.filter(
            memberships__committee_id=campaign.committee_id,
            memberships__role__in=[Membership.Role.ORGANIZER, Membership.Role.LEAD],
            is_active=True,
        )
        .exclude(campaign_roles__campaign=campaign)
        .order_by("name", "email")
    )


def lead_membership(user: User) -> Membership | None:
    """The membership a new campaign is started under: the first committee the user leads."""
    if not user.is_authenticated:
        return None
    return (
        user.memberships.select_related("committee")
        .filter(role=Membership.Role.LEAD)
        .order_by("pk")
        .first()
    )
