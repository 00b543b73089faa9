"""Closing a follow-up that no conversation will close."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.access import campaign_for_user, can_read_next_step
from campaigns.conversations.forms.followups import FollowUpCloseForm
from campaigns.conversations.services.followups import follow_up_close as follow_up_close_service
from campaigns.models import FollowUp
from members.http import AuthedHttpRequest
from organizing.http import next_url


@login_required
@require_http_methods(["GET", "POST"])
def follow_up_close(
    request: AuthedHttpRequest, campaign_id: int, follow_up_id: int
) -> HttpResponse:
    """Close a follow-up that no conversation will close: done some other way, moved away,
    quit, or asked not to be contacted (which also marks the person do-not-contact)."""
    access = campaign_for_user(request.user, campaign_id)
    follow_up = get_object_or_404(
        FollowUp.objects.select_related("person", "organizer"),
        pk=follow_up_id,
        campaign=access.campaign,
    )
    fallback = reverse("person_detail", args=[follow_up.person_id])
    form = FollowUpCloseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and follow_up.closed_at is not None:
        messages.info(request, _("This follow-up was already closed."))
        return redirect(next_url(request, fallback))
    if request.method == "POST" and form.is_valid():
        follow_up_close_service(
            follow_up=follow_up,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"].strip(),
            by=request.user,
        )
        messages.success(request, _("Follow-up closed."))
        return redirect(next_url(request, fallback))
    context = {"campaign": access.campaign, "access": access, "follow_up": follow_up}
    context["next_step_visible"] = can_read_next_step(access, follow_up)
    context.update(form=form, next=next_url(request, ""))
    status = 422 if form.errors else 200
    return render(request, "campaigns/conversations/follow_up_close.html", context, status=status)
