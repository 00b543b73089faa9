"""Snoozing a nudge: from the email's signed link (no login: opening it changes nothing, one
POST snoozes) or from My list ("Snooze a week" on an overdue follow-up)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.access import campaign_for_user
from campaigns.models import FollowUp, OutboxMessage
from campaigns.nudges.services.snooze import (
    LinkInvalid,
    nudge_snooze,
    snooze_from_link,
    snooze_link_resolve,
)
from members.http import AuthedHttpRequest
from members.ratelimits import LINKS, rate_limit
from organizing.http import link_invalid, next_url

PAGES = "campaigns/nudges"


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit(LINKS)
def nudge_snooze_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (mail scanners open every link), POST snoozes. The page names no one: whoever
    holds the link sees only what kind of nudge it is."""
    try:
        message, follow_up = snooze_link_resolve(token)
    except LinkInvalid:
        return link_invalid(
            request,
            message=_(
                "It may have been copied only in part, or it is too old. You can snooze "
                "follow-ups from My list."
            ),
        )
    context = {
        "kind": message.get_kind_display(),
        "one_item": follow_up is not None or message.person_id is not None,
    }
    if request.method == "POST":
        context["snooze"] = snooze_from_link(message=message, follow_up=follow_up)
    return render(request, f"{PAGES}/snooze.html", context)


@login_required
@require_POST
def follow_up_snooze(
    request: AuthedHttpRequest, campaign_id: int, follow_up_id: int
) -> HttpResponse:
    """Leave an overdue follow-up out of my digests for a week (it stays on My list)."""
    access = campaign_for_user(request.user, campaign_id)
    follow_up = get_object_or_404(FollowUp, pk=follow_up_id, campaign=access.campaign)
    mine = follow_up.organizer_id == request.user.pk
    kind = OutboxMessage.Kind.ORGANIZER_DIGEST if mine else OutboxMessage.Kind.LEAD_DIGEST
    nudge_snooze(user=request.user, kind=kind, follow_up=follow_up)
    messages.success(request, _("Snoozed for a week: it is left out of your morning emails."))
    return redirect(next_url(request, reverse("my_list")))
