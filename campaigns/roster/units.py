"""Reads of campaigns and rosters."""

from django.db.models import QuerySet

from campaigns.models import RosterEntry, Unit


def roster_active(campaign_id: int) -> QuerySet[RosterEntry]:
    return RosterEntry.objects.filter(campaign_id=campaign_id, removed_at__isnull=True)


def unit_tree(site_id: int) -> list[tuple[Unit, int]]:
    """The site's units in tree order, each with its depth (0 for top-level units)."""
    units = list(Unit.objects.filter(site_id=site_id).order_by("position", "name"))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for unit in children.get(parent_id, []):
            ordered.append((unit, depth))
            walk(unit.pk, depth + 1)

    walk(None, 0)
    return ordered
