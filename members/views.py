from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from members import selectors, services
from members.access import membership_for_user
from members.audit import client_ip
from members.forms import InvitationAcceptForm, InvitationForm, LanguageForm
from members.http import AuthedHttpRequest
from members.language import for_link_page, remember
from members.models import Invitation, Membership
from members.ratelimits import LINKS, rate_limit


@login_required
@require_http_methods(["GET", "POST"])
def team(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """The committee's team and pending invitations; leads invite from here."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.ORGANIZER)
    form = InvitationForm()
    if request.method == "POST":
        membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    committee=membership.committee, invited_by=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                form.add_error("email", error)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                if not request.htmx:
                    return redirect("team", committee_id=committee_id)
                form = InvitationForm()
    context = {
        "membership": membership,
        "committee": membership.committee,
        "team": selectors.team_visible(membership),
        "invitations": selectors.invitations_pending(membership.committee),
        "form": form,
    }
    template = "members/_invite_response.html" if request.htmx else "members/team.html"
    return render(request, template, context, status=422 if form.errors else 200)


@login_required
@require_POST
def invitation_cancel(
    request: AuthedHttpRequest, committee_id: int, invitation_id: int
) -> HttpResponse:
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    invitation = get_object_or_404(
        membership.committee.invitations, pk=invitation_id, accepted_at=None
    )
    services.invitation_cancel(invitation=invitation, actor=request.user, ip=client_ip(request))
    messages.success(request, _("Invitation to %(email)s withdrawn.") % {"email": invitation.email})
    return redirect("team", committee_id=committee_id)


@login_required
@require_POST
def invitation_resend(
    request: AuthedHttpRequest, committee_id: int, invitation_id: int
) -> HttpResponse:
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    invitation = get_object_or_404(
        membership.committee.invitations, pk=invitation_id, accepted_at=None
    )
    services.invitation_create(
        committee=membership.committee,
        email=invitation.email,
        role=invitation.role,
        language=invitation.language,
        invited_by=request.user,
    )
    messages.success(
        request, _("Invitation sent again to %(email)s.") % {"email": invitation.email}
    )
    return redirect("team", committee_id=committee_id)


@never_cache  # the page names the committee and the address invited: no copy kept anywhere
@require_http_methods(["GET", "POST"])
@rate_limit(LINKS)
def invitation_accept(request: AuthedHttpRequest, token: str) -> HttpResponse:
    """Where the invitation email leads: set a password, or join with the account you have."""
    invitation = selectors.invitation_from_token(token)
    if invitation is None:
        return render(request, "members/invitation_invalid.html", status=404)
    if request.user.is_authenticated:  # a user's pages speak their language (Account)
        return _invitation_accept(request, invitation)
    with for_link_page(request, invitation.language):
        return _invitation_accept(request, invitation)


def _invitation_accept(request: AuthedHttpRequest, invitation: Invitation) -> HttpResponse:
    existing = selectors.user_by_email(invitation.email)
    if existing is not None or request.user.is_authenticated:
        return _invitation_accept_existing(request, invitation, existing)
    data = request.POST if request.method == "POST" else None
    form = InvitationAcceptForm(data, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        services.user_create_from_invitation(
            invitation=invitation,
            name=form.cleaned_data["name"],
            password=form.cleaned_data["password1"],
            ip=client_ip(request),
        )
        messages.success(request, _("Your account is ready. Log in with your new password."))
        return redirect("account_login")
    status = 422 if form.errors else 200
    context = {"invitation": invitation, "form": form}
    return render(request, "members/invitation_accept.html", context, status=status)


def _invitation_accept_existing(request, invitation, existing) -> HttpResponse:
    if request.user != existing:
        context = {"invitation": invitation, "token_path": request.get_full_path()}
        return render(request, "members/invitation_login.html", context)
    if request.method == "POST":
        services.invitation_accept(invitation=invitation, user=request.user, ip=client_ip(request))
        messages.success(
            request, _("You joined %(committee)s.") % {"committee": invitation.committee}
        )
        return redirect("home")
    return render(request, "members/invitation_join.html", {"invitation": invitation})


@login_required
@require_http_methods(["GET", "POST"])
def account_language(request: AuthedHttpRequest) -> HttpResponse:
    """Account > Language: the language of this user's pages and of the emails to them, on
    every device (the switcher on the login page sets one browser's only)."""
    current = request.user.language or translation.get_language()
    data = request.POST if request.method == "POST" else None
    form = LanguageForm(data, initial={"language": current})
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["language"]
        request.user.language = code
        request.user.save(update_fields=["language"])
        response = redirect("account_language")
        remember(response, code)  # the login page too, after logging out
        with translation.override(code):
            messages.success(request, _("Saved: Majority speaks this language to you now."))
        return response
    status = 422 if form.errors else 200
    return render(request, "members/account_language.html", {"form": form}, status=status)
