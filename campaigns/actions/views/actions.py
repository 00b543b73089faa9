"""Running actions: the list, setting one up, its page with who is coming, cancelling it, and
inviting people to it."""

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.access import action_for_user, action_people_named_to
from campaigns.actions.forms.actions import (
    ActionForm,
    InviteForm,
    PersonIds,
    initial_for_new,
    initial_from,
)
from campaigns.actions.selectors import actions as selectors
from campaigns.actions.selectors.actions import InviteCriteria
from campaigns.actions.services import actions as services
from campaigns.actions.services import rsvps
from campaigns.actions.services.reminders import MAX_REMINDERS
from campaigns.models import Action
from members.audit import client_ip
from members.http import AuthedHttpRequest
from members.models import Committee, Tag

PAGES = "campaigns/actions"


@login_required
@require_GET
def action_list(request: AuthedHttpRequest) -> HttpResponse:
    """Upcoming and past actions the user may run."""
    if selectors.action_committee(request.user) is None:
        raise Http404
    context = {"actions": selectors.actions_for_list(request.user), "now": timezone.now()}
    return render(request, f"{PAGES}/action_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_create(request: AuthedHttpRequest) -> HttpResponse:
    """Set an action up, on a campaign (?campaign=<id> picks it) or committee-wide."""
    committee = selectors.action_committee(request.user)
    if committee is None:
        raise Http404
    campaigns = selectors.action_campaigns(request.user, committee)
    campaign_id = _int(request.GET.get("campaign"))
    preselected = campaigns.filter(pk=campaign_id).first() if campaign_id is not None else None
    form = _action_form(request, committee, campaigns, initial=initial_for_new(preselected))
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                committee=committee,
                campaign=form.cleaned_data["campaign"],
                data=form.action_data(),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Created the action. Now invite people to it."))
            _warn_if_nowhere(request, form)
            return redirect("action_detail", action_id=action.pk)
    return _render_form(request, form)


@login_required
@require_http_methods(["GET", "POST"])
def action_edit(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """Change an action's details or time; a cancelled action is left as it was. Only a
    committee lead changes a committee-wide action (403 for organizers)."""
    action = action_for_user(request.user, action_id, change=True)
    if action.is_cancelled:
        messages.error(request, _("This action was cancelled: it can no longer be edited."))
        return redirect("action_detail", action_id=action.pk)
    campaigns = selectors.action_campaigns(request.user, action.committee)
    if action.campaign_id is not None:
        campaigns = campaigns.filter(pk=action.campaign_id)
    form = _action_form(
        request, action.committee, campaigns, initial=initial_from(action), action=action
    )
    if request.method == "POST" and form.is_valid():
        try:
            moved = services.action_update(
                action=action, data=form.action_data(), by=request.user, ip=client_ip(request)
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if moved:
                messages.success(
                    request,
                    _("Saved. The time changed: everyone who said yes or maybe gets an "
                      "email with the new time, and their reminders move with it."),
                )  # fmt: skip
            else:
                messages.success(request, _("Saved the action."))
            _warn_if_nowhere(request, form)
            return redirect("action_detail", action_id=action.pk)
    return _render_form(request, form, action=action)


@login_required
@require_http_methods(["GET", "POST"])
def action_cancel(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """Asks first; cancelling keeps the action, marked cancelled, and is audited. Only a
    committee lead cancels a committee-wide action (403 for organizers)."""
    action = action_for_user(request.user, action_id, change=True)
    if request.method == "POST":
        try:
            cancelled = services.action_cancel(
                action=action, by=request.user, ip=client_ip(request)
            )
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
        else:
            if cancelled:
                messages.success(request, _("Cancelled the action."))
            else:
                messages.info(request, _("This action was already cancelled."))
        return redirect("action_detail", action_id=action.pk)
    context = {
        "action": action,
        "counts": selectors.action_counts(action),
        "over": services.action_is_over(action),
    }
    return render(request, f"{PAGES}/action_cancel.html", context)


@login_required
@require_GET
def action_detail(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """When, where and what; who is coming in numbers; the invitees, a page at a time,
    filtered by answer and searched by name (the list alone for htmx). On a committee-wide
    action an organizer names only the people of their own campaigns; the rest are counts."""
    action = action_for_user(request.user, action_id)
    named = action_people_named_to(request.user, action, person="person_id")
    show = request.GET.get("show", "")
    show = show if show in selectors.SHOW else ""
    query = request.GET.get("q", "")[:100]
    context = {
        "action": action,
        "show": show,
        "query": query,
        "invitees": selectors.invitees(
            action, show=show, query=query, page=request.GET.get("page", 1), named=named
        ),
        "others": selectors.other_people(action, named),
    }
    if request.htmx and request.htmx.target == "invitees":
        return render(request, f"{PAGES}/_invitees.html", context)
    context |= {
        "counts": selectors.action_counts(action),
        "closed": rsvps.rsvp_open_problem(action),
        "started": action.starts_at <= timezone.now(),
        "over": services.action_is_over(action),
        "site_url": settings.SITE_URL,
        # may_change_action without asking again: named is None only for a lead (or a
        # campaign's action, which whoever runs it may change).
        "can_change": action.campaign_id is not None or named is None,
    }
    return render(request, f"{PAGES}/action_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def action_invite(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """Choose whom to invite, see how many that is, then send. GET with the form's fields
    (or htmx on every change) shows the count; POST invites."""
    action = action_for_user(request.user, action_id)
    problem = rsvps.rsvp_open_problem(action)
    if problem:
        messages.error(request, _("No invitations now: %(why)s") % {"why": problem})
        return redirect("action_detail", action_id=action.pk)
    form = _invite_form(request, action)
    preview = None
    if form.is_bound and form.is_valid():
        people = selectors.invite_matching(request.user, action, form.criteria())
        if request.method == "POST":
            count = rsvps.action_invite(
                action=action,
                people=selectors.invite_recipients(action, people),
                by=request.user,
            )
            messages.success(request, _invited_message(count))
            return redirect("action_detail", action_id=action.pk)
        preview = selectors.invite_preview(action, people)
    elif not form.is_bound and action.campaign_id is not None:
        everyone = InviteCriteria(who="group", campaign=action.campaign)
        preview = selectors.invite_preview(
            action, selectors.invite_matching(request.user, action, everyone)
        )
    context = {"action": action, "form": form, "preview": preview}
    if request.htmx and request.htmx.target == "invite-preview":
        return render(request, f"{PAGES}/_invite_preview.html", context)
    data = request.POST if request.method == "POST" else request.GET
    context["picked"] = selectors.people_picked(request.user, action, _ids(data.getlist("person")))
    status = 422 if form.errors and request.method == "POST" else 200
    return render(request, f"{PAGES}/action_invite.html", context, status=status)


@login_required
@require_GET
def action_invite_search(request: AuthedHttpRequest, action_id: int) -> HttpResponse:
    """People to pick one by one, by name; those already picked stay ticked."""
    action = action_for_user(request.user, action_id)
    query = request.GET.get("q", "")[:100]
    picked = selectors.people_picked(request.user, action, _ids(request.GET.getlist("person")))
    found = [
        person
        for person in selectors.invite_search(request.user, action, query)
        if person not in picked
    ]
    context = {"action": action, "query": query, "picked": picked, "found": found}
    return render(request, f"{PAGES}/_invite_search.html", context)


# --- Helpers ------------------------------------------------------------------------------------


def _ids(values: list[str]) -> list[int]:
    return PersonIds().to_python(values)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _action_form(request, committee: Committee, campaigns, *, initial: dict, action=None):
    kwargs = {
        "committee": committee,
        "campaigns": campaigns,
        "sites": selectors.action_sites(campaigns),
        "action": action,
    }
    if request.method == "POST":
        # The initial values still count: a disabled field (the campaign, when editing) keeps it.
        return ActionForm(request.POST, initial=initial, **kwargs)
    return ActionForm(initial=initial, **kwargs)


def _render_form(request: HttpRequest, form: ActionForm, action: Action | None = None):
    context = {
        "form": form,
        "action": action,
        "committee_zone": form.committee.time_zone,
        "max_reminders": MAX_REMINDERS,
    }
    status = 422 if form.errors else 200
    return render(request, f"{PAGES}/action_form.html", context, status=status)


def _warn_if_nowhere(request: HttpRequest, form: ActionForm) -> None:
    if form.has_no_place:
        messages.warning(
            request, _("The action has no address and no video link yet: add one before inviting.")
        )


def _invite_form(request: AuthedHttpRequest, action: Action) -> InviteForm:
    campaigns = selectors.invite_campaigns(request.user, action)
    form = partial(
        InviteForm,
        campaigns=campaigns,
        units=selectors.invite_units(campaigns),
        tags=Tag.objects.filter(committee_id=action.committee_id).order_by("name"),
        fixed=action.campaign_id is not None,
    )
    if request.method == "POST":
        return form(request.POST)
    if "who" in request.GET:
        return form(request.GET)
    return form(initial={"who": "group", "campaign": action.campaign_id})


def _invited_message(count: int) -> str:
    if count == 0:
        return _("Everyone you picked was invited already: no new invitations.")
    return ngettext(
        "Invited %(count)d person; their email is on the way.",
        "Invited %(count)d people; their emails are on the way.",
        count,
    ) % {"count": count}
