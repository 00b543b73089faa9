"""Roster import (upload, map, dry run, commit) and the roster's CSV export.

Both are managing a campaign: campaign leads and committee leads; an organizer on the team
gets 403, anyone else the 404 of a campaign that doesn't exist.
"""

import csv
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.access import campaign_for_user
from campaigns.imports import csv_formats, selectors, services
from campaigns.imports.csv_formats import PersonRow
from campaigns.imports.forms import ImportMappingForm, ImportUploadForm
from campaigns.imports.services import ImportReport
from campaigns.models import ImportBatch
from members.audit import client_ip
from members.clock import today_for
from members.http import AuthedHttpRequest
from members.ratelimits import EXPORTS, IMPORTS, rate_limit


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit(IMPORTS, per="user", method="POST")
def import_new(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """Upload a roster file; it is read and checked before anything is stored."""
    access = campaign_for_user(request.user, campaign_id, manage=True)
    form = ImportUploadForm()
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = services.import_upload(
                    campaign=access.campaign,
                    uploaded_by=request.user,
                    filename=upload.name,
                    data=upload.read(),
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect("import_detail", campaign_id=campaign_id, import_id=batch.pk)
    context = {
        "campaign": access.campaign,
        "access": access,
        "form": form,
        "imports": selectors.imports_recent(campaign_id),
    }
    return render(
        request, "campaigns/imports/new.html", context, status=422 if form.errors else 200
    )


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit(IMPORTS, per="user", method="POST")
def import_detail(request: AuthedHttpRequest, campaign_id: int, import_id: int) -> HttpResponse:
    """Map the file's columns, check it (dry run), then import it all at once (commit)."""
    access = campaign_for_user(request.user, campaign_id)
    batch = selectors.import_batch_for_user(access, import_id)
    access.require_manage()
    if batch.status != ImportBatch.Status.UPLOADED:
        if request.method == "POST":
            return _already_done(request, batch)
        return _render_detail(request, access, batch, form=None)
    action = request.POST.get("action", "preview")
    if request.method == "POST" and action == "commit":
        return _commit(request, access, batch)
    if request.method == "POST" and action == "discard":
        services.import_discard(batch=batch)
        messages.success(request, _("The file was discarded; nothing was imported."))
        return redirect("import_new", campaign_id=campaign_id)
    columns = selectors.import_columns(batch)
    if request.method == "GET":
        form = ImportMappingForm(columns=columns, initial=batch.mapping)
        return _render_detail(request, access, batch, form=form)
    return _check(request, access, batch, ImportMappingForm(request.POST, columns=columns), action)


def _check(request, access, batch, form: ImportMappingForm, action: str) -> HttpResponse:
    """Show the mapping's preview; with action=dry_run also what an import would do."""
    if not form.is_valid():
        return _render_detail(request, access, batch, form=form, status=422)
    report = None
    if action == "dry_run":
        report = services.import_dry_run(batch=batch, mapping=form.mapping())
    else:
        services.import_mapping_set(batch=batch, mapping=form.mapping())
    return _render_detail(request, access, batch, form=form, report=report)


def _commit(request, access, batch: ImportBatch) -> HttpResponse:
    report = services.import_commit(batch_id=batch.pk, actor=request.user, ip=client_ip(request))
    if report.already_committed:
        return _already_done(request, batch)
    if not report.committed:
        batch.refresh_from_db()
        form = ImportMappingForm(columns=selectors.import_columns(batch), initial=batch.mapping)
        return _render_detail(request, access, batch, form=form, report=report, status=422)
    messages.success(request, _imported_message(report))
    return redirect(_chart_url(batch))


def _already_done(request, batch: ImportBatch) -> HttpResponse:
    if batch.status == ImportBatch.Status.COMMITTED:
        messages.info(request, _("This file was already imported; nothing was imported twice."))
    else:
        messages.info(request, _("This file was discarded; upload it again to import it."))
    return redirect("import_detail", campaign_id=batch.campaign_id, import_id=batch.pk)


def _render_detail(request, access, batch, *, form, report=None, status=200) -> HttpResponse:
    mapping = form.cleaned_data if form is not None and form.is_bound and form.is_valid() else {}
    mapping = {k: v for k, v in mapping.items() if v} or batch.mapping
    context = {
        "campaign": access.campaign,
        "access": access,
        "batch": batch,
        "form": form,
        "report": report,
        "preview": _preview(batch, mapping) if form is not None else None,
        "fields_chosen": [f for f in form or [] if f.value() or f.errors],
        "fields_more": [f for f in form or [] if not (f.value() or f.errors)],
        "done": ImportReport.from_summary(batch.summary) if batch.committed_at else None,
        "separated_by": _separated_by(batch.summary.get("delimiter", ",")),
    }
    return render(request, "campaigns/imports/detail.html", context, status=status)


def _separated_by(delimiter: str) -> str:
    if delimiter == ";":
        return _("semicolon-separated")
    return _("tab-separated") if delimiter == "\t" else _("comma-separated")


PREVIEW_FIELDS = ["email", "phone", "unit", "title", "shift", "leader", "tags", "language"]


def _preview(batch: ImportBatch, mapping: dict[str, str]) -> dict:
    """The first rows as a table: given and family names always, so a split name shows."""
    shown = [name for name in PREVIEW_FIELDS if name in mapping]
    labels = [csv_formats.FIELDS[name] for name in ("given_name", "family_name", *shown)]
    rows = [
        (row, [row.given_name, row.family_name, *(_preview_cell(row, name) for name in shown)])
        for row in selectors.import_preview(batch, mapping)
    ]
    return {"labels": labels, "rows": rows, "problems": any(row.problems for row, _c in rows)}


def _preview_cell(row: PersonRow, name: str) -> str:
    if name == "unit":
        return " / ".join(row.unit_path)
    if name == "leader":
        return _("yes") if row.is_leader else ""
    if name == "tags":
        return ", ".join(row.tags)
    return getattr(row, name)


def _imported_message(report: ImportReport) -> str:
    people = ngettext(
        "Imported %(total)s person: %(new)s new, %(known)s already known",
        "Imported %(total)s people: %(new)s new, %(known)s already known",
        report.people,
    ) % {"total": report.people, "new": report.people_new, "known": report.people_matched}
    units = ngettext("%(count)s unit created", "%(count)s units created", report.units_created) % {
        "count": report.units_created
    }
    if report.sites_created:
        sites = ngettext("%(count)s site and", "%(count)s sites and", report.sites_created) % {
            "count": report.sites_created
        }
        units = f"{sites} {units}"
    return f"{people}; {units}."


def _chart_url(batch: ImportBatch) -> str:
    return reverse("campaign_chart", kwargs={"campaign_id": batch.campaign_id})


# --- Export --------------------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns what it was given, for streaming csv rows."""

    def write(self, value: str) -> str:
        return value


@login_required
@require_GET
@rate_limit(EXPORTS, per="user")
def roster_export(request: AuthedHttpRequest, campaign_id: int) -> StreamingHttpResponse:
    """The active roster as CSV, in the format the import reads; every export is audited."""
    access = campaign_for_user(request.user, campaign_id, manage=True)
    count = selectors.roster_export_count(campaign_id)
    services.roster_export_record(
        campaign=access.campaign, actor=request.user, count=count, ip=client_ip(request)
    )
    response = StreamingHttpResponse(
        _csv_lines(campaign_id), content_type="text/csv; charset=utf-8"
    )
    name = slugify(access.campaign.code_name) or "campaign"
    filename = f"{name}-roster-{today_for(access.campaign.committee):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _csv_lines(campaign_id: int) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield csv_formats.BOM
    for row in selectors.roster_export_rows(campaign_id):
        yield writer.writerow(row)
