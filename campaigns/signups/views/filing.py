"""For the filing: a unit's valid signatures as of a day (with the units under it, or the
whole campaign's), as CSV and as a printable page, with the showing of interest. Leads only
(organizers on the team 403, everyone else 404); every download is on the audit record.
Signers' names are on these two pages and nowhere else (never in an email)."""

import csv
from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campaigns.access import campaign_for_user, unit_for_user
from campaigns.models import SignupDrive
from campaigns.roster.signatures import drive_today
from campaigns.signups import selectors
from campaigns.signups.forms import AsOfForm
from members.audit import audit_record, client_ip
from members.http import AuthedHttpRequest
from members.models import AuditEvent
from members.ratelimits import EXPORTS, rate_limit

BOM = "\ufeff"  # so a spreadsheet opens the file as UTF-8


READ = ["GET", "HEAD"]


def _filing(
    request: AuthedHttpRequest, campaign_id: int, drive_id: int, form_of: str
) -> tuple[SignupDrive, selectors.Filing, AsOfForm] | HttpResponseNotAllowed:
    """The drive, its filing for `?unit=` (none: the whole campaign) as of `?on=`, recorded
    on the audit trail as a download in `form_of` ("csv" or "print"). Access is checked
    before the method, so another campaign's drive answers 404 to every method."""
    access = campaign_for_user(request.user, campaign_id)
    drive = selectors.drive_for_user(access, drive_id)
    unit_id = request.GET.get("unit", "")
    unit = unit_for_user(access, int(unit_id)) if unit_id.isdigit() else None
    access.require_manage()
    if request.method not in READ:
        return HttpResponseNotAllowed(READ)
    as_of = AsOfForm(request.GET, today=drive_today(drive))
    filing = selectors.filing(drive, as_of.day, unit)
    audit_record(
        actor=request.user,
        kind=AuditEvent.Kind.EXPORT,
        committee_id=access.campaign.committee_id,
        subject=drive,
        campaign_id=access.campaign.pk,
        count=len(filing.lines),
        detail={"of": "signatures", "format": form_of},
        ip=client_ip(request),
    )
    return drive, filing, as_of


def CSV_COLUMNS() -> list[str]:  # noqa: N802 - a constant, translated when asked for
    return [_("Name"), _("Date signed"), _("How"), _("Text version"), _("Unit")]


def text_version(signature) -> str:
    """The language of the words signed and the start of their digest: "en · 3f2a9c1b"."""
    language = signature.text.language if signature.text else ""
    return f"{language} · {signature.text_digest[:8]}" if signature.text_digest else language


@login_required
@rate_limit(EXPORTS, per="user")
def drive_signatures_csv(
    request: AuthedHttpRequest, campaign_id: int, drive_id: int
) -> HttpResponse:
    found = _filing(request, campaign_id, drive_id, "csv")
    if isinstance(found, HttpResponse):
        return found
    drive, filing, _as_of = found
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write(BOM)
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS())
    for line in filing.lines:
        signature = line.signature
        writer.writerow(
            [
                signature.person.full_name,
                signature.signed_on.isoformat(),
                signature.get_method_display(),
                text_version(signature),
                line.unit,
            ]
        )
    name = slugify(drive.campaign.code_name) or "campaign"
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-signatures-{filing.day:%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@rate_limit(EXPORTS, per="user")
def drive_signatures_print(
    request: AuthedHttpRequest, campaign_id: int, drive_id: int
) -> HttpResponse:
    found = _filing(request, campaign_id, drive_id, "print")
    if isinstance(found, HttpResponse):
        return found
    drive, filing, as_of = found
    lines = [(line, text_version(line.signature)) for line in filing.lines]
    total = filing.total
    context = {
        "drive": drive,
        "filing": filing,
        "lines": lines,
        "as_of": as_of,
        "summary": showing_of_interest(drive, filing.day, filing.place, total.fresh, total.people),
    }
    response = render(request, "campaigns/signups/drives/signatures_print.html", context)
    response["Cache-Control"] = "no-store"
    return response


def showing_of_interest(drive: SignupDrive, day: date, place: str, fresh: int, people: int) -> str:
    """The sentence a filing states, as of a day."""
    values = {
        "date": date_format(day),
        "n": fresh,
        "m": people,
        "place": place,
        "percent": fresh * 100 // people if people else 0,
    }
    if drive.kind == SignupDrive.Kind.PETITION:
        return (
            _(
                "As of %(date)s, %(n)s of %(m)s people in %(place)s (%(percent)s %%) "
                "have signed the petition."
            )
            % values
        )
    return (
        _(
            "As of %(date)s, %(n)s of %(m)s people in %(place)s (%(percent)s %%) "
            "have signed valid cards."
        )
        % values
    )
