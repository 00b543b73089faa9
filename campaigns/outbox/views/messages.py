"""The outbox as a committee's leads read it: what is waiting, sent, failed, held back by
consent or no longer needed, with the reasons; and retrying what failed."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from campaigns.models import OutboxMessage
from campaigns.outbox.selectors import outbox_counts, outbox_messages
from campaigns.outbox.services.send import outbox_retry as outbox_retry_service
from members.access import membership_for_user
from members.audit import client_ip
from members.clock import zone_for
from members.http import AuthedHttpRequest
from members.models import Membership
from organizing.http import next_url

PAGE_SIZE = 50


class OutboxFilterForm(forms.Form):
    """The page's filters, from the query string; both may be left empty."""

    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("Any status")), *OutboxMessage.Status.choices],
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("What"),
        required=False,
        choices=[("", gettext_lazy("Anything")), *OutboxMessage.Kind.choices],
    )

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"status": data.get("status") or "", "kind": data.get("kind") or ""}


@login_required
@require_GET
def outbox(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """Every message of the committee, latest due first, 50 to a page: leads only."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    committee = membership.committee
    form = OutboxFilterForm(request.GET)
    filters = form.filters()
    page = Paginator(outbox_messages(committee=committee, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = outbox_counts(committee=committee)
    context = {
        "committee": committee,
        "form": form,
        "page": page,
        "counts": [
            (status, label, counts[status]) for status, label in OutboxMessage.Status.choices
        ],
        "current_status": filters["status"],
        "filtering": any(filters.values()),
    }
    with timezone.override(zone_for(committee)):  # times in the committee's zone
        return render(request, "campaigns/outbox/outbox.html", context)


@login_required
@require_POST
def outbox_retry(request: AuthedHttpRequest, committee_id: int, message_id: int) -> HttpResponse:
    """Put a failed message back in line, to be sent now."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    message = get_object_or_404(OutboxMessage, pk=message_id, committee=membership.committee)
    if outbox_retry_service(
        committee=membership.committee,
        by=request.user,
        message_id=message.pk,
        ip=client_ip(request),
    ):
        messages.success(request, _("The message is back in line: it goes out in a minute."))
    else:
        messages.info(request, _("That message had not failed: nothing to retry."))
    return _back(request, committee_id)


@login_required
@require_POST
def outbox_retry_failed(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """Put every failed message of the committee back in line."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    count = outbox_retry_service(
        committee=membership.committee, by=request.user, ip=client_ip(request)
    )
    text = ngettext(
        "%(count)s message is back in line.", "%(count)s messages are back in line.", count
    )
    messages.success(request, text % {"count": count})
    return _back(request, committee_id)


def _back(request: HttpRequest, committee_id: int) -> HttpResponse:
    return redirect(next_url(request, reverse("outbox", args=[committee_id])))
