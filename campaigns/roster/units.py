"""Reads of campaigns and rosters, and the one walk of a site's unit tree."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from campaigns.models import RosterEntry, Unit

# Between the names of a unit path wherever people read one ("Warehouse › Inbound › Night").
# The CSV import and export keep their own "/" (campaigns.imports.csv_formats): a file format.
PATH_SEPARATOR = " › "


def roster_active(campaign_id: int) -> QuerySet[RosterEntry]:
    return RosterEntry.objects.filter(campaign_id=campaign_id, removed_at__isnull=True)


@dataclass(frozen=True)
class UnitPlace:
    """A unit where it sits: how deep in its site's tree, and the names down to it."""

    unit: Unit
    depth: int  # 0 for a top-level unit
    names: tuple[str, ...]  # from its top-level unit down to itself

    @property
    def label(self) -> str:
        """The path inside its site, "Inbound › Night": for lists grouped by site."""
        return PATH_SEPARATOR.join(self.names)

    @property
    def path(self) -> str:
        """The path with its site first, "Warehouse › Inbound › Night"."""
        return PATH_SEPARATOR.join((self.unit.site.name, *self.names))


def unit_places(units: QuerySet[Unit]) -> list[UnitPlace]:
    """These units (a site's, a campaign's…) in tree order, sites in their order, each with
    its depth and path: one query.

    Every page that lists units walks them here, so a tree reads the same everywhere."""
    ordered = units.select_related("site").order_by(
        "site__position", "site__name", "site_id", "position", "name"
    )
    return units_in_tree_order(ordered)


def units_in_tree_order(units: Iterable[Unit]) -> list[UnitPlace]:
    """The walk itself, over units already loaded in (site, position, name) order: each
    unit's children follow it, depth first. No query (but `path` reads `unit.site`)."""
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    ordered: list[UnitPlace] = []

    def walk(parent_id: int | None, depth: int, names: tuple[str, ...]) -> None:
        for unit in children.get(parent_id, []):
            place = UnitPlace(unit, depth, (*names, unit.name))
            ordered.append(place)
            walk(unit.pk, depth + 1, place.names)

    walk(None, 0, ())
    return ordered


def places_under(places: list[UnitPlace], unit_id: int) -> list[UnitPlace]:
    """A unit's place and the places under it, read off tree-ordered places (no query): the
    descendants are the places right after it that sit deeper. Empty for an unknown unit."""
    start = next((i for i, place in enumerate(places) if place.unit.pk == unit_id), None)
    if start is None:
        return []
    end = start + 1
    while end < len(places) and places[end].depth > places[start].depth:
        end += 1
    return places[start:end]


def unit_tree(site_id: int) -> list[tuple[Unit, int]]:
    """The site's units in tree order, each with its depth (0 for top-level units)."""
    places = unit_places(Unit.objects.filter(site_id=site_id))
    return [(place.unit, place.depth) for place in places]


def unit_subtree_ids(unit: Unit) -> set[int]:
    """The unit and every unit under it, at any depth (one query for the whole site)."""
    places = unit_places(Unit.objects.filter(site_id=unit.site_id))
    return {place.unit.pk for place in places_under(places, unit.pk)}
