"""The committee's API tokens page: a lead makes a token (shown once), sees when and from
where each was last used, and revokes one. Other members of the committee 403, others 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from campaigns.api.forms import ApiTokenForm
from campaigns.api.tokens import token_create, token_revoke
from campaigns.models import ApiToken
from members.access import membership_for_user
from members.audit import client_ip
from members.http import AuthedHttpRequest
from members.models import Membership

PAGES = "campaigns/api"
SENT_KEY = "api_token_forms_sent"


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """The list, and the form for a new token. A token made is shown on the answer to the
    POST itself and nowhere else: it is neither stored nor put in the session. The same
    form sent again (a double tap, a reload that posts again) makes no second token: the
    page says the first was made and is not shown again."""
    committee = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD).committee
    form = ApiTokenForm(request.POST if request.method == "POST" else None, committee=committee)
    made = None
    if request.method == "POST" and form.is_valid() and _sent_before(request, form):
        messages.warning(
            request,
            _(
                "That form was sent twice: the token was made the first time and is not "
                "shown again. If you did not copy it, revoke it and make another."
            ),
        )
        form = ApiTokenForm(committee=committee)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        token, raw = token_create(
            committee=committee,
            name=data["name"],
            access=data["access"],
            extras=data["extras"],
            campaigns=data["campaigns"],
            by=request.user,
            ip=client_ip(request),
        )
        made = {"token": token, "raw": raw}
        form = ApiTokenForm(committee=committee)
    tokens = (
        ApiToken.objects.filter(committee=committee)
        .prefetch_related("campaigns")
        .order_by("revoked_at", "-created_at")
    )
    context = {"committee": committee, "form": form, "tokens": tokens, "made": made}
    status = 422 if form.errors else 200
    return render(request, f"{PAGES}/tokens.html", context, status=status)


def _sent_before(request: AuthedHttpRequest, form: ApiTokenForm) -> bool:
    """Whether this filling of the form made a token already; notes it if not (the last
    few, in the session)."""
    once = form.cleaned_data["once"]
    if not once:
        return False
    sent = request.session.get(SENT_KEY, [])
    if once in sent:
        return True
    request.session[SENT_KEY] = [*sent, once][-10:]
    return False


@login_required
@require_http_methods(["GET", "POST"])
def api_token_revoke(request: AuthedHttpRequest, committee_id: int, token_id: int) -> HttpResponse:
    """Asks first; revoking is immediate and audited."""
    committee = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD).committee
    token = get_object_or_404(ApiToken, committee=committee, pk=token_id)
    if request.method == "POST":
        token_revoke(token=token, by=request.user, ip=client_ip(request))
        messages.success(request, _("Revoked the token “%(name)s”.") % {"name": token.name})
        return redirect("api_tokens", committee_id=committee.pk)
    return render(request, f"{PAGES}/token_revoke.html", {"committee": committee, "token": token})
