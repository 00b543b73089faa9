"""The committee's join page: the public form anyone with its address fills in, and the
lead's page that opens and closes it, shows its address and sets its wording.

No login on the public page: its key is the access, while a lead keeps it open. It shows
nothing private (the committee's name, its dues plans), and what it answers reads the same
whether or not the address typed is known (campaigns.power.join).
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.models import JoinPage
from campaigns.models.joining import text_digest
from campaigns.power import join
from campaigns.power.join_forms import JoinForm, JoinTextsForm
from members.access import membership_for_user
from members.audit import client_ip
from members.http import AuthedHttpRequest
from members.models import Membership

PAGES = "campaigns/power/join"


@require_http_methods(["GET", "POST"])
def join_public(request: HttpRequest, join_key: str) -> HttpResponse:
    """The page anyone with the address opens; POST joins, at most a few times per address.
    A closed page or an unknown key: 404."""
    page = join.join_page_by_key(join_key)
    if page is None:
        raise Http404
    committee = page.committee
    language = join.page_language(request.POST.get("shown_language") or translation.get_language())
    with translation.override(language):
        wording = join.wording(page, language)
    plans = list(join.plans_offered(committee))
    context: dict[str, object] = {
        "committee": committee,
        "wording": wording,
        "plans": plans,
        "shown_language": language,
        "shown_digest": text_digest(wording),
    }
    if request.method != "POST":
        initial = {"language": language}
        form = JoinForm(initial=initial, committee=committee, plans=plans, wording=wording)
        return render(request, f"{PAGES}/join.html", {**context, "form": form})
    form = JoinForm(request.POST, committee=committee, plans=plans, wording=wording)
    context["form"] = form
    if not join.public_join_allowed(client_ip(request) or "unknown"):
        return render(request, f"{PAGES}/join.html", {**context, "limited": True}, status=429)
    if not form.is_valid():
        return render(request, f"{PAGES}/join.html", context, status=422)
    join.public_join(page=page, data=form.data_for_service(), ip=client_ip(request))
    # The same page whether the address was known or not (see campaigns.power.join).
    return render(request, f"{PAGES}/joined.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def join_settings(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """The lead's page: the address, open or closed, the wording per language, and who joined
    on the form lately (to follow up). Committee leads only: others of the committee 403,
    everyone else 404."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    committee = membership.committee
    page = join.join_page_for(committee)
    standard = _standard_wordings(page)
    if request.method == "POST":
        form = JoinTextsForm(request.POST, standard=standard)
        if form.is_valid():
            join.join_texts_set(
                page=page, texts=form.cleaned_data, by=request.user, ip=client_ip(request)
            )
            messages.success(request, _("The wording is saved."))
            return redirect("join_settings", committee_id=committee.pk)
    else:
        own = dict(page.texts.values_list("language", "text"))
        form = JoinTextsForm(initial=own, standard=standard)
    context = {
        "committee": committee,
        "page": page,
        "public_url": request.build_absolute_uri(reverse("join_public", args=[page.key])),
        "form": form,
        "plans": list(join.plans_offered(committee)),
        "joined": join.joined_on_the_form(committee),
        "follow_up_days": join.FOLLOW_UP_DAYS,
    }
    return render(request, f"{PAGES}/settings.html", context, status=422 if form.errors else 200)


@login_required
@require_POST
def join_page_set(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """Open the page (`open=1`), close it (`open=0`), or give it a new address (`new=1`)."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    page = join.join_page_for(membership.committee)
    new_key = request.POST.get("new") == "1"
    open_page = page.is_open if new_key else request.POST.get("open") == "1"
    join.join_page_set(
        page=page, open_page=open_page, by=request.user, new_key=new_key, ip=client_ip(request)
    )
    messages.success(request, _done(page, new_key))
    return redirect("join_settings", committee_id=membership.committee_id)


def _done(page: JoinPage, new_key: bool) -> str:
    if new_key:
        return _("The join page has a new address: the old one no longer works.")
    if page.is_open:
        return _("The join page is open.")
    return _("The join page is closed.")


def _standard_wordings(page: JoinPage) -> dict[str, str]:
    standard = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            standard[code] = join.standard_wording(page.committee)
    return standard
