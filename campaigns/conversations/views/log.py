"""Logging a one-on-one from a phone, editing or deleting it, and finding whom to log."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from campaigns.access import (
    CampaignAccess,
    campaign_for_user,
    can_change_conversation,
    conversation_for_user,
)
from campaigns.conversations.field import log_key_from
from campaigns.conversations.forms.log import ConversationForm, initial_for_new, initial_from
from campaigns.conversations.selectors import log as selectors
from campaigns.conversations.selectors.mylist import my_list_allowed
from campaigns.conversations.services import log as services
from campaigns.conversations.views.mylist import my_list_refreshed
from campaigns.models import Conversation, RosterEntry
from members.audit import client_ip
from members.http import AuthedHttpRequest
from organizing.http import HtmxHttpRequest, next_url

PAGES = "campaigns/conversations"
SAVED_DRAFTS = "log_saved_drafts"  # session key: draft tokens the server has saved
DRAFT_SAVED = "log-draft-saved"  # htmx event: the server saved this draft, the browser drops it
MY_LIST = "my_list"  # in_place: the form opened under a row of My list, which takes it back
QUEUED = "X-Majority-Queued"  # a log the browser kept and sends now (static/js/field-queue.js)


@login_required
@require_http_methods(["GET", "POST"])
@vary_on_headers("HX-Request")
def conversation_new(request: AuthedHttpRequest, campaign_id: int, person_id: int) -> HttpResponse:
    """The one-on-one form for someone on the campaign's roster; one tap saves it.

    Opened in place from My list (htmx, `in_place=my_list`) it answers with the form alone,
    and a save answers with the list's fresh sections instead of going to another page.
    """
    if request.method == "POST" and request.headers.get(QUEUED):
        return _queued_log(request, campaign_id, person_id)
    access, entry = selectors.log_target(request.user, campaign_id, person_id)
    form = _form(request, access, entry, initial=initial_for_new(selectors.entry_time_zone(entry)))
    if request.method == "POST" and form.is_valid():
        try:
            _save(request, access, entry, form)
        except ValidationError as error:  # e.g. taken off the roster while this was typed
            form.add_error(None, error)
        except (services.LogKeyTaken, services.LogKeyConflict):
            form.add_error(None, _key_refused())
        else:
            _remember_saved_draft(request)
            messages.success(
                request, _("Logged your conversation with %(name)s.") % {"name": entry.person}
            )
            return _logged(request, access, entry)
    return _render_form(request, access, entry, form, in_place=_in_place(request))


def _save(
    request: AuthedHttpRequest, access: CampaignAccess, entry: RosterEntry, form: ConversationForm
) -> bool:
    """Log the form's conversation, once per key when the browser sent one (a double tap, a
    retry after a lost answer): True if this request saved it."""
    campaign, person, data = access.campaign, entry.person, form.conversation_data()
    key = log_key_from(request.POST)
    if key is None:
        services.conversation_log(
            campaign=campaign, person=person, organizer=request.user, data=data, entry=entry
        )
        return True
    return services.conversation_log_once(
        campaign=campaign, person=person, organizer=request.user, data=data, entry=entry, key=key
    )[1]


def _key_refused() -> str:
    return _(
        "A different conversation was already saved from this form. Reload the page to log "
        "another one: what you typed here is kept below."
    )


def _queued_log(request: AuthedHttpRequest, campaign_id: int, person_id: int) -> JsonResponse:
    """A log the browser kept while offline, sent now: the same form and service as a save
    on the page, answered in JSON for static/js/field-queue.js. 201 saved; 200 saved
    already (a replay of its key); 4xx refused, with the reason in the user's language, and
    the browser keeps the log (409: another version was saved under its key; both stay)."""
    try:
        access, entry = selectors.log_target(request.user, campaign_id, person_id)
    except Http404:
        if _saved_before(request, campaign_id, person_id):  # the first answer was lost
            return _answered(person_id, created=False)
        return _refused(
            404,
            "gone",
            _(
                "You can no longer log a one-on-one with this person: they are off the roster, "
                "or you are off the campaign's team."
            ),
        )
    if request.POST.get("queued_by") != str(request.user.pk):
        return _refused(
            403,
            "other_user",
            _("This conversation was typed by another account on this phone, so it was not saved."),
        )
    if log_key_from(request.POST) is None:
        return _refused(
            400,
            "bad_key",
            _(
                "This kept conversation is damaged (its key is missing or wrong): copy what you "
                "need into a new one, and discard it."
            ),
        )
    form = _form(request, access, entry, initial={})
    if not form.is_valid():
        return _refused(422, "invalid", *_form_messages(form))
    try:
        created = _save(request, access, entry, form)
    except ValidationError as error:
        return _refused(422, "invalid", *error.messages)
    except services.LogKeyTaken:
        return _refused(
            403,
            "key_taken",
            _("This kept conversation's key belongs to another account's log, so it was refused."),
        )
    except services.LogKeyConflict:
        return _refused(
            409,
            "conflict",
            _(
                "A different version of this conversation was already saved. Both are kept: the "
                "saved one is on %(name)s's page, and this one stays here until you save it as a "
                "new conversation or discard it."
            )
            % {"name": entry.person},
        )
    if created and request.headers.get(QUEUED) == "now":  # sent the moment Save was tapped
        messages.success(
            request, _("Logged your conversation with %(name)s.") % {"name": entry.person}
        )
    return _answered(entry.person_id, created=created)


def _answered(person_id: int, *, created: bool) -> JsonResponse:
    person_url = reverse("person_detail", args=[person_id])
    return JsonResponse(
        {"result": "saved" if created else "already", "person": person_url},
        status=201 if created else 200,
    )


def _saved_before(request: AuthedHttpRequest, campaign_id: int, person_id: int) -> bool:
    """This very log was saved, by this user, before its person left the roster or the user
    the campaign's team: a replay whose first answer was lost is told it is saved (the phone
    drops it), not refused as if it never could be."""
    key = log_key_from(request.POST)
    return (
        key is not None
        and Conversation.objects.filter(
            client_key=key.key,
            client_digest=key.digest,
            organizer=request.user,
            campaign_id=campaign_id,
            person_id=person_id,
        ).exists()
    )


def _refused(status: int, reason: str, *errors: str) -> JsonResponse:
    return JsonResponse({"result": reason, "errors": list(errors)}, status=status)


def _form_messages(form: ConversationForm) -> list[str]:
    """Each error as the organizer would read it beside the field: "When: …"."""
    lines = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        lines += [f"{label}: {error}" if label else str(error) for error in errors]
    return lines


@login_required
@require_http_methods(["GET", "POST"])
def conversation_edit(
    request: AuthedHttpRequest, campaign_id: int, conversation_id: int
) -> HttpResponse:
    """Its author or a lead corrects a logged conversation; the assessment is recomputed."""
    access, conversation = _changeable(request, campaign_id, conversation_id)
    entry = selectors.active_entry(access.campaign, conversation.person_id)
    tz = selectors.entry_time_zone(entry)
    form = _form(request, access, entry, initial=initial_from(conversation, tz), plan=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.conversation_update(
                conversation=conversation, data=form.conversation_data(), by=request.user
            )
        except ValidationError as error:  # the form checks first; this is the last guard
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Saved the conversation with %(name)s.") % {"name": entry.person}
            )
            return _go(request, reverse("person_detail", args=[entry.person_id]))
    return _render_form(request, access, entry, form, conversation=conversation)


@login_required
@require_http_methods(["GET", "POST"])
def conversation_delete(
    request: AuthedHttpRequest, campaign_id: int, conversation_id: int
) -> HttpResponse:
    """Asks first; deleting is audited and the assessment is recomputed without it."""
    access, conversation = _changeable(request, campaign_id, conversation_id)
    if request.method == "POST":
        person_id = conversation.person_id
        services.conversation_delete(
            conversation=conversation, actor=request.user, ip=client_ip(request)
        )
        messages.success(request, _("Deleted the conversation."))
        return _go(request, reverse("person_detail", args=[person_id]))
    context = {"campaign": access.campaign, "access": access, "conversation": conversation}
    return render(request, f"{PAGES}/conversation_delete.html", context)


@login_required
@require_GET
def log_search(request: AuthedHttpRequest) -> HttpResponse:
    """The "Log a one-on-one" search: find the person across my campaigns by name or phone."""
    if not selectors.may_log(request.user):
        raise Http404
    query = request.GET.get("q", "")[:100]
    context = {"query": query, "results": selectors.people_to_log(user=request.user, query=query)}
    if request.htmx:
        return render(request, f"{PAGES}/_log_results.html", context)
    return render(request, f"{PAGES}/log_search.html", context)


def _changeable(
    request: AuthedHttpRequest, campaign_id: int, conversation_id: int
) -> tuple[CampaignAccess, Conversation]:
    access = campaign_for_user(request.user, campaign_id)
    conversation = conversation_for_user(access, conversation_id)
    if not can_change_conversation(access, conversation):
        raise PermissionDenied
    return access, conversation


def _form(
    request: HttpRequest, access: CampaignAccess, entry: RosterEntry, *, initial: dict, **kwargs
) -> ConversationForm:
    asks, issues = selectors.log_choices(access.campaign)
    kwargs |= {"asks": asks, "issues": issues, "tz": selectors.entry_time_zone(entry)}
    if request.method == "POST":
        return ConversationForm(request.POST, **kwargs)
    return ConversationForm(initial=initial, **kwargs)


def _render_form(
    request: AuthedHttpRequest,
    access: CampaignAccess,
    entry: RosterEntry,
    form: ConversationForm,
    conversation: Conversation | None = None,
    in_place: str = "",
) -> HttpResponse:
    """The page, or for htmx the form alone (opened in place, or re-rendered with errors)."""
    context = {
        "campaign": access.campaign,
        "access": access,
        "entry": entry,
        "person": entry.person,
        "form": form,
        "conversation": conversation,
        "next": next_url(request),
        "in_place": in_place,
        "draft_key": "" if conversation else _draft_key(request, access, entry),
        "saved_drafts": " ".join(request.session.get(SAVED_DRAFTS, [])),
    }
    status = 422 if form.errors else 200
    template = "_form.html" if request.htmx else "conversation_form.html"
    if template == "conversation_form.html" and conversation is None:
        context["follow_ups"] = selectors.open_follow_ups(access, entry)
    return render(request, f"{PAGES}/{template}", context, status=status)


def _in_place(request: HtmxHttpRequest) -> str:
    value = request.POST.get("in_place") or request.GET.get("in_place") or ""
    return value if request.htmx and value == MY_LIST else ""


def _logged(request: AuthedHttpRequest, access: CampaignAccess, entry: RosterEntry) -> HttpResponse:
    """Logged in place: My list's fresh sections, and the browser told to drop the draft it
    sent. Otherwise on to `next` or the person's page."""
    if _in_place(request) != MY_LIST or not my_list_allowed(request.user):
        return _go(request, reverse("person_detail", args=[entry.person_id]))
    response = my_list_refreshed(request)
    token = _draft_token(request)
    if token:
        detail = {"key": _draft_key(request, access, entry), "token": token}
        trigger_client_event(response, DRAFT_SAVED, detail)
    return response


def _draft_key(request: AuthedHttpRequest, access: CampaignAccess, entry: RosterEntry) -> str:
    """The browser's localStorage key for this user's draft log with this person
    (static/js/log-draft.js); static/js/drafts.js drops every other user's."""
    return f"majority-log-draft:{request.user.pk}:{access.campaign.pk}:{entry.person_id}"


def _draft_token(request: HttpRequest) -> str:
    return request.POST.get("draft_token", "")[:64]


def _remember_saved_draft(request: HttpRequest) -> None:
    """The browser's draft is cleared only once the server has said it saved it, so a
    dropped connection never loses what was typed."""
    token = _draft_token(request)
    if token:
        request.session[SAVED_DRAFTS] = [*request.session.get(SAVED_DRAFTS, [])[-19:], token]


def _go(request: HtmxHttpRequest, default: str) -> HttpResponse:
    target = next_url(request, default)
    return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
