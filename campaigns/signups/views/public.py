"""A drive's public signing page, opened by a lead: anyone with its address reads the text and
signs with a name and an email address or a phone number.

No login: the drive's public key is the access, while the lead keeps the page open and the
drive takes signatures. The page shows nothing private (no campaign, no target but what the
text itself says, no one's name), and what it answers reads the same whether or not the
address typed is known (campaigns.signups.public).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from campaigns.models import SignupDrive
from campaigns.signups.public import PublicSignature, public_sign, public_signing_allowed
from campaigns.signups.services import drive_open_problem
from campaigns.signups.views.links import text_chosen
from members.audit import client_ip
from members.clock import today_for
from members.forms_people import ReachableForm

PAGES = "campaigns/signups/public"


class PublicSigningForm(ReachableForm):
    field_order = ["name", "email", "phone", "consent"]

    name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        help_text=_("Typing your name here is your signature."),
        error_messages={"required": _("Type your full name to sign.")},
    )
    consent = forms.BooleanField(
        label=_("I have read this text, and I sign it of my own free will."),
        error_messages={"required": _("Tick the box to say you agree.")},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise ValidationError(_("Type your full name to sign."), code="required")
        return name


@require_http_methods(["GET", "POST"])
def drive_public(request: HttpRequest, drive_key: str) -> HttpResponse:
    """The page anyone with the address opens; POST signs, at most a few times per address."""
    drive = get_object_or_404(
        SignupDrive.objects.select_related("campaign", "campaign__committee"), public_key=drive_key
    )
    problem = drive_open_problem(drive, today_for(drive.campaign.committee))
    wanted = request.POST.get("language") or request.GET.get("language")
    text, texts = text_chosen(drive, wanted, translation.get_language())
    context: dict[str, object] = {"drive": drive, "text": text, "texts": texts, "problem": problem}
    if request.method != "POST":
        return render(request, f"{PAGES}/sign.html", {**context, "form": PublicSigningForm()})
    form = PublicSigningForm(request.POST)
    context["form"] = form
    if not public_signing_allowed(client_ip(request) or "unknown"):
        return render(request, f"{PAGES}/sign.html", {**context, "limited": True}, status=429)
    if problem:
        return render(request, f"{PAGES}/sign.html", context, status=409)
    if not form.is_valid():
        return render(request, f"{PAGES}/sign.html", context, status=422)
    data = form.cleaned_data
    signature = PublicSignature(
        name=data["name"],
        email=data["email"].strip(),
        phone=data["phone"] or "",
        text=text,
        ip=client_ip(request),
        language=translation.get_language(),
    )
    try:
        public_sign(drive=drive, data=signature)
    except ValidationError as error:
        context["problem"] = error.messages[0]
        return render(request, f"{PAGES}/sign.html", context, status=409)
    # The same page whether the address was known or not (see campaigns.signups.public).
    return render(request, f"{PAGES}/signed.html", context)
