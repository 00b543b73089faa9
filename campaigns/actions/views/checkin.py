"""At the door and afterwards: the check-in list on a phone, walk-ins, turnout and close-out.

Every view goes through action_for_user: only those who may run the action (its campaign's
team, the committee's leads; organizers for committee-wide actions) see who is coming. On a
committee-wide action an organizer names, finds and checks in only the people of their own
campaigns and the walk-ins they added (campaigns.access.action_people_named_to); the others
show as counts.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from campaigns.access import action_for_user, action_people_named_to
from campaigns.actions.forms.checkin import AttendanceForm, WalkInForm
from campaigns.actions.selectors import checkin as selectors
from campaigns.actions.selectors import turnout
from campaigns.actions.selectors.actions import other_people
from campaigns.actions.services import checkin as services
from campaigns.models import Action
from campaigns.roster.matching import MatchingLimited
from members.http import AuthedHttpRequest
from organizing.http import HtmxHttpRequest, next_url

PAGES = "campaigns/actions/checkin"
QUERY_MAX = 100


@login_required
@require_GET
@vary_on_headers("HX-Request")
def action_checkin(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """The door: who is expected, a name search, one tap to check someone in."""
    action = action_for_user(request.user, action_id)
    named = action_people_named_to(request.user, action, person="person_id")
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    if query:
        rows = selectors.search_list(action, query, user=request.user, named=named)
    else:
        rows = selectors.expected(action, named)
    context = {
        **_action_context(action),
        "query": query,
        "rows": rows,
        "others": other_people(action, named),
        "count": selectors.checked_in_count(action),
        "problem": services.checkin_problem(action),
    }
    if _partial(request):
        return render(request, f"{PAGES}/_list.html", context)
    return render(request, f"{PAGES}/checkin.html", context)


@login_required
@require_POST
def action_checkin_person(
    request: AuthedHttpRequest, action_id: int, person_id: int
) -> HttpResponse:
    """Check someone in, or undo it (the same button); the turnout page sends `attended` to
    set came / no-show outright. htmx gets the row back with the new count."""
    action = action_for_user(request.user, action_id)
    person = selectors.person_for_checkin(
        action=action,
        user=request.user,
        person_id=person_id,
        named=action_people_named_to(request.user, action),
    )
    if person is None:
        raise Http404
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    back = next_url(request, reverse("action_checkin", args=[action.pk]))
    try:
        if form.cleaned_data["attended"]:
            services.attendance_set(
                action=action, person=person, attended=form.value(), by=request.user
            )
        else:
            services.checkin_toggle(action=action, person=person, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return HttpResponseClientRedirect(back) if request.htmx else redirect(back)
    if not request.htmx:
        return redirect(back)
    context = {
        **_action_context(action),
        "row": selectors.checkin_row(action, person),
        "count": selectors.checked_in_count(action),
        "next_path": back,
        "oob": True,
    }
    return render(request, f"{PAGES}/_row.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def action_walk_in(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """Someone not on the list: find them among the committee's people, or add them."""
    action = action_for_user(request.user, action_id)
    problem = services.checkin_problem(action)
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    form = WalkInForm(request.POST if request.method == "POST" else None, initial=_name_of(query))
    if request.method == "POST" and not problem and form.is_valid():
        try:
            services.walk_in_add(action=action, **form.cleaned_data, by=request.user)
        except MatchingLimited as refused:
            form.add_error(None, refused)
        else:
            # The name as typed (a match the organizer may not see is never named).
            name = " ".join(
                part
                for part in (form.cleaned_data["given_name"], form.cleaned_data["family_name"])
                if part
            )
            messages.success(request, _("%(name)s is checked in as a walk-in.") % {"name": name})
            return redirect("action_checkin", action_id=action.pk)
    results = selectors.search_walk_in(
        action=action,
        user=request.user,
        query=query,
        named=action_people_named_to(request.user, action),
    )
    context = {
        **_action_context(action),
        "query": query,
        "results": results,
        "form": form,
        "problem": problem,
        "count": selectors.checked_in_count(action),
    }
    if _partial(request) and request.method == "GET":
        return render(request, f"{PAGES}/_walk_in_results.html", context)
    status = 422 if form.errors or (request.method == "POST" and problem) else 200
    return render(request, f"{PAGES}/walk_in.html", context, status=status)


@login_required
@require_GET
def action_turnout(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """Who was invited, who answered what, who came, and by assessment as of the action."""
    action = action_for_user(request.user, action_id)
    named = action_people_named_to(request.user, action, person="person_id")
    context = {
        **_action_context(action),
        "turnout": turnout.rsvp_counts(action),
        "levels": turnout.turnout_by_level(action=action, user=request.user),
        "people": selectors.attendance_list(action, named),
        "others": other_people(action, named),
        "started": selectors.has_started(action, timezone.now()),
        "committee_wide": action.campaign_id is None,
    }
    return render(request, f"{PAGES}/turnout.html", context)


@login_required
@require_POST
def action_close_out(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """Everyone who said yes and was not checked in becomes a no-show."""
    action = action_for_user(request.user, action_id)
    try:
        count = services.action_close_out(action=action, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        text = ngettext(
            "Closed out: %(count)d no-show recorded.",
            "Closed out: %(count)d no-shows recorded.",
            count,
        )
        messages.success(request, text % {"count": count})
    return redirect("action_turnout", action_id=action.pk)


def _partial(request: HtmxHttpRequest) -> bool:
    """htmx asked for the results alone (not when it restores a page from history)."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _name_of(query: str) -> dict:
    """What was searched, as the new person's name (unless it was a phone number): the
    organizer types the name once."""
    if not query or any(char.isdigit() for char in query):
        return {}
    given, _space, family = query.partition(" ")
    return {"given_name": given, "family_name": family}


def _action_context(action: Action) -> dict:
    return {"action": action, "campaign": action.campaign}
