"""Recording what happened on paper: a card or petition signed, or a signature taken back, as
an organizer on the campaign's team (or a lead) heard it. From the person page, the chart or
My list: with htmx the form opens in place and the answer is the person's standing on the
drive, fresh; without, a page of its own that returns where it came from."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.access import CampaignAccess, campaign_for_user
from campaigns.models import RosterEntry, Signature, SignupDrive
from campaigns.roster.selectors import chart_organizers
from campaigns.signups.forms_record import PaperSignatureForm, RevokedForm
from campaigns.signups.services import signature_record, signature_revoke
from campaigns.signups.standing import drive_standing
from members.audit import client_ip
from members.clock import today_for
from members.http import AuthedHttpRequest
from members.models import Person
from organizing.http import HtmxHttpRequest, next_url

PAGES = "campaigns/signups/record"
DATE_ERRORS = {"future", "before_open", "before_signed"}  # the date typed does not fit


def _scope(
    request: AuthedHttpRequest, campaign_id: int, drive_id: int, person_id: int
) -> tuple[CampaignAccess, SignupDrive, Person]:
    """The campaign (its team and leads), its drive and a person on its roster now: 404 for
    anything else, another campaign's drive or person included."""
    access = campaign_for_user(request.user, campaign_id)
    drive = get_object_or_404(
        SignupDrive.objects.select_related("campaign__committee"),
        pk=drive_id,
        campaign=access.campaign,
    )
    return access, drive, _on_roster(access, person_id)


def _on_roster(access: CampaignAccess, person_id: int) -> Person:
    entry = (
        RosterEntry.objects.filter(
            campaign=access.campaign, person_id=person_id, removed_at__isnull=True
        )
        .select_related("person__committee")
        .first()
    )
    if entry is None:
        raise Http404
    return entry.person


@login_required
@require_http_methods(["GET", "POST"])
def signature_add(
    request: AuthedHttpRequest, campaign_id: int, drive_id: int, person_id: int
) -> HttpResponse:
    """A paper card or petition signature: the date signed (today by default, the
    committee's today), who collected it, where the paper is kept. A date the drive cannot
    take answers 422 with why (409 when the drive was closed by then); someone who signed
    already keeps their first signature, and is told so."""
    access, drive, person = _scope(request, campaign_id, drive_id, person_id)
    if request.GET.get("standing"):  # "Cancel" in place: the block as it was
        return _standing(request, drive, person)
    team = chart_organizers(access.campaign)
    texts = list(drive.texts.all())
    if request.method != "POST":
        initial = {
            "signed_on": today_for(access.campaign.committee),
            "collected_by": str(request.user.pk),
        }
        form = PaperSignatureForm(initial=initial, team=team, texts=texts)
        return _form_page(request, drive, person, form, "signature_form")
    form = PaperSignatureForm(request.POST, team=team, texts=texts)
    status = 422
    if form.is_valid():
        try:
            outcome = signature_record(
                drive=drive,
                person=person,
                signed_on=form.cleaned_data["signed_on"],
                method=Signature.Method.PAPER,
                text=form.chosen_text(),
                collected_by=form.collector(),
                paper_kept_at=form.cleaned_data["paper_kept_at"],
                recorded_by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            status = 409 if error.code == "closed" else 422
            form.add_error("signed_on" if error.code in DATE_ERRORS else None, error)
        else:
            names = {"name": person, "date": date_format(outcome.signature.signed_on)}
            if outcome.created:
                messages.success(request, _("Recorded: %(name)s signed on %(date)s.") % names)
            else:
                messages.info(
                    request, _("%(name)s already signed on %(date)s: kept as one.") % names
                )
            return _done(request, drive, person)
    return _form_page(request, drive, person, form, "signature_form", status=status)


@login_required
@require_http_methods(["GET", "POST"])
def signature_revoke_record(
    request: AuthedHttpRequest, campaign_id: int, drive_id: int, signature_id: int
) -> HttpResponse:
    """A signature the signer took back, as an organizer heard it: from which date, and why.
    The signature stays; a revocation is added (and counted from its date on)."""
    access = campaign_for_user(request.user, campaign_id)
    signature = get_object_or_404(
        Signature.objects.select_related("drive__campaign__committee"),
        pk=signature_id,
        drive_id=drive_id,
        drive__campaign=access.campaign,
    )
    drive, person = signature.drive, _on_roster(access, signature.person_id)
    if request.method != "POST":
        form = RevokedForm(initial={"revoked_on": today_for(access.campaign.committee)})
        return _form_page(request, drive, person, form, "revoke_form", signature=signature)
    form = RevokedForm(request.POST)
    if form.is_valid():
        try:
            signature_revoke(
                signature=signature,
                revoked_on=form.cleaned_data["revoked_on"],
                by_signer=False,
                reason=form.cleaned_data["reason"],
                recorded_by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error("revoked_on" if error.code in DATE_ERRORS else None, error)
        else:
            day = date_format(form.cleaned_data["revoked_on"])
            messages.success(
                request,
                _("Recorded: %(name)s revoked on %(date)s.") % {"name": person, "date": day},
            )
            return _done(request, drive, person)
    return _form_page(request, drive, person, form, "revoke_form", signature=signature, status=422)


def _form_page(
    request: HtmxHttpRequest,
    drive: SignupDrive,
    person: Person,
    form: PaperSignatureForm | RevokedForm,
    name: str,
    *,
    signature: Signature | None = None,
    status: int = 200,
) -> HttpResponse:
    """The form in place (htmx) or on a page of its own."""
    context = {
        "drive": drive,
        "campaign": drive.campaign,
        "person": person,
        "form": form,
        "signature": signature,
        "next_url": next_url(request, reverse("person_detail", args=[person.pk])),
    }
    template = f"{PAGES}/_{name}.html" if request.htmx else f"{PAGES}/{name}.html"
    return render(request, template, context, status=status)


def _done(request: HtmxHttpRequest, drive: SignupDrive, person: Person) -> HttpResponse:
    """After a save: in place, the person's standing on the drive and the message; without
    htmx, back where the form was opened from."""
    if not request.htmx:
        return redirect(next_url(request, reverse("person_detail", args=[person.pk])))
    return _standing(request, drive, person, saved=True)


def _standing(
    request: HtmxHttpRequest, drive: SignupDrive, person: Person, *, saved: bool = False
) -> HttpResponse:
    context = {
        "standing": drive_standing(drive=drive, person=person),
        "saved": saved,
        "next_url": next_url(request, reverse("person_detail", args=[person.pk])),
    }
    return render(request, f"{PAGES}/_standing_saved.html", context)
