"""A public action's page: what, when and where, and a short form to say yes or maybe; and
the page that confirms an answer given there for someone already known.

No login: the link's key is the access, and only for actions set to "anyone with the public
link". The page shows nothing private: no one else's name, no campaign, no target, and its
answer reads the same whether or not the address typed is known to the committee.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaigns.actions.services.public import (
    PendingGone,
    PublicRsvpData,
    pending_rsvp_confirm,
    pending_rsvp_for_key,
    public_rsvp,
    public_rsvp_allowed,
)
from campaigns.actions.services.rsvps import rsvp_open_problem
from campaigns.models import Action, PendingRsvp, Rsvp
from members.audit import client_ip
from members.forms_people import ReachableForm
from members.language import for_link_page
from members.ratelimits import LINKS, rate_limit
from organizing.http import link_invalid

PAGE = "campaigns/actions/public/action.html"
CONFIRM = "campaigns/actions/public/confirm.html"


class PublicRsvpForm(ReachableForm):
    field_order = ["name", "email", "phone", "response"]

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    response = forms.ChoiceField(
        label=_("Are you coming?"),
        choices=[(Rsvp.Response.YES, _("Yes, I'm coming")), (Rsvp.Response.MAYBE, _("Maybe"))],
        widget=forms.RadioSelect,
        initial=Rsvp.Response.YES,
    )

    def data_for_service(self) -> PublicRsvpData:
        data = self.cleaned_data
        return PublicRsvpData(
            name=data["name"].strip(),
            email=data["email"].strip(),
            phone=data["phone"],
            response=data["response"],
            language=translation.get_language(),
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
        public_rsvp(action=action, data=form.data_for_service())
    except ValidationError as error:
        context["refused"] = error.messages[0]
        return render(request, PAGE, {**context, "form": form}, status=422)
    # The same page whether the address was known or not (see services.public).
    context["response"] = form.cleaned_data["response"]
    return render(request, "campaigns/actions/public/answered.html", context)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit(LINKS)
def action_public_confirm(request: HttpRequest, pending_key: str) -> HttpResponse:
    """The link sent to someone an answer was given for on a public page. Opening it changes
    nothing (mail scanners open every link): it shows the answer and asks; one POST confirms.
    No CSRF check and no cookie, like the emailed RSVP link: the random key is the access."""
    try:
        pending = pending_rsvp_for_key(pending_key)
    except PendingGone:
        return _gone(request)
    # The page speaks the language the message was written in.
    with for_link_page(request, pending.person.preferred_language):
        return _confirm(request, pending)


def _confirm(request: HttpRequest, pending: PendingRsvp) -> HttpResponse:
    context: dict[str, object] = {"action": pending.action, "pending": pending}
    if request.method == "POST":
        try:
            outcome = pending_rsvp_confirm(key=pending.key)
        except PendingGone:
            return _gone(request)
        except ValidationError as error:
            context["refused"] = error.messages[0]
            return render(request, CONFIRM, context, status=422)
        context["outcome"] = outcome
        return render(request, CONFIRM, context)
    context["problem"] = rsvp_open_problem(pending.action)
    return render(request, CONFIRM, context)


def _gone(request: HttpRequest) -> HttpResponse:
    return link_invalid(
        request,
        message=_(
            "This link has expired or was already used. Nothing was changed. If you still "
            "want to answer, use the action's page or the link in your invitation."
        ),
    )
