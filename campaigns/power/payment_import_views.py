"""The treasurer's payment import: upload a file, match its columns, check it (dry run),
then record every payment at once (commit).

The treasury's pages' rule: only the committee's treasurer; everyone else gets 404, other
leads included, whatever the method (campaigns.power.views_treasury).
"""

from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from campaigns.imports import csv_formats
from campaigns.models import PaymentImport
from campaigns.power import payment_import as service
from campaigns.power.money import amount_show
from campaigns.power.payment_import import PaymentReport
from campaigns.power.payment_import_forms import PaymentMappingForm, PaymentUploadForm
from campaigns.power.views_treasury import treasurer_for_user
from members.audit import client_ip
from members.http import AuthedHttpRequest
from members.models import Committee
from members.ratelimits import IMPORTS, rate_limit

PAGES = "campaigns/power"
PREVIEW_ROWS = 5


@login_required
@rate_limit(IMPORTS, per="user", method="POST")
def payment_import_new(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """Upload a payments file; it is read and checked before anything is stored."""
    committee = treasurer_for_user(request.user, committee_id)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = PaymentUploadForm()
    if request.method == "POST":
        form = PaymentUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = service.payment_import_upload(
                    committee=committee,
                    uploaded_by=request.user,
                    filename=upload.name,
                    data=upload.read(),
                )
            except ValidationError as error:
                form.add_error("file", error)
            else:
                return redirect("payment_import_detail", committee.pk, batch.pk)
    recent = (
        PaymentImport.objects.filter(committee=committee)
        .select_related("uploaded_by")
        .defer("content")
        .order_by("-created_at", "-pk")[:10]
    )
    context = {"committee": committee, "form": form, "imports": recent}
    status = 422 if form.errors else 200
    return render(request, f"{PAGES}/payment_import_new.html", context, status=status)


@login_required
@rate_limit(IMPORTS, per="user", method="POST")
def payment_import_detail(
    request: AuthedHttpRequest, committee_id: int, import_id: int
) -> HttpResponse:
    """Match the file's columns, check it (dry run), then import it all at once (commit)."""
    committee = treasurer_for_user(request.user, committee_id)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    batch = get_object_or_404(PaymentImport, pk=import_id, committee=committee)
    batch.committee = committee
    if batch.status != PaymentImport.Status.UPLOADED:
        if request.method == "POST":
            return _already_done(request, batch)
        return _render(request, batch, form=None)
    action = request.POST.get("action", "preview")
    if request.method == "POST" and action == "commit":
        return _commit(request, batch)
    if request.method == "POST" and action == "discard":
        service.payment_import_discard(batch=batch)
        messages.success(request, _("The file was discarded; nothing was imported."))
        return redirect("payment_import_new", committee.pk)
    columns = _columns(batch)
    if request.method != "POST":
        initial = {**batch.mapping, "skip_unmatched": batch.skip_unmatched}
        return _render(request, batch, form=PaymentMappingForm(columns=columns, initial=initial))
    form = PaymentMappingForm(request.POST, columns=columns)
    if not form.is_valid():
        return _render(request, batch, form=form, status=422)
    skip = form.cleaned_data["skip_unmatched"]
    report = None
    if action == "dry_run":
        report = service.payment_import_dry_run(
            batch=batch, mapping=form.mapping(), skip_unmatched=skip
        )
    else:
        service.payment_import_mapping_set(batch=batch, mapping=form.mapping(), skip_unmatched=skip)
    return _render(request, batch, form=form, report=report)


def _commit(request: AuthedHttpRequest, batch: PaymentImport) -> HttpResponse:
    report = service.payment_import_commit(
        batch_id=batch.pk, actor=request.user, ip=client_ip(request)
    )
    if report.already_committed:
        return _already_done(request, batch)
    if not report.committed:
        batch.refresh_from_db()
        initial = {**batch.mapping, "skip_unmatched": batch.skip_unmatched}
        form = PaymentMappingForm(columns=_columns(batch), initial=initial)
        return _render(request, batch, form=form, report=report, status=422)
    messages.success(request, _imported_message(report, batch.committee))
    return redirect("treasury", batch.committee_id)


def _already_done(request: AuthedHttpRequest, batch: PaymentImport) -> HttpResponse:
    if batch.status == PaymentImport.Status.COMMITTED:
        messages.info(request, _("This file was already imported; nothing was imported twice."))
    else:
        messages.info(request, _("This file was discarded; upload it again to import it."))
    return redirect("payment_import_detail", batch.committee_id, batch.pk)


def _columns(batch: PaymentImport) -> list[str]:
    delimiter = batch.summary.get("delimiter") or csv_formats.sniff_delimiter(batch.content)
    header, _rows = csv_formats.read_rows(batch.content, delimiter)
    return [name for name in header if name.strip()]


def _render(
    request: AuthedHttpRequest,
    batch: PaymentImport,
    *,
    form: PaymentMappingForm | None,
    report: PaymentReport | None = None,
    status: int = 200,
) -> HttpResponse:
    mapping = batch.mapping
    if form is not None and form.is_bound and form.is_valid():
        mapping = form.mapping()
    fields = form.map_fields() if form is not None else []
    context = {
        "committee": batch.committee,
        "currency": batch.committee.currency,
        "batch": batch,
        "form": form,
        "report": report,
        "preview": _preview(batch, mapping) if form is not None else [],
        "fields_chosen": [f for f in fields if f.value() or f.errors],
        "fields_more": [f for f in fields if not (f.value() or f.errors)],
        "done": PaymentReport.from_summary(batch.summary) if batch.committed_at else None,
        "separated_by": _separated_by(batch.summary.get("delimiter", ",")),
    }
    return render(request, f"{PAGES}/payment_import_detail.html", context, status=status)


def _preview(batch: PaymentImport, mapping: dict[str, str]) -> list:
    return list(islice(service.payment_rows(batch, mapping), PREVIEW_ROWS))


def _separated_by(delimiter: str) -> str:
    if delimiter == ";":
        return _("semicolon-separated")
    return _("tab-separated") if delimiter == "\t" else _("comma-separated")


def _imported_message(report: PaymentReport, committee: Committee) -> str:
    return ngettext(
        "Imported %(count)s payment, %(total)s in all.",
        "Imported %(count)s payments, %(total)s in all.",
        report.payments,
    ) % {"count": report.payments, "total": amount_show(report.total, committee.currency)}
