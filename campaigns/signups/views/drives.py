"""The lead's drive pages: the campaign's drives, starting and editing one (its text frozen
once someone has signed: a new version is a new drive), closing it, opening its public
signing page, and the counting page.

The list and the counting page are for the campaign's team and the committee's leads; the
rest take a manager (a campaign lead or a committee lead): organizers on the team get 403,
everyone else 404 (campaigns.access)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.access import CampaignAccess, campaign_for_user, campaign_roles
from campaigns.models import SignupDrive
from campaigns.roster.signatures import drive_today
from campaigns.signups import selectors, services
from campaigns.signups.forms import AsOfForm, DriveForm
from campaigns.signups.views.filing import showing_of_interest
from members.audit import client_ip
from members.clock import today_for
from members.http import AuthedHttpRequest
from members.models import Membership

READ = ["GET", "HEAD"]


def _drive_to_manage(
    request: AuthedHttpRequest, campaign_id: int, drive_id: int
) -> tuple[CampaignAccess, SignupDrive]:
    """The campaign's drive, for one who may manage it: 404 outside the campaign (or for
    another campaign's drive), 403 for an organizer on its team."""
    access = campaign_for_user(request.user, campaign_id)
    drive = selectors.drive_for_user(access, drive_id)
    access.require_manage()
    return access, drive


@login_required
def drive_list(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's drives, each counted as of today (access before the method, as for
    every page of a campaign)."""
    access = campaign_for_user(request.user, campaign_id)
    if request.method not in READ:
        return HttpResponseNotAllowed(READ)
    today = today_for(access.campaign.committee)
    context = {**_page(access), "lines": selectors.drives_for_list(access, today), "today": today}
    return render(request, "campaigns/signups/drives/drive_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def drive_create(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """A lead starts a card drive or a petition."""
    access = campaign_for_user(request.user, campaign_id, manage=True)
    campaign = access.campaign
    form = DriveForm(
        _data(request), initial=DriveForm.initial_for(campaign, today_for(campaign.committee))
    )
    if request.method == "POST" and form.is_valid():
        try:
            drive = services.drive_create(
                campaign=campaign, data=form.drive_data(), actor=request.user, ip=client_ip(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Drive started."))
            return redirect("drive_detail", campaign_id=campaign.pk, drive_id=drive.pk)
    context = {**_page(access), "form": form}
    return _render(request, "campaigns/signups/drives/drive_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def drive_edit(request: AuthedHttpRequest, campaign_id: int, drive_id: int) -> HttpResponse:
    """Change a drive; once someone has signed, its text shows read-only and a change to it
    is refused with the way on: a new version."""
    access, drive = _drive_to_manage(request, campaign_id, drive_id)
    frozen = drive.signatures.exists()
    form = DriveForm(_data(request), initial=DriveForm.initial_from(drive), frozen=frozen)
    if request.method == "POST" and form.is_valid():
        try:
            services.drive_update(
                drive=drive, data=form.drive_data(), actor=request.user, ip=client_ip(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Drive saved."))
            return redirect("drive_detail", campaign_id=campaign_id, drive_id=drive.pk)
    context = {**_page(access), "form": form, "drive": drive, "frozen": frozen}
    return _render(request, "campaigns/signups/drives/drive_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def drive_new_version(request: AuthedHttpRequest, campaign_id: int, drive_id: int) -> HttpResponse:
    """A new drive with new text, pre-filled from this one; this one closes."""
    access, drive = _drive_to_manage(request, campaign_id, drive_id)
    initial = {**DriveForm.initial_from(drive), "opens_on": drive_today(drive)}
    form = DriveForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            new = services.drive_new_version(
                drive=drive, data=form.drive_data(), actor=request.user, ip=client_ip(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("New version started; the old one is closed."))
            return redirect("drive_detail", campaign_id=campaign_id, drive_id=new.pk)
    context = {**_page(access), "form": form, "drive": drive, "new_version": True}
    return _render(request, "campaigns/signups/drives/drive_form.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def drive_close(request: AuthedHttpRequest, campaign_id: int, drive_id: int) -> HttpResponse:
    """Ask, then close: no more signatures dated after today, and the public page closes."""
    access, drive = _drive_to_manage(request, campaign_id, drive_id)
    if request.method == "POST":
        if drive.closed_at is None:
            services.drive_close(drive=drive, actor=request.user, ip=client_ip(request))
            messages.success(request, _("Drive closed."))
        return redirect("drive_detail", campaign_id=campaign_id, drive_id=drive.pk)
    context = {**_page(access), "drive": drive}
    return render(request, "campaigns/signups/drives/drive_close.html", context)


@login_required
@require_POST
def drive_public_set(request: AuthedHttpRequest, campaign_id: int, drive_id: int) -> HttpResponse:
    """Open the drive's public signing page (`open=1`: a new address) or close it."""
    access, drive = _drive_to_manage(request, campaign_id, drive_id)
    open_page = request.POST.get("open") == "1"
    try:
        services.drive_public_set(
            drive=drive, open_page=open_page, actor=request.user, ip=client_ip(request)
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if open_page:
            messages.success(request, _("The public signing page is open."))
        else:
            messages.success(request, _("The public signing page is closed."))
    return redirect("drive_detail", campaign_id=campaign_id, drive_id=drive.pk)


@login_required
def drive_detail(request: AuthedHttpRequest, campaign_id: int, drive_id: int) -> HttpResponse:
    """The counting page: the campaign, each site and each unit as of a day (today unless
    `?on=` asks another), against the drive's thresholds; and who signed without being on
    the roster, to be placed. Access is checked before the method: another campaign's drive
    answers 404 to every method."""
    roles = campaign_roles(request.user, campaign_id)
    access = campaign_for_user(request.user, campaign_id, roles=roles)
    drive = selectors.drive_for_user(access, drive_id)
    if request.method not in READ:
        return HttpResponseNotAllowed(READ)
    as_of = AsOfForm(request.GET or None, today=drive_today(drive))
    count = selectors.drive_count(drive, as_of.day)
    context = {
        **_page(access),
        "drive": drive,
        "as_of": as_of,
        "count": count,
        "off_roster": selectors.signatures_off_roster(drive, as_of.day, count.roster_ids),
        "texts": drive.texts.all(),
        "open_problem": services.drive_open_problem(drive, as_of.today),
        "summary": showing_of_interest(
            drive, count.day, drive.campaign.code_name, count.total.fresh, count.total.people
        ),
        "public_url": _public_url(request, drive),
        "units": selectors.unit_choices(drive) if access.can_manage else [],
        # A committee lead opens anyone's page; the team adds them through the roster form.
        "committee_lead": roles.committee == Membership.Role.LEAD,
    }
    return render(request, "campaigns/signups/drives/drive_detail.html", context)


def _public_url(request: HttpRequest, drive: SignupDrive) -> str:
    """The public signing page's full address while it is open ("" when closed)."""
    if not drive.public_key:
        return ""
    try:
        path = reverse("drive_public", kwargs={"drive_key": drive.public_key})
    except NoReverseMatch:
        path = f"/sign/{drive.public_key}/"
    return request.build_absolute_uri(path)


def _page(access: CampaignAccess) -> dict:
    """What campaigns/base.html needs."""
    return {"campaign": access.campaign, "access": access}


def _render(request: HttpRequest, template: str, context: dict, form) -> HttpResponse:
    """Render a form page: 422 when the form came back with errors."""
    return render(request, template, context, status=422 if form.errors else 200)


def _data(request: HttpRequest):
    """The posted data, or None on GET: an empty POST must still bind (and fail) the form."""
    return request.POST if request.method == "POST" else None
