"""The pages a signer's personal links open: the signing page, and the page that takes a
signature back (from the confirmation email).

The opaque token in the URL is the key (campaigns.signups.links). Opening either page
changes nothing, since mail scanners open every link; one POST signs, or takes back. No CSRF
check and no cookie, like the emailed RSVP link: a forged POST would need the token, and whoever
holds it can post without a browser anyway.
"""

from contextlib import AbstractContextManager

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaigns.models import DriveText, Signature, SignatureRevocation, SignupDrive
from campaigns.signups.links import (
    LinkExpired,
    LinkInvalid,
    SigningLink,
    revoke_link_resolve,
    signing_link_resolve,
)
from campaigns.signups.services import signature_record, signature_revoke, signature_standing
from members.audit import client_ip
from members.clock import today_for, zone_for
from members.language import for_link_page
from members.ratelimits import LINKS, rate_limit
from organizing.http import link_invalid

PAGES = "campaigns/signups/links"


class SigningForm(forms.Form):
    typed_name = forms.CharField(
        label=gettext_lazy("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=gettext_lazy("Typing your name here is your signature."),
        error_messages={"required": gettext_lazy("Type your full name to sign.")},
    )
    consent = forms.BooleanField(
        label=gettext_lazy("I have read this text, and I sign it of my own free will."),
        error_messages={"required": gettext_lazy("Tick the box to say you agree.")},
    )

    def clean_typed_name(self) -> str:
        name = " ".join(self.cleaned_data["typed_name"].split())
        if not name:
            raise ValidationError(_("Type your full name to sign."), code="required")
        return name


def text_chosen(drive: SignupDrive, *wanted: str | None) -> tuple[DriveText, list[DriveText]]:
    """The drive's text in the first of the `wanted` languages it has (else its first text),
    and all its texts, for the language choice."""
    texts = list(drive.texts.all())
    by_language = {text.language: text for text in texts}
    for language in wanted:
        if language and language in by_language:
            return by_language[language], texts
        if language and language.split("-")[0] in by_language:
            return by_language[language.split("-")[0]], texts
    return texts[0], texts


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit(LINKS)
def signing_link(request: HttpRequest, signing_token: str) -> HttpResponse:
    """Show the drive's exact text and the form; POST signs (see the module's docstring)."""
    try:
        link = signing_link_resolve(signing_token)
    except LinkInvalid:
        return _invalid(request)
    except LinkExpired as expired:
        with for_link_page(request, expired.link.person.preferred_language):
            return _closed(request, expired.link, expired.problem)
    with for_link_page(request, link.person.preferred_language), _committee_clock(link.drive):
        return _signing(request, link)


def _committee_clock(drive: SignupDrive) -> AbstractContextManager[None]:
    """Times in the committee's zone: nobody is logged in to set it (members.clock)."""
    return timezone.override(zone_for(drive.campaign.committee))


def _invalid(request: HttpRequest) -> HttpResponse:
    """Not ours, ended, or its person no longer to be asked: all read the same."""
    return link_invalid(
        request,
        message=_(
            "It may have been copied only in part, or it no longer works. Open the link from "
            "the latest message, or ask the organizer who sent it."
        ),
    )


def _closed(request: HttpRequest, link: SigningLink, problem: str) -> HttpResponse:
    """The drive takes no signature today: 410 to open the link, 409 to sign on it."""
    status = 409 if request.method == "POST" else 410
    context = {"drive": link.drive, "problem": problem}
    return render(request, f"{PAGES}/closed.html", context, status=status)


def _signing(request: HttpRequest, link: SigningLink) -> HttpResponse:
    drive, person = link.drive, link.person
    wanted = request.POST.get("language") or request.GET.get("language")
    text, texts = text_chosen(drive, wanted, person.preferred_language)
    context: dict[str, object] = {"drive": drive, "text": text, "texts": texts}
    today = today_for(drive.campaign.committee)
    standing = signature_standing(drive=drive, person=person, on=today)
    if standing is not None:  # signed already: a second signature is kept as one
        return _signed(request, standing, context, again=request.method == "POST")
    if request.method != "POST":
        return _form(request, SigningForm(), context)
    form = SigningForm(request.POST)
    if not form.is_valid():
        return _form(request, form, context, status=422)
    try:
        outcome = signature_record(
            drive=drive,
            person=person,
            signed_on=today_for(drive.campaign.committee),
            method=Signature.Method.LINK,
            text=text,
            typed_name=form.cleaned_data["typed_name"],
            consent=True,
            ip=client_ip(request),
        )
    except ValidationError as error:
        if error.code == "closed":
            return _closed(request, link, error.messages[0])
        form.add_error(None, error)
        return _form(request, form, context, status=422)
    return _signed(request, outcome.signature, context, just_now=outcome.created)


def _form(
    request: HttpRequest, form: SigningForm, context: dict[str, object], *, status: int = 200
) -> HttpResponse:
    return render(request, f"{PAGES}/sign.html", {**context, "form": form}, status=status)


def _signed(
    request: HttpRequest,
    signature: Signature,
    context: dict[str, object],
    *,
    just_now: bool = False,
    again: bool = False,
) -> HttpResponse:
    """What they signed and when; `again`: they tried to sign a second time."""
    if signature.text is not None:  # the words they signed, whatever language is asked now
        context = {**context, "text": signature.text}
    context = {**context, "signature": signature, "just_now": just_now, "again": again}
    return render(request, f"{PAGES}/signed.html", context)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit(LINKS)
def signature_revoke_link(request: HttpRequest, revoke_token: str) -> HttpResponse:
    """The signature and a button to take it back; POST takes it back, from today."""
    try:
        signature = revoke_link_resolve(revoke_token)
    except LinkInvalid:
        return _invalid(request)
    written_in = signature.person.preferred_language
    with for_link_page(request, written_in), _committee_clock(signature.drive):
        return _revoking(request, signature)


def _revoking(request: HttpRequest, signature: Signature) -> HttpResponse:
    revocation = SignatureRevocation.objects.filter(signature=signature).first()
    context: dict[str, object] = {"signature": signature, "drive": signature.drive}
    if request.method == "POST" and revocation is None:
        try:
            revocation = signature_revoke(
                signature=signature,
                revoked_on=today_for(signature.drive.campaign.committee),
                by_signer=True,
                ip=client_ip(request),
            )
        except ValidationError as error:
            if error.code != "revoked":  # two clicks at once: the first one did it
                context["problem"] = error.messages[0]
                return render(request, f"{PAGES}/revoke.html", context, status=422)
            revocation = SignatureRevocation.objects.get(signature=signature)
        context["just_now"] = True
    context["revocation"] = revocation
    return render(request, f"{PAGES}/revoke.html", context)
