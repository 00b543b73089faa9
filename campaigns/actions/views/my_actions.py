"""My actions: a member's invitations, their answers in one tap, and their calendar.

Everything here is the member's own: the actions their person may see (see
campaigns.actions.selectors.my_actions), never who else is coming. A login with no person behind it
gets a page saying so, not a 404: it is their own page, only empty.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from campaigns.access import person_of_user
from campaigns.actions.forms.actions import RsvpForm
from campaigns.actions.selectors.my_actions import (
    MyAction,
    my_action_for_user,
    my_action_of,
    my_actions_build,
)
from campaigns.actions.services import calendar as calendars
from campaigns.actions.services.rsvps import RsvpOutcome, rsvp_set
from campaigns.models import Rsvp
from members.http import AuthedHttpRequest
from members.models import Person
from members.ratelimits import LINKS, rate_limit
from organizing.http import next_url

PAGES = "campaigns/actions/my_actions"


@dataclass(frozen=True)
class Flash:
    """What a card says after an answer: success, warning (waitlist) or error."""

    level: str
    text: str


@login_required
@require_GET
def my_actions(request: AuthedHttpRequest) -> HttpResponse:
    """Invitations waiting for an answer, what is coming, the recent past, and the calendar."""
    person = person_of_user(request.user)
    if person is None:
        return render(request, f"{PAGES}/my_actions.html", {"person": None})
    return render(request, f"{PAGES}/my_actions.html", _page_context(request, person))


@login_required
@require_POST
def my_rsvp(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """Answer (or change an answer). htmx gets the card back, or every list when the card moves
    from one list to another; without JavaScript the page reloads."""
    person = person_of_user(request.user)
    if person is None:
        raise Http404
    mine = my_action_of(person, action_id)
    form = _card_form(mine, request.POST)
    flash, status = _answer(request, form, mine, person)
    # After a refused answer the card keeps what was typed; after an answer, a fresh form.
    answered = (action_id, flash, form if status != 200 else None)
    if not request.htmx:
        if status == 200:
            messages.add_message(request, _LEVELS[flash.level], flash.text)
            return redirect(next_url(request, reverse("my_actions")) + f"#my-action-{action_id}")
        context = _page_context(request, person, answered=answered)
        return render(request, f"{PAGES}/my_actions.html", context, status=status)
    after = _dress(my_action_of(person, action_id), answered)
    if after.section == mine.section:
        return render(request, f"{PAGES}/_card.html", {"mine": after}, status=status)
    context = _page_context(request, person, answered=answered)
    response = render(request, f"{PAGES}/_lists.html", context, status=status)
    return reswap(retarget(response, "#my-actions-lists"), "outerHTML")


@login_required
@require_GET
def action_ics(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """One action for the member's calendar app."""
    mine = my_action_for_user(request.user, action_id)
    body = calendars.calendar_ics([(mine.action, _action_url(request, action_id))])
    return calendar_response(body, filename=f"action-{action_id}.ics")


@require_GET
@rate_limit(LINKS)
def calendar_feed(request: HttpRequest, feed_key: str) -> HttpResponse:
    """A person's calendar address: no login, the secret key is the access. A deactivated
    user's address answers as an unknown one does (404): it ended with their access."""
    feed = get_object_or_404(calendars.calendar_feeds_working(), key=feed_key)
    actions = calendars.calendar_feed_actions(feed.person)
    body = calendars.calendar_ics(
        [(action, _action_url(request, action.pk)) for action in actions], name=_("My actions")
    )
    return calendar_response(body)


@login_required
@require_POST
def calendar_feed_rotate(request: AuthedHttpRequest) -> HttpResponse:
    """A new calendar address; the old one stops working."""
    person = person_of_user(request.user)
    if person is None:
        raise Http404
    calendars.calendar_feed_rotate(person=person)
    messages.success(
        request,
        _(
            "Your calendar has a new address. Add it to your calendar app again: the old one no "
            "longer works."
        ),
    )
    return redirect(reverse("my_actions") + "#my-calendar")


# --- Helpers -------------------------------------------------------------------------------------

_LEVELS = {"success": messages.SUCCESS, "warning": messages.WARNING, "error": messages.ERROR}


def _answer(
    request: HttpRequest, form: RsvpForm, mine: MyAction, person: Person
) -> tuple[Flash, int]:
    """Record the answer; the card's message and the response status."""
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return Flash("error", str(first)), 422
    data = form.cleaned_data
    guests = data["guests"]
    if guests is None:
        guests = mine.rsvp.guests if mine.rsvp else 0
    try:
        outcome = rsvp_set(
            action=mine.action,
            person=person,
            response=data["response"],
            source=Rsvp.Source.APP,
            guests=guests,
            note=data["note"] if "note" in request.POST else None,
        )
    except ValidationError as error:
        return Flash("error", error.messages[0]), 422
    return _outcome_flash(outcome), 200


def _outcome_flash(outcome: RsvpOutcome) -> Flash:
    if outcome.waitlisted:
        return Flash(
            "warning",
            _("It is full, so you are on the waitlist. We will tell you if a place opens up."),
        )
    response = outcome.rsvp.response
    if response == Rsvp.Response.YES:
        return Flash("success", _("Thanks! You are on the list."))
    if response == Rsvp.Response.MAYBE:
        return Flash("success", _("Thanks. We have you down as a maybe."))
    return Flash("success", _("Thanks for letting us know you can't come."))


def _page_context(request: HttpRequest, person: Person, *, answered: tuple | None = None) -> dict:
    my = my_actions_build(person)
    for mine in [*my.invited, *my.upcoming, *my.past]:
        _dress(mine, answered)
    feed = calendars.calendar_feed_get(person=person)
    feed_url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.key]))
    return {
        "person": person,
        "my": my,
        "feed_url": feed_url,
        "webcal_url": "webcal://" + feed_url.split("://", 1)[1],
    }


def _card_form(mine: MyAction, data: QueryDict | None = None) -> RsvpForm:
    """The card's form, its ids unique on a page of many cards."""
    rsvp = mine.rsvp
    initial = {"guests": rsvp.guests if rsvp else 0, "note": rsvp.note if rsvp else ""}
    return RsvpForm(data, initial=initial, auto_id=f"rsvp-{mine.action.pk}-%s")


def _dress(mine: MyAction, answered: tuple[int, Flash, RsvpForm | None] | None) -> MyAction:
    """Give a card its form, and the message of the answer just made if it is this card's."""
    mine.form = _card_form(mine)
    if answered is not None and answered[0] == mine.action.pk:
        mine.flash = answered[1]
        mine.form = answered[2] or mine.form
    return mine


def _action_url(request: HttpRequest, action_id: int) -> str:
    return request.build_absolute_uri(reverse("my_actions") + f"#my-action-{action_id}")


def calendar_response(body: bytes, *, filename: str | None = None) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Robots-Tag"] = "noindex"
    patch_cache_control(response, private=True, no_store=True)
    return response
