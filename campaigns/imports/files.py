"""What the roster import and the treasurer's payment import do alike with an uploaded file
(campaigns.models.ImportBatch and PaymentImport have the same fields for it): keep its text
and how it was read until it is imported or discarded, then drop the text, which holds
personal data that should not linger."""

from datetime import timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.imports import csv_formats
from campaigns.models import ImportBatch, PaymentImport

ABANDONED_AFTER = timedelta(hours=24)
UPLOADED, COMMITTED, FAILED = "uploaded", "committed", "failed"  # both models' Status values

Upload = ImportBatch | PaymentImport


def file_read(
    *, filename: str, data: bytes, names_of: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """The fields of a new upload: its text, the columns we recognise pre-mapped, how it was
    read; ValidationError saying why it can't be read."""
    decoded = csv_formats.decode_upload(data)
    return {
        "filename": filename[:200],
        "content": decoded.text,
        "mapping": csv_formats.guess_mapping(decoded.header, names_of),
        "summary": {
            "encoding": decoded.encoding,
            "delimiter": decoded.delimiter,
            "rows": decoded.row_count,
        },
    }


def file_committed(batch: Upload, counts: dict[str, int]) -> None:
    """Imported: its text dropped, what it did kept."""
    batch.status = COMMITTED
    batch.committed_at = timezone.now()
    batch.content = ""
    batch.summary = {**batch.summary, **counts}
    batch.save(update_fields=["status", "committed_at", "content", "summary"])


def file_discard(batch: Upload) -> None:
    """A file that won't be imported: its text goes at once."""
    type(batch).objects.filter(pk=batch.pk, status=UPLOADED).update(
        status=FAILED, content="", summary={**batch.summary, "discarded": True}
    )


def files_discard_abandoned(files: QuerySet) -> int:
    """The uploads among `files` left unimported for a day, discarded; how many."""
    cutoff = timezone.now() - ABANDONED_AFTER
    return files.filter(status=UPLOADED, created_at__lt=cutoff).update(
        status=FAILED, content="", summary={"discarded": True}
    )


def line_problem(line: int, problem: str) -> str:
    return _("Line %(line)s: %(problem)s") % {"line": line, "problem": problem}
