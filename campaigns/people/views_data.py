"""A person's data, for committee leads only: the export (a printable page and a JSON file)
and erasure behind a confirmation page. Anyone else gets the same 404 as for a person who does
not exist, even an organizer who may see the person's page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from campaigns.access import person_for_committee_lead
from campaigns.people.data import (
    ErasureRefused,
    erasure_kept,
    person_erase,
    person_export_data,
    person_export_record,
    sections_shown,
)
from campaigns.people.forms import PersonEraseForm
from members.audit import client_ip
from members.http import AuthedHttpRequest
from members.ratelimits import EXPORTS, rate_limit

PAGES = "campaigns/people"


@login_required
@require_GET
@never_cache
@rate_limit(EXPORTS, per="user")
def person_data(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Everything held on the person as a page to read or print."""
    person = person_for_committee_lead(request.user, person_id)
    data = person_export_data(person=person)
    person_export_record(
        person=person, actor=request.user, data_format="html", ip=client_ip(request)
    )
    context = {"person": data.person, "data": data, "sections": sections_shown(data)}
    return render(request, f"{PAGES}/person_data.html", context)


@login_required
@require_GET
@never_cache
@rate_limit(EXPORTS, per="user")
def person_data_json(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Everything held on the person as a JSON file to hand over."""
    person = person_for_committee_lead(request.user, person_id)
    data = person_export_data(person=person)
    person_export_record(
        person=person, actor=request.user, data_format="json", ip=client_ip(request)
    )
    response = JsonResponse(
        data.as_json(),
        encoder=DjangoJSONEncoder,
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
    response["Content-Disposition"] = f'attachment; filename="person-{person.pk}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def person_erase_confirm(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """What erasing will do, and the confirmed erasure."""
    person = person_for_committee_lead(request.user, person_id)
    if request.method == "POST" and person.erased_at is not None:
        messages.info(request, _("This person was already erased."))
        return redirect("person_detail", person_id=person.pk)
    form = PersonEraseForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            person_erase(person=person, actor=request.user, ip=client_ip(request))
        except ErasureRefused as refusal:
            form.add_error(None, refusal)
            status = 409
        else:
            messages.success(request, _("Erased: only anonymous counts are left of this person."))
            return redirect("person_detail", person_id=person.pk)
    elif form.errors:
        status = 422
    context = {
        "person": person,
        "form": form,
        "kept": erasure_kept(person),
        "login_active": person.user is not None and person.user.is_active,
    }
    return render(request, f"{PAGES}/person_erase.html", context, status=status)
