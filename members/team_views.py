"""A committee lead's pages for the committee's users: deactivate, reactivate, change a role,
make a lead the treasurer or stop them, remove from the committee (each behind a
confirmation), and lockdown."""

import dataclasses
from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from members import team_services
from members.access import membership_for_user
from members.audit import client_ip
from members.forms import RoleForm, TreasurerForm
from members.http import AuthedHttpRequest
from members.models import Membership

LOCKDOWN_DONE = "majority.lockdown_done"

Change = Callable[[Membership, forms.Form, AuthedHttpRequest], str]


def _target(request: AuthedHttpRequest, committee_id: int, user_id: int) -> Membership:
    """The committee's user a lead is about to change; 404 for anyone not on the committee."""
    lead = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    return get_object_or_404(
        Membership.objects.select_related("user", "committee"),
        committee=lead.committee,
        user_id=user_id,
    )


def _confirm(
    request: AuthedHttpRequest, committee_id: int, user_id: int, action: str, change: Change
) -> HttpResponse:
    """GET: what the change does, and a button to confirm it. POST: make it, then back to
    the Team page (home, for a lead who took themself off the committee); a refusal is said
    on the same page."""
    target = _target(request, committee_id, user_id)
    data = request.POST if request.method == "POST" else None
    form: forms.Form = RoleForm(data, initial={"role": target.role})
    if action == "treasurer":
        form = TreasurerForm(data, initial={"treasurer": "no" if target.is_treasurer else "yes"})
    error = ""
    asks = action in {"role", "treasurer"}  # the others are a button alone
    if request.method == "POST" and (not asks or form.is_valid()):
        try:
            done = change(target, form, request)
        except ValidationError as refused:
            error = refused.messages[0]
        else:
            if request.user.pk == user_id and action == "deactivate":
                logout(request)  # this session was ended with the others: start a clean one
                return redirect("account_login")
            messages.success(request, done)
            if request.user.pk == user_id and action == "remove":
                return redirect("home")
            return redirect("team", committee_id=committee_id)
    context = {
        "committee": target.committee,
        "target": target,
        "action": action,
        "form": form,
        "error": error,
        "itself": target.user_id == request.user.pk,
    }
    failed = bool(error or form.errors)
    return render(request, "members/user_manage.html", context, status=422 if failed else 200)


def _deactivate(target: Membership, form: forms.Form, request: AuthedHttpRequest) -> str:
    team_services.user_deactivate(membership=target, actor=request.user, ip=client_ip(request))
    return _("%(user)s can no longer log in; every session and emailed link of theirs ended.") % {
        "user": target.user
    }


def _reactivate(target: Membership, form: forms.Form, request: AuthedHttpRequest) -> str:
    team_services.user_reactivate(membership=target, actor=request.user, ip=client_ip(request))
    return _("%(user)s can log in again.") % {"user": target.user}


def _role(target: Membership, form: forms.Form, request: AuthedHttpRequest) -> str:
    role = form.cleaned_data["role"]
    team_services.membership_role_set(
        membership=target, role=role, actor=request.user, ip=client_ip(request)
    )
    return _("%(user)s is now %(role)s.") % {
        "user": target.user,
        "role": Membership.Role(role).label,
    }


def _treasurer(target: Membership, form: forms.Form, request: AuthedHttpRequest) -> str:
    keeps = form.cleaned_data["treasurer"]
    team_services.treasurer_set(
        membership=target, is_treasurer=keeps, by=request.user, ip=client_ip(request)
    )
    if keeps:
        return _("%(user)s is now the treasurer.") % {"user": target.user}
    return _("%(user)s is no longer the treasurer.") % {"user": target.user}


def _remove(target: Membership, form: forms.Form, request: AuthedHttpRequest) -> str:
    team_services.membership_remove(membership=target, actor=request.user, ip=client_ip(request))
    return _("%(user)s is no longer on the committee.") % {"user": target.user}


@login_required
@require_http_methods(["GET", "POST"])
def user_deactivate(request: AuthedHttpRequest, committee_id: int, user_id: int) -> HttpResponse:
    return _confirm(request, committee_id, user_id, "deactivate", _deactivate)


@login_required
@require_http_methods(["GET", "POST"])
def user_reactivate(request: AuthedHttpRequest, committee_id: int, user_id: int) -> HttpResponse:
    return _confirm(request, committee_id, user_id, "reactivate", _reactivate)


@login_required
@require_http_methods(["GET", "POST"])
def membership_role(request: AuthedHttpRequest, committee_id: int, user_id: int) -> HttpResponse:
    return _confirm(request, committee_id, user_id, "role", _role)


@login_required
@require_http_methods(["GET", "POST"])
def membership_treasurer(
    request: AuthedHttpRequest, committee_id: int, user_id: int
) -> HttpResponse:
    return _confirm(request, committee_id, user_id, "treasurer", _treasurer)


@login_required
@require_http_methods(["GET", "POST"])
def membership_remove(request: AuthedHttpRequest, committee_id: int, user_id: int) -> HttpResponse:
    return _confirm(request, committee_id, user_id, "remove", _remove)


@login_required
@require_http_methods(["GET", "POST"])
def lockdown(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """GET: what a lockdown ends, and the button. POST: end it all, and say what was ended
    and how people get back in."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    committee = membership.committee
    if request.method == "POST":
        done = team_services.committee_lockdown(
            committee=committee,
            actor=request.user,
            keep_session=request.session.session_key,
            ip=client_ip(request),
        )
        # Reported on the page after a redirect: reloading it must not lock down again.
        request.session[LOCKDOWN_DONE] = dataclasses.asdict(done)
        return redirect(request.path)
    context: dict = {"committee": committee, "users": committee.memberships.count()}
    if done_now := request.session.pop(LOCKDOWN_DONE, None):
        context["done"] = team_services.Lockdown(**done_now)
    return render(request, "members/lockdown.html", context)
