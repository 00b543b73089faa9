"""The people pages: adding someone to a roster, a person's page with its sections edited in
place, a roster entry's placement and removal, and merging two records of one person."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from campaigns.access import (
    CampaignAccess,
    campaign_for_user,
    person_for_user,
    roster_entry_for_user,
)
from campaigns.actions.selectors.checkin import person_action_history
from campaigns.models import Campaign, PossibleDuplicate, RosterEntry
from campaigns.outbox.selectors import person_messages
from campaigns.people import selectors, services
from campaigns.people.forms import (
    PersonMergeForm,
    PersonNotesForm,
    RosterAddForm,
    RosterRemoveForm,
)
from campaigns.people.forms import PlacementForm as RosterEntryForm
from campaigns.people.services import SECTION_FIELDS, RosterAddResult
from campaigns.power.ladder import person_ladder
from campaigns.power.selectors import person_membership
from campaigns.roster.matching import MatchingLimited
from campaigns.signups.standing import person_drive_standings
from members.access import membership_for_user
from members.audit import client_ip
from members.forms_people import (
    PersonConsentForm,
    PersonContactForm,
    PersonDetailsForm,
    PersonTagsForm,
)
from members.http import AuthedHttpRequest
from members.models import Membership, Person, User
from organizing.http import HtmxHttpRequest, next_url

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGES = "campaigns/people"


@dataclass(frozen=True)
class Section:
    """One editable section of the person page."""

    slug: str
    title: "StrOrPromise"
    form: type[Form]

    @property
    def template(self) -> str:
        return f"{PAGES}/_{self.slug}.html"

    @property
    def url_name(self) -> str:
        return f"person_edit_{self.slug}"


SECTIONS = {
    section.slug: section
    for section in [
        Section("details", gettext_lazy("Details"), PersonDetailsForm),
        Section("contact", gettext_lazy("Contact"), PersonContactForm),
        Section("consent", gettext_lazy("Consent and do not contact"), PersonConsentForm),
        Section("notes", gettext_lazy("Notes"), PersonNotesForm),
        Section("tags", gettext_lazy("Tags"), PersonTagsForm),
    ]
}


# --- Adding someone to a roster ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def roster_add(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """One short form to put someone on the roster; a known email or phone reuses the person."""
    access = campaign_for_user(request.user, campaign_id)
    kwargs = _placement_kwargs(access.campaign)
    status, result = 422, None
    if request.method == "POST":
        form = RosterAddForm(request.POST, **kwargs)
        try:
            result = _roster_add_save(request, access, form)
        except MatchingLimited as refused:
            form.add_error(None, refused)
            status = 422 if request.htmx else 429  # htmx swaps a 422 form in, not a 429
        if result is not None:
            _roster_add_message(request, result)
            return _after_roster_add(request, access.campaign, result)
    else:
        form = RosterAddForm(initial=_roster_add_initial(request, access, kwargs), **kwargs)
    context = {"campaign": access.campaign, "access": access, "form": form}
    template = f"{PAGES}/_roster_add_form.html" if request.htmx else f"{PAGES}/roster_add.html"
    response = render(request, template, context, status=status if form.errors else 200)
    if response.status_code == 429:
        response["Retry-After"] = "3600"
    return response


def _roster_add_save(
    request: AuthedHttpRequest, access: CampaignAccess, form: RosterAddForm
) -> RosterAddResult | None:
    if not form.is_valid():
        return None
    return services.person_create_on_roster(
        campaign=access.campaign,
        by=request.user,
        ip=client_ip(request),
        **_person_fields(form),
        **form.placement(),
    )


def _placement_kwargs(campaign: Campaign) -> dict:
    return {
        "campaign": campaign,
        "units": selectors.campaign_units(campaign.pk),
        "organizers": selectors.assignable_organizers(campaign),
    }


def _person_fields(form: RosterAddForm) -> dict:
    return {key: form.cleaned_data[key] for key in ["given_name", "family_name", "phone", "email"]}


def _roster_add_initial(request: AuthedHttpRequest, access: CampaignAccess, kwargs: dict) -> dict:
    """The unit from ?unit= when it is one of this campaign's; the adder as organizer when
    they are on the campaign's team."""
    initial = {}
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit() and any(unit.pk == int(unit_id) for unit, _path in kwargs["units"]):
        initial["unit"] = int(unit_id)
    if selectors.is_on_team(request.user, access.campaign):
        initial["organizer"] = request.user.pk
    return initial


def _roster_add_message(request: HttpRequest, result: RosterAddResult) -> None:
    name = {"name": result.person.display_name}
    if not result.entry_created:
        messages.info(request, _("%(name)s is already on this roster: nothing changed.") % name)
    elif not result.person_created:
        messages.info(
            request,
            _("%(name)s was already in the committee's records: added to this roster.") % name,
        )
    else:
        messages.success(request, _("%(name)s is on the roster.") % name)


def _after_roster_add(
    request: HtmxHttpRequest, campaign: Campaign, result: RosterAddResult
) -> HttpResponse:
    """Back to the chart, or to a fresh form for the same unit with "Save and add another"."""
    if "another" in request.POST:
        url = reverse("roster_add", args=[campaign.pk])
        if result.entry.unit_id:
            url += f"?unit={result.entry.unit_id}"
    else:
        url = reverse("campaign_chart", args=[campaign.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


# --- The person page ---------------------------------------------------------------------------


@login_required
@require_GET
def person_detail(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """A person, and their place on the rosters of campaigns the viewer may see (only those)."""
    person = person_for_user(request.user, person_id)
    context = {
        **_person_context(request, person),
        "positions": selectors.person_positions(person=person, user=request.user),
        "action_history": person_action_history(person=person, user=request.user),
        "sent_messages": person_messages(person=person, user=request.user),
        "signups": person_drive_standings(person=person, user=request.user),
        "joined": person_membership(person=person, user=request.user),
    }
    if context["joined"].member is not None:  # the ladder starts when someone joins
        context["ladder"] = person_ladder(person=person)
    is_committee_lead = context["can_merge"]
    if is_committee_lead:
        context["possible_duplicates"] = selectors.possible_duplicates_of(person)
    context["activity"] = selectors.person_activity(
        person=person,
        user=request.user,
        positions=context["positions"],
        is_committee_lead=is_committee_lead,
    )
    if not is_committee_lead:
        services.person_view_record(
            person=person,
            viewer=request.user,
            positions=context["positions"],
            ip=client_ip(request),
        )
    return render(request, f"{PAGES}/person_detail.html", context)


def _person_context(request: AuthedHttpRequest, person: Person) -> dict:
    """The person as this user may see them: their emails, phones and notes from the campaigns
    the user is on (a committee lead: all, and the committee's notes)."""
    is_lead = selectors.is_committee_lead(request.user, person.committee_id)
    return {
        "person": selectors.person_with_channels(person, user=request.user, is_lead=is_lead),
        "notes": selectors.person_notes(person=person, user=request.user, is_lead=is_lead),
        "can_merge": is_lead,
        "sections": SECTIONS,
    }


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedHttpRequest, person_id: int, section: str) -> HttpResponse:
    """One section of the person page as a form (GET), saved in place (POST): htmx swaps the
    section; without htmx it is a page of its own that returns to the person."""
    person = person_for_user(request.user, person_id)
    if person.erased_at is not None:  # nothing is written about an erased person again
        messages.error(request, _("This person was erased: nothing about them can be added."))
        url = reverse("person_detail", args=[person.pk])
        return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    shown = _person_context(request, person)
    spec = SECTIONS[section]
    form = _section_form(spec, shown, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        _section_save(request, shown, form, section)
        messages.success(request, _("Saved."))
        if not request.htmx:
            return redirect("person_detail", person_id=person.pk)
        fresh = Person.objects.get(pk=person.pk)
        context = {**_person_context(request, fresh), "section": spec}
        return render(request, f"{PAGES}/_section_saved.html", context)
    context = {**shown, "section": spec, "form": form}
    template = f"{PAGES}/_section_form.html" if request.htmx else f"{PAGES}/person_edit.html"
    return render(request, template, context, status=422 if form.errors else 200)


def _section_save(request: AuthedHttpRequest, shown: dict, form: Form, section: str) -> None:
    person = shown["person"]
    if section == "notes":
        services.person_notes_set(person=person, **cast(PersonNotesForm, form).notes_data())
    elif section == "contact":
        data = dict(form.cleaned_data)
        campaign_id = None
        if not shown["can_merge"]:  # only a lead chooses where a person's messages go
            data["primary_phone"] = data["primary_email"] = None
            campaign_id = _campaign_adding(request.user, person)
        services.person_contact_update(person=person, campaign_id=campaign_id, **data)
    else:
        services.person_update(person=person, section=section, data=form.cleaned_data)


def _campaign_adding(user: User, person: Person) -> int | None:
    """The campaign an organizer's new email or phone for this person is tagged with: the
    first of theirs the person is on (it is shown to that team and the leads)."""
    return (
        RosterEntry.objects.filter(person=person, removed_at=None, campaign__team__user=user)
        .order_by("campaign_id")
        .values_list("campaign_id", flat=True)
        .first()
    )


def _section_form(spec: Section, shown: dict, data: QueryDict | None) -> Form:
    person = shown["person"]
    if spec.slug == "notes":
        return PersonNotesForm(
            data, notes=shown["notes"], is_lead=shown["can_merge"], person=person
        )
    if spec.slug == "contact":
        return PersonContactForm(data, person=person)
    if spec.slug == "tags":
        initial = {"tags": [tag.pk for tag in person.tags.all()]}
        return PersonTagsForm(data, person=person, initial=initial)
    initial = {field: getattr(person, field) for field in SECTION_FIELDS[spec.slug]}
    return spec.form(data, initial=initial)


# --- Follow-ups ---------------------------------------------------------------------------------


# --- A roster entry: placement and removal ----------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def roster_entry_edit(request: AuthedHttpRequest, campaign_id: int, entry_id: int) -> HttpResponse:
    """Move someone to another unit, change their title, shift, leader flag or organizer.
    The assessment is shown, never edited: conversations set it."""
    access = campaign_for_user(request.user, campaign_id)
    entry = roster_entry_for_user(access, entry_id)
    kwargs = _placement_kwargs(access.campaign)
    form = RosterEntryForm(initial=_entry_initial(entry), **kwargs)
    status = 200
    if request.method == "POST" and entry.removed_at is not None:
        messages.error(request, _("They are no longer on this roster: nothing to change."))
        status = 409
    elif request.method == "POST":
        form = RosterEntryForm(request.POST, **kwargs)
        if form.is_valid():
            services.roster_entry_update(entry=entry, **form.placement())
            messages.success(request, _("Saved %(name)s's place.") % {"name": entry.person})
            return redirect(next_url(request, _entry_fallback_url(entry)))
        status = 422
    context = {"campaign": access.campaign, "access": access, "entry": entry, "form": form}
    context["remove_form"] = RosterRemoveForm()
    context["next"] = next_url(request, "")
    return render(request, f"{PAGES}/roster_entry_edit.html", context, status=status)


def _entry_initial(entry: RosterEntry) -> dict:
    return {
        "unit": entry.unit_id,
        "title": entry.title,
        "shift": entry.shift,
        "is_leader": entry.is_leader,
        "organizer": entry.organizer_id,
    }


def _entry_fallback_url(entry: RosterEntry) -> str:
    return reverse("campaign_chart", args=[entry.campaign_id])


@login_required
@require_http_methods(["GET", "POST"])
def roster_entry_remove(
    request: AuthedHttpRequest, campaign_id: int, entry_id: int
) -> HttpResponse:
    """Take someone off the roster with a reason; the entry stays in their history."""
    access = campaign_for_user(request.user, campaign_id)
    entry = roster_entry_for_user(access, entry_id)
    form = RosterRemoveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and entry.removed_at is not None:
        messages.info(request, _("%(name)s was already off this roster.") % {"name": entry.person})
        return redirect(next_url(request, _entry_fallback_url(entry)))
    if request.method == "POST" and form.is_valid():
        services.roster_entry_remove(
            entry=entry,
            reason=form.reason_text(),
            do_not_contact=form.do_not_contact,
            actor=request.user,
            ip=client_ip(request),
        )
        messages.success(request, _("%(name)s is off the roster.") % {"name": entry.person})
        return redirect(next_url(request, _entry_fallback_url(entry)))
    context = {"campaign": access.campaign, "access": access, "entry": entry, "form": form}
    context["next"] = next_url(request, "")
    status = 422 if form.errors else 200
    return render(request, f"{PAGES}/roster_entry_remove.html", context, status=status)


# --- Merging two records of one person ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def person_merge(request: AuthedHttpRequest, person_id: int) -> HttpResponse:
    """Committee leads find a duplicate (?q=), compare it side by side (?with=), choose the
    values that win, and fold it into this person."""
    person = person_for_user(request.user, person_id)
    if not selectors.is_committee_lead(request.user, person.committee_id):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else None
    raw = request.POST.get("duplicate") if data is not None else request.GET.get("with")
    duplicate = _merge_duplicate(person, raw)
    form = _merge_form(data, person, duplicate)
    if data is not None and duplicate is not None and form.is_valid():
        try:
            services.person_merge(
                survivor=person,
                duplicate=duplicate,
                choices=form.choices(),
                actor=request.user,
                ip=client_ip(request),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Merged into %(name)s.") % {"name": person})
            return redirect("person_detail", person_id=person.pk)
    context = _merge_context(request, person, duplicate, form)
    return render(
        request, f"{PAGES}/person_merge.html", context, status=422 if form.errors else 200
    )


def _merge_duplicate(person: Person, raw: str | None) -> Person | None:
    """The other person of the committee named by the request; 404 for anyone else."""
    if not raw or not raw.isdigit():
        return None
    others = Person.objects.filter(committee_id=person.committee_id).exclude(pk=person.pk)
    return get_object_or_404(others, pk=int(raw))


def _merge_form(
    data: QueryDict | None, person: Person, duplicate: Person | None
) -> PersonMergeForm:
    conflicts = selectors.merge_conflicts(person, duplicate) if duplicate else []
    initial = {"duplicate": duplicate.pk} if duplicate else {}
    form = PersonMergeForm(
        data, conflicts=conflicts, survivor=person, duplicate=duplicate, initial=initial
    )
    if data is not None and duplicate is None:
        form.add_error(None, _("Pick the person to merge into this one first."))
    return form


def _merge_context(
    request: AuthedHttpRequest, person: Person, duplicate: Person | None, form: Form
) -> dict:
    query = request.GET.get("q", "").strip()
    people = [person, duplicate] if duplicate else [person]
    for someone in people:
        selectors.person_with_channels(someone, user=request.user, is_lead=True)  # leads only
        someone.positions = selectors.person_positions(person=someone, user=request.user)
    return {
        "person": person,
        "duplicate": duplicate,
        "form": form,
        "query": query,
        "candidates": [] if duplicate else selectors.merge_candidates(person=person, query=query),
        "both_have_logins": bool(duplicate and person.user_id and duplicate.user_id),
    }


# --- Possible duplicates, for committee leads --------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def possible_duplicates(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """People added as new whose email or phone another record of the committee has, one the
    adder could not see: a lead compares them and merges (on the merge page) or dismisses."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    status = 200
    if request.method == "POST":
        row = _open_possible_duplicate(committee_id, request.POST.get("duplicate", ""))
        if row is not None and services.possible_duplicate_dismiss(
            row=row, actor=request.user, ip=client_ip(request)
        ):
            messages.success(request, _("Dismissed: they stay two people."))
            return redirect("possible_duplicates", committee_id=committee_id)
        messages.error(request, _("That match was settled already: nothing changed."))
        status = 422
    context = {
        "committee": membership.committee,
        "rows": selectors.possible_duplicates_open(committee_id),
    }
    return render(request, f"{PAGES}/possible_duplicates.html", context, status=status)


def _open_possible_duplicate(committee_id: int, raw: str) -> PossibleDuplicate | None:
    if not raw.isdigit():
        return None
    return PossibleDuplicate.objects.filter(
        pk=int(raw), committee_id=committee_id, status=PossibleDuplicate.Status.OPEN
    ).first()
