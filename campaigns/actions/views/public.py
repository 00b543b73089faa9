"""A public action's page: what, when and where, and a short form to say yes or maybe.

No login: the link's key is the access, and only for actions set to "anyone with the public
link". The page shows nothing private: no one else's name, no campaign, no target.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from campaigns.actions.services.public import (
    PublicRsvpData,
    public_rsvp,
    public_rsvp_allowed,
)
from campaigns.actions.services.rsvps import rsvp_open_problem
from campaigns.models import Action, Rsvp
from members.audit import client_ip
from members.forms_people import PhoneField

PAGE = "campaigns/actions/public/action.html"


class PublicRsvpForm(forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = PhoneField(label=_("Phone"), required=False)
    response = forms.ChoiceField(
        label=_("Are you coming?"),
        choices=[(Rsvp.Response.YES, _("Yes, I'm coming")), (Rsvp.Response.MAYBE, _("Maybe"))],
        widget=forms.RadioSelect,
        initial=Rsvp.Response.YES,
    )

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        cleaned = self.cleaned_data
        if not cleaned.get("email") and not cleaned.get("phone") and not self.has_error("phone"):
            raise ValidationError(
                _("Give an email address or a phone number, so organizers can reach you."),
                code="no_contact",
            )
        return cleaned

    def data_for_service(self) -> PublicRsvpData:
        data = self.cleaned_data
        return PublicRsvpData(
            name=data["name"].strip(),
            email=data["email"].strip(),
            phone=data["phone"],
            response=data["response"],
        )


@require_http_methods(["GET", "POST"])
def action_public(request: HttpRequest, public_key: str) -> HttpResponse:
    """The page anyone with the link opens; POST answers, at most a few times per address."""
    action = get_object_or_404(
        Action.objects.select_related("committee", "site"),
        public_key=public_key,
        visibility=Action.Visibility.PUBLIC,
    )
    context: dict[str, object] = {"action": action, "problem": rsvp_open_problem(action)}
    if request.method != "POST":
        return render(request, PAGE, {**context, "form": PublicRsvpForm()})
    form = PublicRsvpForm(request.POST)
    if not public_rsvp_allowed(client_ip(request) or "unknown"):
        context["limited"] = True
        return render(request, PAGE, {**context, "form": form}, status=429)
    if not form.is_valid():
        return render(request, PAGE, {**context, "form": form}, status=422)
    try:
        outcome = public_rsvp(action=action, data=form.data_for_service())
    except ValidationError as error:
        context["refused"] = error.messages[0]
        return render(request, PAGE, {**context, "form": form}, status=422)
    return render(
        request, "campaigns/actions/public/answered.html", {**context, "outcome": outcome}
    )
