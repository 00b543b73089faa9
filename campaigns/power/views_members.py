"""A person's membership and dues, from their page: anyone who may see the person (a lead,
or an organizer of one of their campaigns) records that they joined, changes it, or records
their resignation; only the committee's treasurer sets their plan and records a payment
(everyone else: 404, as for any page they may not see)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.access import person_for_user
from campaigns.models import Member
from campaigns.power import services
from campaigns.power.forms import MemberForm, PaymentForm, PlanForm, ResignForm
from campaigns.power.money import decimals
from campaigns.power.selectors import is_treasurer, person_membership
from members.audit import client_ip
from members.clock import today_for
from members.http import AuthedHttpRequest
from members.models import Person

PAGES = "campaigns/power"


def _person(request: AuthedHttpRequest, person_id: int) -> Person:
    person = person_for_user(request.user, person_id)
    if person.erased_at is not None:  # nothing is written about an erased person again
        raise Http404
    return person


@login_required
@require_http_methods(["GET", "POST"])
def membership_edit(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Record that they joined, or change how and when; the treasurer also sets the plan."""
    person = _person(request, person_id)
    member = Member.objects.filter(person=person).first()
    treasurer = is_treasurer(request.user, person.committee_id)
    currency = person.committee.currency
    data = request.POST if request.method == "POST" else None
    form = MemberForm(data, initial=_member_initial(member, person))
    plan_form = PlanForm(
        data,
        member=member,
        currency=currency,
        committee_id=person.committee_id,
        initial={"plan": member.plan_id} if member else {},
        prefix="dues",
    )
    if request.method == "POST" and form.is_valid() and (not treasurer or plan_form.is_valid()):
        try:
            member = _member_save(request, person, member, form, plan_form if treasurer else None)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Membership saved."))
            return redirect("person_detail", person_id=person.pk)
    context = {
        "person": person,
        "member": member,
        "form": form,
        "plan_form": plan_form if treasurer else None,
    }
    status = 422 if form.errors or (treasurer and plan_form.errors) else 200
    return render(request, f"{PAGES}/membership_form.html", context, status=status)


def _member_initial(member: Member | None, person: Person) -> dict:
    if member is None:
        return {"joined_on": today_for(person.committee), "joined_how": Member.Joined.CARD}
    return {
        "joined_on": member.joined_on,
        "joined_how": member.joined_how,
        "number": member.number,
        "pay_method": member.pay_method,
    }


def _member_save(
    request: AuthedHttpRequest,
    person: Person,
    member: Member | None,
    form: MemberForm,
    plan_form: PlanForm | None,
) -> Member:
    data = services.MemberData(**form.cleaned_data)
    ip = client_ip(request)
    if member is None:
        member = services.member_join(person=person, data=data, by=request.user, ip=ip)
    else:
        services.member_update(member=member, data=data, by=request.user, ip=ip)
    if plan_form is not None:
        services.member_plan_set(
            member=member,
            plan=plan_form.cleaned_data["plan"],
            pledge=plan_form.cleaned_data["pledge"],
            by=request.user,
            ip=ip,
        )
    return member


@login_required
@require_http_methods(["GET", "POST"])
def membership_resign(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Record their resignation (with why), or take it back when they rejoin."""
    person = _person(request, person_id)
    member = Member.objects.filter(person=person).first()
    if member is None:
        raise Http404
    if request.method == "POST" and request.POST.get("rejoin"):
        services.member_rejoin(member=member, by=request.user, ip=client_ip(request))
        messages.success(request, _("A member again."))
        return redirect("person_detail", person_id=person.pk)
    form = ResignForm(
        request.POST if request.method == "POST" else None,
        initial={"resigned_on": today_for(person.committee)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_resign(
                member=member,
                on=form.cleaned_data["resigned_on"],
                reason=form.cleaned_data["resigned_reason"],
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error("resigned_on", error)
        else:
            messages.success(request, _("Resignation recorded."))
            return redirect("person_detail", person_id=person.pk)
    context = {"person": person, "member": member, "form": form}
    return render(request, f"{PAGES}/resign_form.html", context, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def payment_new(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """The treasurer records dues a member paid."""
    person = _person(request, person_id)
    member = Member.objects.filter(person=person).first()
    if member is None or not is_treasurer(request.user, person.committee_id):
        raise Http404
    form = PaymentForm(
        request.POST if request.method == "POST" else None,
        currency=person.committee.currency,
        initial={
            "paid_on": today_for(person.committee),
            "first_month": services.payment_first_month(member),
            "months": member.plan.months if member.plan else 1,
            "method": member.pay_method or None,
            "amount": _plan_amount(member),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.payment_record(
                member=member,
                data=services.PaymentData(**form.cleaned_data),
                by=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Payment recorded."))
            return redirect("person_detail", person_id=person.pk)
    context = {
        "person": person,
        "member": member,
        "form": form,
        "joined": person_membership(person=person, user=request.user),
        "currency": person.committee.currency,
    }
    return render(
        request, f"{PAGES}/payment_form.html", context, status=422 if form.errors else 200
    )


def _plan_amount(member: Member) -> str:
    """What the plan asks each period (or they pledged), as a typed amount."""
    each = member.plan.amount if member.plan and member.plan.amount else member.pledge
    if not each:
        return ""
    return str(Decimal(each).scaleb(-decimals(member.committee.currency)))
