"""Logging a one-on-one from a phone, editing or deleting it, and finding whom to log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from campaigns.access import (
    CampaignAccess,
    campaign_for_user,
    can_change_conversation,
    conversation_for_user,
)
from campaigns.forms_conversations import ConversationForm, initial_for_new, initial_from
from campaigns.models import Conversation, RosterEntry
from campaigns.selectors import conversations as selectors
from campaigns.services import conversations as services
from campaigns.services.log_form import asks_ensure_defaults, issue_tag_find_or_create
from organizing.http import next_url

PAGES = "campaigns/conversations"
SAVED_DRAFTS = "log_saved_drafts"  # session key: draft tokens the server has saved


@login_required
@require_http_methods(["GET", "POST"])
def conversation_new(request: HttpRequest, campaign_id: int, person_id: int) -> HttpResponse:
    """The one-on-one form for someone on the campaign's roster; one tap saves it."""
    access = campaign_for_user(request.user, campaign_id)
    entry = selectors.active_entry(access.campaign, person_id)
    form = _form(request, access, entry, initial=initial_for_new(selectors.entry_time_zone(entry)))
    if request.method == "POST" and form.is_valid():
        services.conversation_log(
            campaign=access.campaign,
            person=entry.person,
            organizer=request.user,
            data=form.conversation_data(new_issue=_new_issue(access, form)),
        )
        _remember_saved_draft(request)
        messages.success(
            request, _("Logged your conversation with %(name)s.") % {"name": entry.person}
        )
        return _go(request, reverse("person_detail", args=[entry.person_id]))
    return _render_form(request, access, entry, form)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_edit(request: HttpRequest, campaign_id: int, conversation_id: int) -> HttpResponse:
    """Its author or a lead corrects a logged conversation; the assessment is recomputed."""
    access, conversation = _changeable(request, campaign_id, conversation_id)
    entry = selectors.active_entry(access.campaign, conversation.person_id)
    tz = selectors.entry_time_zone(entry)
    form = _form(request, access, entry, initial=initial_from(conversation, tz), plan=False)
    if request.method == "POST" and form.is_valid():
        services.conversation_update(
            conversation=conversation,
            data=form.conversation_data(new_issue=_new_issue(access, form)),
            by=request.user,
        )
        messages.success(
            request, _("Saved the conversation with %(name)s.") % {"name": entry.person}
        )
        return _go(request, reverse("person_detail", args=[entry.person_id]))
    return _render_form(request, access, entry, form, conversation=conversation)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_delete(
    request: HttpRequest, campaign_id: int, conversation_id: int
) -> HttpResponse:
    """Asks first; deleting is audited and the assessment is recomputed without it."""
    access, conversation = _changeable(request, campaign_id, conversation_id)
    if request.method == "POST":
        person_id = conversation.person_id
        services.conversation_delete(conversation=conversation, actor=request.user, request=request)
        messages.success(request, _("Deleted the conversation."))
        return _go(request, reverse("person_detail", args=[person_id]))
    context = {"campaign": access.campaign, "access": access, "conversation": conversation}
    return render(request, f"{PAGES}/conversation_delete.html", context)


@login_required
@require_GET
def log_search(request: HttpRequest) -> HttpResponse:
    """The "Log a one-on-one" search: find the person across my campaigns by name or phone."""
    if not selectors.may_log(request.user):
        raise Http404
    query = request.GET.get("q", "")[:100]
    context = {"query": query, "results": selectors.people_to_log(user=request.user, query=query)}
    if request.htmx:
        return render(request, f"{PAGES}/_log_results.html", context)
    return render(request, f"{PAGES}/log_search.html", context)


def _changeable(
    request: HttpRequest, campaign_id: int, conversation_id: int
) -> tuple[CampaignAccess, Conversation]:
    access = campaign_for_user(request.user, campaign_id)
    conversation = conversation_for_user(access, conversation_id)
    if not can_change_conversation(access, conversation):
        raise PermissionDenied
    return access, conversation


def _form(
    request: HttpRequest, access: CampaignAccess, entry: RosterEntry, *, initial: dict, **kwargs
) -> ConversationForm:
    kwargs |= {
        "asks": asks_ensure_defaults(campaign=access.campaign),
        "issues": selectors.campaign_issues(access.campaign),
        "tz": selectors.entry_time_zone(entry),
    }
    if request.method == "POST":
        return ConversationForm(request.POST, **kwargs)
    return ConversationForm(initial=initial, **kwargs)


def _new_issue(access: CampaignAccess, form: ConversationForm):
    name = form.cleaned_data["new_issue"].strip()
    return issue_tag_find_or_create(campaign=access.campaign, name=name) if name else None


def _render_form(
    request: HttpRequest,
    access: CampaignAccess,
    entry: RosterEntry,
    form: ConversationForm,
    conversation: Conversation | None = None,
) -> HttpResponse:
    context = {
        "campaign": access.campaign,
        "access": access,
        "entry": entry,
        "person": entry.person,
        "form": form,
        "conversation": conversation,
        "next": next_url(request),
        "saved_drafts": " ".join(request.session.get(SAVED_DRAFTS, [])),
    }
    status = 422 if form.errors else 200
    return render(request, f"{PAGES}/conversation_form.html", context, status=status)


def _remember_saved_draft(request: HttpRequest) -> None:
    """The browser's draft is cleared only once the server has said it saved it, so a
    dropped connection never loses what was typed."""
    token = request.POST.get("draft_token", "")[:64]
    if token:
        request.session[SAVED_DRAFTS] = [*request.session.get(SAVED_DRAFTS, [])[-19:], token]


def _go(request: HttpRequest, default: str) -> HttpResponse:
    target = next_url(request, default)
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
