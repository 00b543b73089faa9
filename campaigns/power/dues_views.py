"""The committee's dues page, for its treasurer: the currency, the grace period and lapse
limit, and the dues plans (add, archive, offer again, delete one nobody is on)."""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.models import DuesPlan
from campaigns.power import dues
from campaigns.power.dues_forms import DuesSettingsForm, PlanForm
from campaigns.power.money import amount_show
from members.audit import client_ip
from members.http import AuthedHttpRequest
from members.models import Committee

PLAN_CHANGES = {"archive": dues.plan_archive, "offer": dues.plan_offer, "delete": dues.plan_delete}


@dataclass(frozen=True)
class PlanRow:
    plan: DuesPlan
    amount: str  # as the reader writes money; empty on a sliding scale
    members: int


@login_required
@require_http_methods(["GET", "POST"])
def dues_settings(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """GET: the settings and the plans. POST: one change (the form sent says which), then
    back to the page; a refusal shows the form again as typed, the problem beside it."""
    committee = dues.treasurer_for_user(request.user, committee_id).committee
    sent = request.POST if request.method == "POST" else None
    what = request.POST.get("what", "settings")
    settings_form = DuesSettingsForm(sent if what == "settings" else None, committee=committee)
    plan_form = PlanForm(sent if what == "plan" else None, committee=committee)
    error = ""
    if sent is not None:
        try:
            done = _change(request, committee, what, settings_form, plan_form)
        except ValidationError as refused:
            done, error = None, refused.messages[0]
        if done is not None:
            messages.success(request, done)
            return redirect("dues_settings", committee_id=committee.pk)
    context = {
        "committee": committee,
        "settings_form": settings_form,
        "plan_form": plan_form,
        "error": error,
        **_plans(committee),
    }
    failed = bool(error or settings_form.errors or plan_form.errors)
    return render(request, "campaigns/power/dues.html", context, status=422 if failed else 200)


def _change(
    request: AuthedHttpRequest,
    committee: Committee,
    what: str,
    settings_form: DuesSettingsForm,
    plan_form: PlanForm,
) -> str | None:
    """Make the change asked for; what to say once done, or None when a form was refused
    (its errors say why)."""
    ip = client_ip(request)
    if what in PLAN_CHANGES:
        plan = _plan(committee, request.POST.get("plan", ""))
        PLAN_CHANGES[what](plan=plan, by=request.user, ip=ip)
        return {
            "archive": _("“%(name)s” is archived: members on it keep it; it is not offered."),
            "offer": _("“%(name)s” is offered again."),
            "delete": _("“%(name)s” is deleted."),
        }[what] % {"name": plan.name}
    form = plan_form if what == "plan" else settings_form
    if not form.is_valid():
        return None
    try:
        if what == "plan":
            plan = dues.plan_add(committee=committee, data=plan_form.plan(), by=request.user, ip=ip)
            return _("The plan “%(name)s” is offered to members.") % {"name": plan.name}
        dues.dues_settings_set(
            committee=committee, data=settings_form.settings(), by=request.user, ip=ip
        )
    except ValidationError as refused:
        form.add_error(None, refused)
        return None
    return _("The dues settings are saved.")


def _plan(committee: Committee, value: str) -> DuesPlan:
    if not value.isdigit():
        raise Http404
    return get_object_or_404(DuesPlan, committee=committee, pk=int(value))


def _plans(committee: Committee) -> dict[str, list[PlanRow]]:
    rows = [
        PlanRow(plan, _amount(plan, committee), plan.on)
        for plan in committee.dues_plans.annotate(on=Count("members"))
    ]
    return {
        "offered": [row for row in rows if row.plan.archived_at is None],
        "archived": [row for row in rows if row.plan.archived_at is not None],
    }


def _amount(plan: DuesPlan, committee: Committee) -> str:
    return "" if plan.amount is None else amount_show(plan.amount, committee.currency)
