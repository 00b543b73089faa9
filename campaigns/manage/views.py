"""Managing campaigns: the list, starting and editing a campaign, its sites and their unit
trees, and the campaign team. Everything here but the list takes a manager (a campaign lead or
a committee lead): organizers on the team get 403, everyone else 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from campaigns.access import CampaignAccess, campaign_for_user, site_for_user, unit_for_user
from campaigns.actions.services.reminders import MAX_REMINDERS
from campaigns.manage import selectors, services
from campaigns.manage.forms import (
    NO_UNIT,
    TOP_LEVEL,
    CampaignForm,
    CommitteeRemindersForm,
    SiteForm,
    TeamMemberForm,
    UnitAddForm,
    UnitDeleteForm,
    UnitMoveForm,
    UnitRenameForm,
)
from campaigns.models import Campaign, Site, TeamMember, Unit
from members.access import membership_for_user
from members.audit import client_ip
from members.http import AuthedHttpRequest
from members.models import Membership, User

# --- Campaigns -----------------------------------------------------------------------------------


@login_required
@require_GET
def campaign_list(request: AuthedHttpRequest) -> HttpResponse:
    """Every campaign the user may see; an empty page for those on none (members included)."""
    context = {
        "campaigns": selectors.campaigns_for_list(request.user),
        "can_create": selectors.lead_membership(request.user) is not None,
    }
    return render(request, "campaigns/manage/campaign_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthedHttpRequest) -> HttpResponse:
    """A committee lead starts a campaign in their committee, then charts its first site."""
    membership = selectors.lead_membership(request.user)
    if membership is None:
        if request.user.memberships.exists():
            raise PermissionDenied
        raise Http404
    form = CampaignForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            campaign = services.campaign_create(
                committee=membership.committee,
                created_by=request.user,
                ip=client_ip(request),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Campaign started. Now add its first site."))
            return redirect("site_create", campaign_id=campaign.pk)
    context = {"form": form, "committee": membership.committee}
    return _render(request, "campaigns/manage/campaign_create.html", context, form)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's settings and its list of sites."""
    access = campaign_for_user(request.user, campaign_id, manage=True)
    campaign = access.campaign
    form = CampaignForm(
        _data(request), initial=CampaignForm.initial_from(campaign), kind=campaign.kind
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Campaign settings saved."))
            return redirect("campaign_edit", campaign_id=campaign.pk)
    context = {**_page(access), "form": form, "sites": selectors.campaign_sites(campaign)}
    return _render(request, "campaigns/manage/campaign_edit.html", context, form)


# --- The committee's settings --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def committee_settings(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """When reminders go: the defaults for new actions, the one-on-one reminder's lead time
    and the quiet hours of texts. Committee leads only (others of the committee 403)."""
    membership = membership_for_user(request.user, committee_id, role=Membership.Role.LEAD)
    committee = membership.committee
    form = CommitteeRemindersForm(_data(request), committee=committee)
    if request.method == "POST" and form.is_valid():
        try:
            services.committee_reminders_set(committee=committee, **form.settings())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Reminder timing saved."))
            return redirect("committee_settings", committee_id=committee.pk)
    context = {"committee": committee, "form": form, "max_reminders": MAX_REMINDERS}
    return _render(request, "campaigns/manage/committee_settings.html", context, form)


# --- Sites ---------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def site_create(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """Add a worksite or a building; then straight to charting its structure."""
    access = campaign_for_user(request.user, campaign_id, manage=True)
    form = SiteForm(_data(request), kind=access.campaign.kind)
    if request.method == "POST" and form.is_valid():
        try:
            site = services.site_create(campaign=access.campaign, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("%(site)s added. Now chart its structure.") % {"site": site.name}
            )
            return redirect("site_detail", campaign_id=campaign_id, site_id=site.pk)
    return _render(
        request, "campaigns/manage/site_create.html", {**_page(access), "form": form}, form
    )


@login_required
@require_http_methods(["GET", "POST"])
def site_detail(request: AuthedHttpRequest, campaign_id: int, site_id: int) -> HttpResponse:
    """A site's details and its structure: the unit tree, built here unit by unit.

    `?parent=<id>` preselects where the next unit goes; `?edit=<id>` opens a unit's tools.
    An htmx GET answers with the structure region alone.
    """
    access = campaign_for_user(request.user, campaign_id)
    site = site_for_user(access, site_id)
    access.require_manage()
    site_form = SiteForm(
        _data(request), initial=SiteForm.initial_from(site), kind=access.campaign.kind
    )
    if request.method == "POST" and site_form.is_valid():
        try:
            services.site_update(site=site, **site_form.cleaned_data)
        except ValidationError as error:
            site_form.add_error(None, error)
        else:
            messages.success(request, _("Site details saved."))
            return redirect("site_detail", campaign_id=campaign_id, site_id=site.pk)
    structure = _Structure(request, access, site)
    structure.add_form = UnitAddForm(
        initial={"parent": request.GET.get("parent", "")}, rows=structure.rows
    )
    structure.focus_add = "parent" in request.GET
    structure.open_tools(_int(request.GET.get("edit")))
    return structure.render(status=422 if site_form.errors else 200, site_form=site_form)


# --- Units: small POST endpoints that answer htmx with the structure region ----------------------


@login_required
@require_POST
def unit_create(request: AuthedHttpRequest, campaign_id: int, site_id: int) -> HttpResponse:
    """Add a unit; the form comes back empty with the same parent, ready for the next one."""
    structure = _Structure.for_post(request, campaign_id, site_id)
    form = UnitAddForm(request.POST, rows=structure.rows)
    structure.add_form, structure.focus_add = form, True
    if form.is_valid():
        parent = structure.unit_or_none(form.cleaned_data["parent"])
        try:
            unit = services.unit_create(
                site=structure.site, name=form.cleaned_data["name"], parent=parent
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(unit)s added.") % {"unit": unit.name})
            return structure.done(parent=form.cleaned_data["parent"])
    return structure.render(status=422)


@login_required
@require_POST
def unit_update(
    request: AuthedHttpRequest, campaign_id: int, site_id: int, unit_id: int
) -> HttpResponse:
    """Rename a unit."""
    structure, unit = _Structure.for_unit_post(request, campaign_id, site_id, unit_id)
    form = UnitRenameForm(request.POST)
    if form.is_valid():
        try:
            services.unit_update(unit=unit, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Renamed to %(unit)s.") % {"unit": unit.name})
            return structure.done(edit=unit.pk)
    structure.open_tools(unit.pk, rename_form=form)
    return structure.render(status=422)


@login_required
@require_POST
def unit_move(
    request: AuthedHttpRequest, campaign_id: int, site_id: int, unit_id: int
) -> HttpResponse:
    """Move a unit up or down among its siblings (`direction`), or under another `parent`."""
    structure, unit = _Structure.for_unit_post(request, campaign_id, site_id, unit_id)
    direction = request.POST.get("direction")
    if direction in {"up", "down"}:
        services.unit_reorder(unit=unit, step=-1 if direction == "up" else 1)
        return structure.done(edit=unit.pk)
    form = UnitMoveForm(request.POST, rows=structure.rows, exclude=structure.subtree(unit.pk))
    if form.is_valid():
        choice = form.cleaned_data["parent"]
        parent = None if choice == TOP_LEVEL else structure.unit_or_none(choice)
        try:
            services.unit_move(unit=unit, parent=parent)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(unit)s moved.") % {"unit": unit.name})
            return structure.done(edit=unit.pk)
    structure.open_tools(unit.pk, move_form=form)
    return structure.render(status=422)


@login_required
@require_POST
def unit_delete(
    request: AuthedHttpRequest, campaign_id: int, site_id: int, unit_id: int
) -> HttpResponse:
    """Delete a unit and its units. When people are placed there (or units hang under it),
    the first POST answers with a confirmation that says how many and asks where people go."""
    structure, unit = _Structure.for_unit_post(request, campaign_id, site_id, unit_id)
    doomed = structure.subtree_rows(unit.pk)
    people = sum(row.people for row in doomed)
    data = request.POST if "confirm" in request.POST else None
    form = UnitDeleteForm(data, rows=structure.rows, exclude=structure.subtree(unit.pk))
    if not form.is_bound and (people or len(doomed) > 1):
        structure.open_tools(unit.pk, delete_form=form)
        return structure.render()
    if people and not form.is_valid():
        structure.open_tools(unit.pk, delete_form=form)
        return structure.render(status=422)
    choice = form.cleaned_data["move_to"] if people else NO_UNIT
    move_to = None if choice == NO_UNIT else structure.unit_or_none(choice)
    try:
        services.unit_delete(
            unit=unit, move_people_to=move_to, actor=request.user, ip=client_ip(request)
        )
    except ValidationError as error:
        form.add_error(None, error)
        structure.open_tools(unit.pk, delete_form=form)
        return structure.render(status=422)
    messages.success(request, _deleted_message(unit, len(doomed) - 1, people, move_to))
    return structure.done()


def _deleted_message(unit: Unit, below: int, people: int, move_to: Unit | None) -> str:
    message = _("%(unit)s deleted.") % {"unit": unit.name}
    if below:
        message += " " + _("Units under it deleted: %(count)s.") % {"count": below}
    if people and move_to is not None:
        message += " " + _("People moved to %(unit)s: %(count)s.") % {
            "unit": move_to.name,
            "count": people,
        }
    elif people:
        message += " " + _("People now in no unit: %(count)s.") % {"count": people}
    return message


class _Structure:
    """The structure region of a site's page: the add-a-unit form, the tree, and the tools of
    the one unit being edited. Built from the tree rows read once, so its size does not change
    the number of queries."""

    def __init__(self, request: AuthedHttpRequest, access: CampaignAccess, site: Site) -> None:
        self.request, self.access, self.site = request, access, site
        self.rows = selectors.unit_rows(site)
        self.add_form: UnitAddForm | None = None
        self.focus_add = False
        self.tools: dict = {}

    @classmethod
    def for_post(cls, request: AuthedHttpRequest, campaign_id: int, site_id: int) -> "_Structure":
        """The structure of a site the user manages (another campaign's site: 404)."""
        access = campaign_for_user(request.user, campaign_id)
        site = site_for_user(access, site_id)
        access.require_manage()
        return cls(request, access, site)

    @classmethod
    def for_unit_post(
        cls, request: AuthedHttpRequest, campaign_id: int, site_id: int, unit_id: int
    ) -> tuple["_Structure", Unit]:
        """The structure of a site the user manages, and the unit in the URL.

        Everything is looked up before the role is checked: another campaign's site or unit
        gives everyone the same 404, never a 403 that would confirm it exists."""
        access = campaign_for_user(request.user, campaign_id)
        site = site_for_user(access, site_id)
        unit = unit_for_user(access, unit_id)
        if unit.site_id != site.pk:
            raise Http404
        access.require_manage()
        return cls(request, access, site), unit

    def unit_or_none(self, value: str) -> Unit | None:
        """The unit a select's value names (its choices came from these rows), or None."""
        pk = _int(value)
        return next((row.unit for row in self.rows if row.unit.pk == pk), None)

    def subtree_rows(self, unit_id: int) -> list[selectors.UnitRow]:
        return selectors.subtree_rows(self.rows, unit_id)

    def subtree(self, unit_id: int) -> set[int]:
        return {row.unit.pk for row in self.subtree_rows(unit_id)}

    def open_tools(self, unit_id: int | None, **forms) -> None:
        """Open one unit's rename / move / delete tools, with any bound forms given."""
        row = next((r for r in self.rows if r.unit.pk == unit_id), None)
        if row is None:
            return
        below = self.subtree_rows(row.unit.pk)
        self.tools = {
            "row": row,
            "rename_form": UnitRenameForm(initial={"name": row.unit.name}),
            "move_form": UnitMoveForm(rows=self.rows, exclude={r.unit.pk for r in below}),
            "delete_form": None,
            "units_below": len(below) - 1,
            "people_below": sum(r.people for r in below),
            **forms,
        }

    def context(self) -> dict:
        if self.add_form is None:
            self.add_form = UnitAddForm(rows=self.rows)
        if self.focus_add:
            self.add_form.fields["name"].widget.attrs["autofocus"] = True
        return {
            **_page(self.access),
            "site": self.site,
            "rows": self.rows,
            "add_form": self.add_form,
            "focus_add": self.focus_add,
            "tools": self.tools,
        }

    def render(self, *, status: int = 200, site_form: SiteForm | None = None) -> HttpResponse:
        """The region alone for htmx, else the whole page."""
        if self.request.htmx:
            template = "campaigns/manage/_structure_response.html"
            return render(self.request, template, self.context(), status=status)
        site_form = site_form or SiteForm(
            initial=SiteForm.initial_from(self.site), kind=self.access.campaign.kind
        )
        context = {**self.context(), "site_form": site_form}
        return render(self.request, "campaigns/manage/site_detail.html", context, status=status)

    def done(self, *, parent: str | None = None, edit: int | None = None) -> HttpResponse:
        """After a change: the fresh region for htmx; for a plain form, back to the page.
        `parent` (after adding a unit) keeps the add form ready under the same parent."""
        if not self.request.htmx:
            url = reverse("site_detail", args=[self.access.campaign.pk, self.site.pk])
            if parent is not None:
                url += f"?parent={parent}#add-unit"
            elif edit is not None:
                url += f"?edit={edit}#unit-{edit}"
            return redirect(url)
        fresh = _Structure(self.request, self.access, self.site)
        fresh.add_form = UnitAddForm(initial={"parent": parent or ""}, rows=fresh.rows)
        fresh.focus_add = parent is not None
        fresh.open_tools(edit)
        return fresh.render()


# --- The team ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def campaign_team(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign's leads and organizers: add someone, or change someone's role."""
    access = campaign_for_user(request.user, campaign_id, manage=True)
    campaign = access.campaign
    candidates = selectors.team_candidates(campaign)
    form = TeamMemberForm(_data(request), candidates=candidates)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(pk=form.cleaned_data["user"]).first()
        try:
            member = _team_set(request, campaign, user, form.cleaned_data["role"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(user)s is on the team as %(role)s.")
                % {"user": member.user, "role": member.get_role_display()},
            )
            return redirect("campaign_team", campaign_id=campaign.pk)
    context = {
        **_page(access),
        "team": selectors.team_of(campaign),
        "form": form,
        "roles": TeamMember.Role.choices,
        "has_candidates": bool(candidates),
    }
    return _render(request, "campaigns/manage/campaign_team.html", context, form)


def _team_set(request: AuthedHttpRequest, campaign: Campaign, user: User | None, role: str):
    if user is None:
        raise ValidationError(
            {"user": _("Only the committee's organizers and leads can join a campaign team.")}
        )
    return services.team_member_set(
        campaign=campaign, user=user, role=role, actor=request.user, ip=client_ip(request)
    )


@login_required
@require_POST
def campaign_team_remove(
    request: AuthedHttpRequest, campaign_id: int, user_id: int
) -> HttpResponse:
    """Take someone off the team. Whoever removes themselves goes back to the campaign list."""
    access = campaign_for_user(request.user, campaign_id)
    member = get_object_or_404(
        TeamMember.objects.select_related("user"), campaign=access.campaign, user_id=user_id
    )
    access.require_manage()
    services.team_member_remove(
        campaign=access.campaign, user=member.user, actor=request.user, ip=client_ip(request)
    )
    messages.success(request, _("%(user)s is off the team.") % {"user": member.user})
    if member.user == request.user:
        return redirect("campaign_list")
    return redirect("campaign_team", campaign_id=campaign_id)


# --- Helpers -------------------------------------------------------------------------------------


def _page(access: CampaignAccess) -> dict:
    """What campaigns/base.html needs."""
    return {"campaign": access.campaign, "access": access}


def _render(request: HttpRequest, template: str, context: dict, form) -> HttpResponse:
    """Render a form page: 422 when the form came back with errors."""
    return render(request, template, context, status=422 if form.errors else 200)


def _data(request: HttpRequest):
    """The posted data, or None on GET: an empty POST must still bind (and fail) the form."""
    return request.POST if request.method == "POST" else None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None
