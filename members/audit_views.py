"""The audit trail as committee leads read it: filtered, a page at a time, or as CSV."""

import csv
from collections.abc import Iterable, Iterator
from typing import cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from members import audit
from members.access import membership_for_user
from members.clock import now_here, today_for, zone_for
from members.http import AuthedHttpRequest
from members.models import AuditEvent, Committee, Membership
from members.ratelimits import EXPORTS, rate_limit
from organizing.forms import DateInput

PAGE_SIZE = 50
CSV_CHUNK = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class AuditFilterForm(forms.Form):
    """The log's filters, read from the query string; every one may be left empty."""

    kind = forms.ChoiceField(label=gettext_lazy("What"), required=False)
    actor = forms.TypedChoiceField(
        label=gettext_lazy("Who"), required=False, coerce=int, empty_value=None
    )
    campaign = forms.TypedChoiceField(
        label=gettext_lazy("Campaign"), required=False, coerce=int, empty_value=None
    )
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=DateInput())
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=DateInput())

    def __init__(self, data, *, actors: list, campaigns: dict[int, str]) -> None:
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["kind"]).choices = [
            ("", _("Anything")),
            *AuditEvent.Kind.choices,
        ]
        everyone = [(user.pk, str(user)) for user in actors]
        cast(forms.TypedChoiceField, self.fields["actor"]).choices = [("", _("Anyone")), *everyone]
        cast(forms.TypedChoiceField, self.fields["campaign"]).choices = [
            ("", _("Any campaign")),
            *campaigns.items(),
        ]

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def filters(self) -> dict:
        """The filters that were valid: a bad one is shown as an error and left out."""
        data = getattr(self, "cleaned_data", {})
        return {
            "kind": data.get("kind") or "",
            "actor_id": data.get("actor"),
            "campaign_id": data.get("campaign"),
            "since": data.get("since"),
            "until": data.get("until"),
        }


def _filtered(request: HttpRequest, committee: Committee) -> tuple[AuditFilterForm, dict]:
    campaigns = audit.audit_campaigns(committee)
    form = AuditFilterForm(request.GET, actors=audit.audit_actors(committee), campaigns=campaigns)
    form.is_valid()
    return form, campaigns


@login_required
@require_GET
def audit_log(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """Who did what with sensitive data, newest first, 50 to a page: committee leads only."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    committee = membership.committee
    form, campaigns = _filtered(request, committee)
    events = audit.audit_events(committee=committee, **form.filters())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "committee": committee,
        "form": form,
        "page": page,
        "lines": audit.audit_lines(list(page), committee=committee, campaigns=campaigns),
        "filtering": any(value for key, value in request.GET.items() if key != "page"),
    }
    with timezone.override(zone_for(committee)):  # times in the committee's zone, named
        status = 422 if form.errors else 200
        return render(request, "members/audit_log.html", context, status=status)


@login_required
@require_GET
@rate_limit(EXPORTS, per="user")
def audit_log_csv(
    request: AuthedHttpRequest, committee_id: int
) -> HttpResponse | StreamingHttpResponse:
    """The filtered log as CSV, for a committee's own records. Downloading it is itself
    recorded."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    committee = membership.committee
    form, campaigns = _filtered(request, committee)
    if form.errors:
        return audit_log(request, committee_id)
    events = audit.audit_events(committee=committee, **form.filters())
    count = events.count()
    download = audit.audit_download_record(
        committee=committee, actor=request.user, count=count, ip=audit.client_ip(request)
    )
    # The file holds what was there when it was asked for, not its own download.
    before = events.filter(pk__lt=download.pk)
    rows = _csv_rows(before, committee=committee, campaigns=campaigns)
    response = StreamingHttpResponse(_csv_lines(rows), content_type="text/csv; charset=utf-8")
    filename = f"audit-{today_for(committee):%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


CSV_HEADER = [
    "when",
    "who",
    "kind",
    "what",
    "subject_type",
    "subject_id",
    "campaign",
    "count",
    "ip",
]


def _csv_rows(events, *, committee: Committee, campaigns: dict[int, str]) -> Iterator[list]:
    """Header, then the events in chunks, each chunk described with a few queries."""
    yield CSV_HEADER
    chunk: list[AuditEvent] = []
    for event in events.iterator(chunk_size=CSV_CHUNK):
        chunk.append(event)
        if len(chunk) == CSV_CHUNK:
            yield from _csv_chunk(chunk, committee, campaigns)
            chunk = []
    yield from _csv_chunk(chunk, committee, campaigns)


def _csv_chunk(events: list[AuditEvent], committee, campaigns) -> Iterator[list]:
    for line in audit.audit_lines(events, committee=committee, campaigns=campaigns):
        event = line.event
        yield [
            now_here(committee, at=event.at).isoformat(timespec="seconds"),
            _safe(event.actor.email if event.actor else ""),
            event.kind,
            _safe(f"{line.text}: {line.link_text}" if line.link_text else line.text),
            event.subject_type,
            event.subject_id or "",
            _safe(campaigns.get(event.campaign_id, "")),
            "" if event.count is None else event.count,
            event.ip or "",
        ]


def _safe(value: str) -> str:
    """Text a spreadsheet shows rather than runs (a name may start with "=")."""
    return "'" + value if value.startswith(FORMULA_START) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(rows: Iterable[list]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"  # so spreadsheets read the file as UTF-8
    for row in rows:
        yield writer.writerow(row)
