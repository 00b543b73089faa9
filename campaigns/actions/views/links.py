"""The page an invitation email links to: answer yes, maybe or no without logging in.

The opaque token in the URL is the key (services.links: it names no one and no id, and stops
working when the person is taken off the roster or marked do-not-contact). Opening the page
changes nothing, since mail scanners open every link; one POST answers.

No CSRF check: a forged POST would need the token, and whoever has the token can answer
without a browser anyway. So the page sets no cookie, and a member whose mail app opens
links in a browser that keeps no cookies can still answer.
"""

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.actions.forms.actions import RsvpForm
from campaigns.actions.selectors.actions import action_local_context
from campaigns.actions.services import calendar as calendars
from campaigns.actions.services.links import (
    LinkExpired,
    LinkInvalid,
    rsvp_link_answer_simple,
    rsvp_link_resolve,
)
from campaigns.actions.services.rsvps import rsvp_open_problem, rsvp_set
from campaigns.actions.views.my_actions import calendar_response
from campaigns.models import Rsvp
from members.language import for_link_page
from members.ratelimits import LINKS, rate_limit
from organizing.http import link_invalid

PAGES = "campaigns/actions/links"
ANSWERED = "answered"  # set on the page an answer redirects to: it says what was saved


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit(LINKS)
def rsvp_link(request: HttpRequest, rsvp_token: str) -> HttpResponse:
    """Show the action and the current answer; POST answers (source "email").

    The common answer (an open action without a capacity) is saved in one statement and
    redirects to this page, which then says what was saved; anything else (a full action,
    a closed one, bad input) is answered on the page at once."""
    if request.method == "POST" and (answered := _answer_simply(request, rsvp_token)):
        return answered
    try:
        rsvp = rsvp_link_resolve(rsvp_token)
    except (LinkInvalid, LinkExpired) as problem:
        return _link_problem(request, problem)
    # The page speaks the language the email was written in.
    with for_link_page(request, rsvp.person.preferred_language):
        return _answer(request, rsvp, rsvp_token)


def _link_problem(request: HttpRequest, problem: LinkInvalid | LinkExpired) -> HttpResponse:
    """Why the link cannot be used: for an action that is over (410), or anything else (404):
    not ours, ended, or its person no longer on the list. Those look the same, so a link
    that stopped working tells its holder nothing about the person."""
    if isinstance(problem, LinkExpired):
        return link_invalid(
            request,
            title=_("Link expired"),
            heading=_("This link has expired"),
            message=_(
                "The action it was for is over. If you think this is a mistake, ask the "
                "organizer who invited you."
            ),
            status=410,
        )
    return link_invalid(
        request,
        message=_(
            "It may have been copied only in part, or it no longer works. Open the link from "
            "the latest email, or ask the organizer who invited you."
        ),
    )


def _answer_simply(request: HttpRequest, token: str) -> HttpResponse | None:
    """Save a clean answer in one statement and redirect; None leaves everything else (bad
    input, a full or closed action, a bad link) to the page, which explains."""
    try:
        answer = _cleaned(request.POST)
    except ValidationError:
        return None
    if not rsvp_link_answer_simple(
        token=token,
        response=answer["response"],
        source=Rsvp.Source.EMAIL,
        guests=answer["guests"] or 0,
        note=answer["note"],
    ):
        return None
    return HttpResponseRedirect(f"{request.path}?{ANSWERED}=1", status=303)


def _cleaned(data) -> dict:
    """What RsvpForm would clean, by its own fields, without building a form (which
    copies every field): the quick path needs no error messages, only a clean answer or a
    ValidationError."""
    return {
        name: field.clean(field.widget.value_from_datadict(data, {}, name))
        for name, field in RsvpForm.base_fields.items()
    }


def _answer(request: HttpRequest, rsvp: Rsvp, token: str) -> HttpResponse:
    problem = rsvp_open_problem(rsvp.action)
    if request.method == "GET" or problem:
        form = RsvpForm(initial={"guests": rsvp.guests or None, "note": rsvp.note})
        status = 409 if request.method == "POST" else 200
        answered = request.method == "GET" and request.GET.get(ANSWERED) == "1"
        return _page(request, rsvp, token, form, problem=problem, status=status, answered=answered)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        return _page(request, rsvp, token, form, status=422)
    try:
        outcome = rsvp_set(
            action=rsvp.action,
            person=rsvp.person,
            response=form.cleaned_data["response"],
            source=Rsvp.Source.EMAIL,
            guests=form.cleaned_data["guests"] or 0,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        if error.code == "closed":
            return _page(request, rsvp, token, form, problem=error.messages[0], status=409)
        form.add_error(None, error)
        return _page(request, rsvp, token, form, status=422)
    answer = outcome.rsvp
    answer.action = rsvp.action  # the one loaded with its campaign: no query to show it
    return _page(request, answer, token, form, answered=True)


def _page(
    request: HttpRequest,
    rsvp: Rsvp,
    token: str,
    form: RsvpForm,
    *,
    problem: str | None = None,
    answered: bool = False,
    status: int = 200,
) -> HttpResponse:
    action = rsvp.action
    context = {
        **action_local_context(action),
        "rsvp": rsvp,
        "form": form,
        "problem": problem,
        "answered": answered,
        "token": token,
    }
    with timezone.override(ZoneInfo(action.time_zone)):  # times shown where the action happens
        return render(request, f"{PAGES}/answer.html", context, status=status)


@require_GET
@rate_limit(LINKS)
def rsvp_link_ics(request: HttpRequest, rsvp_token: str) -> HttpResponse:
    """The action for the person's calendar app, from the same link: no login either."""
    try:
        rsvp = rsvp_link_resolve(rsvp_token)
    except (LinkInvalid, LinkExpired) as problem:
        return _link_problem(request, problem)
    link = request.build_absolute_uri(reverse("rsvp_link", args=[rsvp_token]))
    with for_link_page(request, rsvp.person.preferred_language):  # as the email was written
        body = calendars.calendar_ics([(rsvp.action, link)])
    return calendar_response(body, filename="action.ics")  # no id, in the file name either
