"""The treasury's pages: the ledger and its form, a correction, the month-by-month report and
the CSV for an accountant.

Only the committee's treasurer (a lead with Membership.is_treasurer) opens them. Everyone
else gets 404, other leads and organizers included, whatever the method: amounts are the
treasurer's, and a 403 or a 405 would say there are books to hide.
"""

import csv
from collections.abc import Iterable, Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from campaigns.models import LedgerEntry
from campaigns.power import treasury_report as books
from campaigns.power.forms_treasury import EntryForm, ReverseForm
from campaigns.power.money import amount_show
from campaigns.power.selectors import treasurer_membership
from campaigns.power.treasury import ledger_record, ledger_reverse
from members.audit import audit_record, client_ip
from members.clock import today_for
from members.http import AuthedHttpRequest
from members.models import AuditEvent, Committee, User
from members.ratelimits import EXPORTS, rate_limit


def treasurer_for_user(user: User, committee_id: int) -> Committee:
    """The committee whose books the user keeps; 404 for anyone else."""
    membership = treasurer_membership(user, committee_id)
    if membership is None:
        raise Http404
    return membership.committee


@login_required
def treasury(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """The balance, a form to record money in or out, and the ledger, newest first."""
    committee = treasurer_for_user(request.user, committee_id)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    form = EntryForm(request.POST if request.method == "POST" else None, committee=committee)
    if request.method == "POST" and form.is_valid():
        try:
            entry = ledger_record(
                committee=committee,
                data=form.data_for_service(),
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _recorded(entry, committee))
            return redirect("treasury", committee_id=committee.pk)
    page, lines = books.ledger_page(committee, request.GET.get("page"))
    context = {
        "committee": committee,
        "form": form,
        "totals": books.totals(committee),
        "page": page,
        "lines": lines,
    }
    return render(
        request, "campaigns/power/treasury.html", context, status=422 if form.errors else 200
    )


def _recorded(entry: LedgerEntry, committee: Committee) -> str:
    values = {
        "what": entry.get_category_display(),
        "amount": amount_show(entry.amount, committee.currency),
    }
    return _("Recorded: %(what)s, %(amount)s.") % values


@login_required
def treasury_reverse(request: AuthedHttpRequest, committee_id: int, entry_id: int) -> HttpResponse:
    """Correct a mistake: an entry of the opposite sign, after a look at what it cancels."""
    committee = treasurer_for_user(request.user, committee_id)
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    entry = get_object_or_404(
        LedgerEntry.objects.select_related("committee", "reversal"),
        pk=entry_id,
        committee=committee,
    )
    form = ReverseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            ledger_reverse(
                entry=entry, by=request.user, note=form.cleaned_data["note"], ip=client_ip(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Reversed. Record the right entry if there is one."))
            return redirect("treasury", committee_id=committee.pk)
    line = books.entry_line(entry, books.reversal_of(entry))
    context = {"committee": committee, "entry": entry, "line": line, "form": form}
    return render(
        request,
        "campaigns/power/treasury_reverse.html",
        context,
        status=422 if form.errors else 200,
    )


@login_required
def treasury_report(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """The last twelve months, month by month, with the balance at each month's end."""
    committee = treasurer_for_user(request.user, committee_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    report = books.month_report(committee, today_for(committee))
    context = {"committee": committee, "report": report, "currency": committee.currency}
    return render(request, "campaigns/power/treasury_report.html", context)


@login_required
@rate_limit(EXPORTS, per="user")
def treasury_export(request: AuthedHttpRequest, committee_id: int) -> HttpResponseBase:
    """Every entry and payment, oldest first, as CSV. On the audit trail: how many rows,
    never an amount."""
    committee = treasurer_for_user(request.user, committee_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    audit_record(
        actor=request.user,
        kind=AuditEvent.Kind.EXPORT,
        committee=committee,
        count=books.export_count(committee),
        detail={"of": "treasury", "format": "csv"},
        ip=client_ip(request),
    )
    rows = books.export_rows(committee)
    response = StreamingHttpResponse(
        _csv_lines([books.CSV_HEADER], rows), content_type="text/csv; charset=utf-8"
    )
    filename = f"treasury-{today_for(committee):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(*parts: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheets read the file as UTF-8
    for rows in parts:
        for row in rows:
            yield writer.writerow(row)
