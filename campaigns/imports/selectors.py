"""Reads for roster imports and exports."""

from collections.abc import Iterator
from itertools import islice

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from campaigns.access import CampaignAccess
from campaigns.imports import csv_formats
from campaigns.imports.csv_formats import PersonRow
from campaigns.models import ImportBatch, RosterEntry, Unit
from campaigns.roster.units import roster_active, unit_places
from members.models import PersonEmail, PersonPhone, Tag

EXPORT_CHUNK = 1000


def import_batch_for_user(access: CampaignAccess, import_id: int) -> ImportBatch:
    """A batch of this campaign, or 404: another campaign's batch id gets nothing."""
    return get_object_or_404(ImportBatch, pk=import_id, campaign=access.campaign)


def imports_recent(campaign_id: int, limit: int = 10) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(campaign_id=campaign_id)
        .select_related("uploaded_by")
        .defer("content")
        .order_by("-created_at", "-pk")[:limit]
    )


def import_columns(batch: ImportBatch) -> list[str]:
    """The file's column names, as its first line has them (blank ones left out)."""
    header, _rows = csv_formats.read_rows(batch.content, _delimiter(batch))
    return [name for name in header if name.strip()]


def import_preview(batch: ImportBatch, mapping: dict[str, str], limit: int = 5) -> list[PersonRow]:
    """The first rows as the mapping reads them, with what is wrong with each."""
    header, rows = csv_formats.read_rows(batch.content, _delimiter(batch))
    columns = csv_formats.columns_for(header, mapping)
    return [csv_formats.person_row(line, cells, columns) for line, cells in islice(rows, limit)]


def _delimiter(batch: ImportBatch) -> str:
    return batch.summary.get("delimiter") or csv_formats.sniff_delimiter(batch.content)


# --- Export --------------------------------------------------------------------------------------


def roster_export_count(campaign_id: int) -> int:
    return _exported(campaign_id).count()


def _exported(campaign_id: int) -> QuerySet[RosterEntry]:
    """The active roster, but for people erased (nothing is left of them to export)."""
    return roster_active(campaign_id).filter(person__erased_at__isnull=True)


def roster_export_rows(campaign_id: int) -> Iterator[list[str]]:
    """The active roster as the export's rows (header first), in chunks so a large roster
    streams without being held in memory. Never notes."""
    yield list(csv_formats.EXPORT_COLUMNS)
    paths = unit_paths(campaign_id)
    for entry in _export_entries(campaign_id).iterator(chunk_size=EXPORT_CHUNK):
        yield _export_row(entry, paths)


def _export_entries(campaign_id: int) -> QuerySet[RosterEntry]:
    # This campaign's contact details and those of no campaign, never another campaign's.
    ours = Q(campaign_id__isnull=True) | Q(campaign_id=campaign_id)
    emails = PersonEmail.objects.filter(ours).order_by("-is_primary", "pk")
    phones = PersonPhone.objects.filter(ours).order_by("-is_primary", "pk")
    return (
        _exported(campaign_id)
        .select_related("person", "organizer")
        .prefetch_related(
            Prefetch("person__emails", queryset=emails),
            Prefetch("person__phones", queryset=phones),
            Prefetch("person__tags", queryset=Tag.objects.order_by("name")),
        )
        .order_by("person__family_name", "person__given_name", "pk")
    )


def _export_row(entry: RosterEntry, paths: dict[int, str]) -> list[str]:
    person = entry.person
    emails, phones = list(person.emails.all()), list(person.phones.all())
    safe = csv_formats.formula_safe
    unit_path = paths.get(entry.unit_id, "") if entry.unit_id is not None else ""
    return [
        safe(person.given_name),
        safe(person.family_name),
        safe(person.preferred_name),
        safe(emails[0].email) if emails else "",
        phones[0].number if phones else "",
        safe(unit_path),
        safe(entry.title),
        safe(entry.shift),
        "yes" if entry.is_leader else "no",
        str(entry.assessment) if entry.assessment else "",
        entry.organizer.email if entry.organizer else "",
        safe("; ".join(tag.name for tag in person.tags.all())),
        "yes" if person.do_not_contact else "no",
    ]


def unit_paths(campaign_id: int) -> dict[int, str]:
    """Every unit of the campaign as "Site/Unit/…/Unit", the form the import reads: one query."""
    places = unit_places(Unit.objects.filter(site__campaign_id=campaign_id))
    return {place.unit.pk: "/".join((place.unit.site.name, *place.names)) for place in places}
