"""The Power page: the committee's power base now and month by month. Organizers and leads
of the committee; amounts (dues collected, a committee-wide total) to leads only; members and
everyone else 404, as for the overview."""

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from campaigns.models import PowerTarget
from campaigns.power.forms import PowerTargetForm
from campaigns.power.ladder import ladder_rungs
from campaigns.power.money import amount_show
from campaigns.power.power import MonthFigures, TargetShown, power_figures, targets_shown
from members.access import membership_for_user, organizing_membership
from members.clock import today_for
from members.http import AuthedHttpRequest
from members.models import Committee, Membership

# The bar charts' drawing area, in the SVG's own units (it scales to the page).
LEFT, RIGHT, TOP, BOTTOM = 44, 636, 10, 150


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float
    height: float
    y_good: float
    height_good: float
    label: str
    month: MonthFigures


def bars(months: list[MonthFigures], value, inner=None) -> tuple[list[Bar], int]:
    """Bars for `value(month)` (and a darker inner bar for `inner(month)`), with the top of
    the scale."""
    top = max([value(month) for month in months] + [1])
    step = (RIGHT - LEFT) / len(months)
    width = step * 0.7
    drawn = []
    for i, month in enumerate(months):
        height = (BOTTOM - TOP) * value(month) / top
        inner_height = (BOTTOM - TOP) * inner(month) / top if inner else 0
        drawn.append(
            Bar(
                x=round(LEFT + i * step + (step - width) / 2, 1),
                width=round(width, 1),
                y=round(BOTTOM - height, 1),
                height=round(height, 1),
                y_good=round(BOTTOM - inner_height, 1),
                height_good=round(inner_height, 1),
                label=date_format(month.month, "b"),
                month=month,
            )
        )
    return drawn, top


@login_required
def power(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """Who may see it first (anyone else: 404 whatever the method), then GET only."""
    membership = organizing_membership(request.user, committee_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    return _page(request, membership)


def _page(
    request: AuthedHttpRequest,
    membership: Membership,
    target_form: PowerTargetForm | None = None,
) -> HttpResponse:
    committee = membership.committee
    today = today_for(committee)
    figures = power_figures(committee=committee, today=today)
    members_bars, members_top = bars(figures.months, lambda m: m.members, lambda m: m.good)
    show_money = membership.is_lead
    currency = committee.currency
    if target_form is None and membership.is_lead:
        rungs = {rung.rung.kind for rung in figures.ladder}
        target_form = _target_form(committee, today, rungs=rungs)
    targets = PowerTarget.objects.filter(committee=committee)
    if not show_money:
        targets = targets.exclude(measure=PowerTarget.Measure.DUES)
    context = {
        "committee": committee,
        "figures": figures,
        "members_bars": members_bars,
        "members_top": members_top,
        "show_money": show_money,
        "base": BOTTOM,
        "left": LEFT,
        "right": RIGHT,
        "targets": [
            (shown, *_target_texts(shown, currency))
            for shown in targets_shown(figures=figures, targets=list(targets))
        ],
        "target_form": target_form,
        "rows": [
            (month, counts, amount_show(month.dues, currency) if show_money else "")
            for month, counts in figures.rows()
        ],
    }
    if show_money:
        dues_bars, dues_top = bars(figures.months, lambda m: m.dues)
        context |= {
            "dues_bars": dues_bars,
            "dues_top": amount_show(dues_top, currency) if dues_top > 1 else "",
            "dues_now": amount_show(figures.now.dues, currency),
        }
    status = 422 if target_form is not None and target_form.errors else 200
    return render(request, "campaigns/power/power.html", context, status=status)


def _target_form(
    committee: Committee, today: date, data=None, rungs: set[str] | None = None
) -> PowerTargetForm:
    """The kinds of the ladder's rungs are read unless given (the page has them)."""
    if rungs is None:
        rungs = {rung.kind for rung in ladder_rungs(committee)}
    return PowerTargetForm(data, today=today, currency=committee.currency, rungs=rungs)


def _target_texts(shown: TargetShown, currency: str) -> tuple[str, str, str]:
    """The target, now and projected as the reader writes them: amounts for dues."""

    def show(value: int) -> str:
        if shown.target.is_money:
            return amount_show(value, currency)
        return number_format(value, force_grouping=True)

    return show(shown.target.target), show(shown.now), show(shown.projected)


@login_required
@require_POST
def power_target_add(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """A lead sets a target; a bad one is refused on the Power page, with what was typed."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    committee = membership.committee
    form = _target_form(committee, today_for(committee), request.POST)
    if not form.is_valid():
        return _page(request, membership, target_form=form)
    form.instance.committee, form.instance.set_by = committee, request.user
    form.save()
    messages.success(request, _("Target set."))
    return redirect("power", committee_id=committee.pk)


@login_required
@require_POST
def power_target_delete(request: AuthedHttpRequest, committee_id: int, target_id: int):
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    target = get_object_or_404(PowerTarget, committee=membership.committee, pk=target_id)
    target.delete()
    messages.success(request, _("Target removed."))
    return redirect("power", committee_id=committee_id)
