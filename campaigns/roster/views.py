"""The chart: a campaign's (or one site's) units with everyone in them as coloured chips,
where each unit stands against the campaign's thresholds, filters, and bulk changes.

Chips are rendered here in Python rather than in a template loop: a campaign chart can hold
10,000 of them, and a template include per chip costs more than all the rest of the page.
"""

from collections.abc import Callable
from dataclasses import replace
from html import escape
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from campaigns.access import CampaignAccess, campaign_for_user, site_for_user
from campaigns.models import Assessment, Campaign, Member, SignupDrive, Site
from campaigns.roster import bulk
from campaigns.roster.matching import possible_duplicates_waiting
from campaigns.roster.selectors import (
    NOT_SIGNED,
    SIGNED_FRESH,
    Chart,
    ChartFilters,
    ChartRow,
    Stats,
    chart_build,
    chart_organizers,
    chart_tags,
)
from campaigns.roster.signatures import (
    FRESH,
    REVOKED,
    STALE,
    UNSIGNED,
    drive_current,
    drives_open,
    signature_statuses,
)
from members.audit import client_ip
from members.clock import today_for
from members.http import AuthedHttpRequest
from members.models import Tag, User
from organizing.forms import DateInput
from organizing.http import HtmxHttpRequest

PAGE = "campaigns/roster/chart.html"
REGION = "campaigns/roster/_chart.html"
DASH = '<b aria-hidden="true">–</b>'  # an unassessed chip: never a number
SENTINEL = 987654321  # stands for a person's id in a reversed URL, replaced per chip
NONE = "none"  # the "unassessed" assessment filter, the "no organizer" one
ASSESSMENT_CHOICES = [(str(n), label) for n, label in Assessment.choices] + [
    (NONE, gettext_lazy("Unassessed"))
]


class ChartFilterForm(forms.Form):
    """The chart's GET filters. Values that do not fit (a stale bookmark, a tag since deleted)
    are dropped rather than refused: the chart still shows, unfiltered by them."""

    q = forms.CharField(label=gettext_lazy("Find a person"), required=False, max_length=100)
    assessment = forms.MultipleChoiceField(
        label=gettext_lazy("Assessment"),
        choices=ASSESSMENT_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organizer = forms.ChoiceField(label=gettext_lazy("Organizer"), required=False)
    leader = forms.BooleanField(label=gettext_lazy("Leaders only"), required=False)
    tag = forms.ChoiceField(label=gettext_lazy("Tag"), required=False)
    unit = forms.IntegerField(label=gettext_lazy("Unit"), required=False, min_value=1)
    signed = forms.ChoiceField(
        label=gettext_lazy("Signed"),
        required=False,
        choices=[
            ("", gettext_lazy("Anyone")),
            (SIGNED_FRESH, gettext_lazy("Signed")),
            (NOT_SIGNED, gettext_lazy("Not signed (or stale, revoked)")),
        ],
    )
    drive = forms.ChoiceField(label=gettext_lazy("Sign-up drive"), required=False)

    def __init__(
        self,
        data: QueryDict,
        *,
        organizers: list[User],
        tags: list[Tag],
        drives: list[SignupDrive] | None = None,
    ) -> None:
        super().__init__(data, auto_id="filter_%s")
        cast(forms.ChoiceField, self.fields["organizer"]).choices = [
            ("", _("Any organizer")),
            (NONE, _("No organizer")),
            *((str(user.pk), str(user)) for user in organizers),
        ]
        cast(forms.ChoiceField, self.fields["tag"]).choices = [
            ("", _("Any tag")),
            *((str(t.pk), t.name) for t in tags),
        ]
        cast(forms.ChoiceField, self.fields["drive"]).choices = [
            ("", ""),
            *((str(d.pk), d.title) for d in drives or []),
        ]

    def filters(self) -> ChartFilters:
        self.is_valid()
        data = self.cleaned_data
        levels = data.get("assessment") or []
        organizer = data.get("organizer") or ""
        return ChartFilters(
            levels=frozenset(int(level) for level in levels if level != NONE),
            unassessed=NONE in levels,
            organizer_id=int(organizer) if organizer.isdigit() else None,
            unassigned=organizer == NONE,
            leader=bool(data.get("leader")),
            tag_id=int(data["tag"]) if data.get("tag") else None,
            unit_id=data.get("unit"),
            q=(data.get("q") or "").strip().casefold(),
            signed=data.get("signed") or "",
        )

    def query(self, *, select: bool = False) -> str:
        """The valid filters as a query string (for links and redirects), "" when none."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None, False, [])}
        data = {k: (1 if v is True else v) for k, v in data.items()}
        if select:
            data["select"] = 1
        return urlencode(data, doseq=True)


class IdsField(forms.Field):
    """Ticked checkboxes' ids; anything that is not a number is dropped."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        return [int(v) for v in value or [] if str(v).isdigit()]


class BulkForm(forms.Form):
    """A bulk change to the people ticked on the chart."""

    entry = IdsField(error_messages={"required": gettext_lazy("Tick at least one person.")})
    action = forms.ChoiceField(
        choices=[
            ("assign_organizer", "assign_organizer"),
            ("add_tag", "add_tag"),
            ("record_members", "record_members"),
        ]
    )
    organizer = forms.ChoiceField(label=gettext_lazy("Organizer"), required=False)
    tag = forms.ChoiceField(label=gettext_lazy("Tag"), required=False)
    new_tag = forms.CharField(label=gettext_lazy("or a new tag"), required=False, max_length=60)
    joined_on = forms.DateField(label=gettext_lazy("Joined on"), required=False, widget=DateInput())
    joined_how = forms.ChoiceField(
        label=gettext_lazy("How they joined"), choices=Member.Joined.choices, required=False
    )

    def __init__(
        self, data: QueryDict | None = None, *, organizers: list[User], tags: list[Tag], **kwargs
    ) -> None:
        super().__init__(data, auto_id="bulk_%s", **kwargs)
        self.organizers = {str(user.pk): user for user in organizers}
        self.tags = {str(tag.pk): tag for tag in tags}
        cast(forms.ChoiceField, self.fields["organizer"]).choices = [("", "—")] + [
            (k, str(u)) for k, u in self.organizers.items()
        ]
        cast(forms.ChoiceField, self.fields["tag"]).choices = [("", "—")] + [
            (k, t.name) for k, t in self.tags.items()
        ]

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        data = self.cleaned_data
        action = data.get("action")
        if action == "assign_organizer" and not data.get("organizer"):
            self.add_error("organizer", _("Choose an organizer."))
        if action == "add_tag" and not (data.get("tag") or data.get("new_tag", "").strip()):
            self.add_error("tag", _("Choose a tag or type a new one."))
        if action == "record_members" and not data.get("joined_on"):
            self.add_error("joined_on", _("Enter the day they joined."))
        return data


@login_required
def campaign_chart(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """The whole campaign: every site's units, the unplaced, and the totals."""
    access = campaign_for_user(request.user, campaign_id)
    return _chart_response(request, access, None)


@login_required
def site_chart(request: AuthedHttpRequest, campaign_id: int, site_id: int) -> HttpResponse:
    """One site of the campaign, the same way."""
    access = campaign_for_user(request.user, campaign_id)
    return _chart_response(request, access, site_for_user(access, site_id))


def _chart_response(request: HtmxHttpRequest, access: CampaignAccess, site: Site | None):
    """The page, or only the chart region for htmx (filters changed). The method is checked
    after access, so another campaign's site answers 404 to every method."""
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    context = _chart_context(access, site, request.GET)
    partial = request.htmx and not request.htmx.history_restore_request
    response = render(request, REGION if partial else PAGE, context)
    if partial:  # the address bar gets the filters without the empty fields
        query = context["query"]
        push_url(response, context["chart_url"] + (f"?{query}" if query else ""))
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
@require_POST
def roster_bulk(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """Assign an organizer to, or tag, the people ticked on the chart; back to the chart with
    its filters. Organizers on the team may do it; only this campaign's entries change."""
    access = campaign_for_user(request.user, campaign_id)
    site_id = _int(request.POST.get("site"))
    sites = Site.objects.filter(campaign=access.campaign)
    site = sites.filter(pk=site_id).first() if site_id is not None else None
    organizers, tags = chart_organizers(access.campaign), chart_tags(access.campaign)
    form = BulkForm(request.POST, organizers=organizers, tags=tags)
    back = QueryDict(request.POST.get("back", ""), mutable=True)
    if form.is_valid():
        try:
            messages.success(request, _bulk_apply(request, access, form))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            filters = ChartFilterForm(back, organizers=organizers, tags=tags)
            filters.is_valid()
            return redirect(f"{_chart_url(access, site)}?{filters.query(select=True)}")
    back["select"] = "1"
    context = _chart_context(access, site, back, bulk_form=form)
    return render(request, PAGE, context, status=422)


def _bulk_apply(request: AuthedHttpRequest, access: CampaignAccess, form: BulkForm) -> str:
    """Run the chosen bulk change; the flash message saying what it did."""
    data, campaign = form.cleaned_data, access.campaign
    if data["action"] == "assign_organizer":
        organizer = form.organizers[data["organizer"]]
        count = bulk.roster_assign_organizer(
            campaign=campaign,
            entry_ids=data["entry"],
            organizer=organizer,
            actor=request.user,
            ip=client_ip(request),
        )
        return ngettext(
            "Assigned %(count)d person to %(name)s.",
            "Assigned %(count)d people to %(name)s.",
            count,
        ) % {"count": count, "name": organizer}
    if data["action"] == "record_members":
        count = bulk.roster_record_members(
            campaign=campaign,
            entry_ids=data["entry"],
            joined_on=data["joined_on"],
            joined_how=data["joined_how"] or Member.Joined.CARD,
            actor=request.user,
            ip=client_ip(request),
        )
        return ngettext(
            "Recorded %(count)d person as a member of the committee.",
            "Recorded %(count)d people as members of the committee.",
            count,
        ) % {"count": count}
    tag, count = bulk.roster_add_tag(
        campaign=campaign,
        entry_ids=data["entry"],
        tag=form.tags.get(data["tag"]),
        tag_name=data["new_tag"],
        actor=request.user,
        ip=client_ip(request),
    )
    return ngettext(
        "Tagged %(count)d person “%(tag)s”.", "Tagged %(count)d people “%(tag)s”.", count
    ) % {"count": count, "tag": tag.name}


def _chart_context(
    access: CampaignAccess,
    site: Site | None,
    params: QueryDict,
    *,
    bulk_form: BulkForm | None = None,
) -> dict:
    """Everything the chart page shows, filtered by the query `params`."""
    campaign = access.campaign
    organizers, tags = chart_organizers(campaign), chart_tags(campaign)
    drives = drives_open(campaign)
    filter_form = ChartFilterForm(params, organizers=organizers, tags=tags, drives=drives)
    filters = filter_form.filters()
    select = params.get("select") == "1"
    drive = drive_current(drives, filter_form.cleaned_data.get("drive"))
    marks = _Marks(campaign, drive, _chart_url(access, site), filter_form.query())
    if drive is None:  # no drive running: no marks, no "Signed" filter
        filters = replace(filters, signed="")
    chart = chart_build(campaign=campaign, site=site, filters=filters, fresh=marks.fresh_or_none)
    selected = set(bulk_form.cleaned_data.get("entry", [])) if bulk_form else set()
    return {
        "campaign": campaign,
        "access": access,
        "site": site,
        "chart": chart,
        "totals": _render_html(chart, campaign, select=select, selected=selected, marks=marks),
        "drives": drives,
        "drive": drive,
        "filters": filters,
        "filter_form": filter_form,
        "more_filters_open": _more_filters_on(filters),
        "select_mode": select,
        "query": filter_form.query(),
        "select_query": filter_form.query(select=True),
        "chart_url": _chart_url(access, site),
        "campaign_chart_url": _chart_url(access, None),
        "add_url": reverse("roster_add", args=[campaign.pk]),
        "possible_duplicates": _possible_duplicates(access),
        "bulk_form": bulk_form
        or BulkForm(
            organizers=organizers,
            tags=tags,
            initial={"joined_on": today_for(campaign.committee), "joined_how": "card"},
        ),
    }


def _possible_duplicates(access: CampaignAccess) -> int:
    """For a committee lead, how many possible duplicates wait (campaign leads and
    organizers never see them)."""
    if not access.can_manage:
        return 0
    return possible_duplicates_waiting(user=access.user, committee_id=access.campaign.committee_id)


def _render_html(
    chart: Chart, campaign: Campaign, *, select: bool, selected: set[int], marks: "_Marks"
) -> str:
    """Fill in each unit's chips and stats line, and each site's; the campaign's stats line."""
    render_chips = _chip_renderer(select=select, selected=selected, marks=marks)
    stats_line = _StatsLine(campaign.thresholds)
    for node in chart.nodes():
        node.chips, node.summary = render_chips(node.rows), stats_line(node.stats)
    for site_chart in chart.sites:
        site_chart.summary = stats_line(site_chart.stats)
    return stats_line(chart.stats)


def _more_filters_on(filters: ChartFilters) -> bool:
    """Whether a filter folded under "More filters" is on, so the fold opens to show it."""
    return any(
        [filters.organizer_id, filters.unassigned, filters.leader, filters.tag_id, filters.unit_id]
    )


class _Marks:
    """Each person's signature on the campaign's current drive, as the chips' marks (fresh ✓,
    stale, revoked, with words for screen readers) and, for whoever has no fresh signature, a
    pen that opens the paper-signature form: one query for the whole roster."""

    SYMBOLS = {FRESH: "✓", STALE: "◔", REVOKED: "✕"}

    def __init__(self, campaign: Campaign, drive: SignupDrive | None, back: str, query: str):
        self.statuses = signature_statuses(drive) if drive else {}
        self.fresh = {pid for pid, status in self.statuses.items() if status == FRESH}
        self.fresh_or_none = self.fresh if drive else None
        words = {FRESH: _("Signed"), STALE: _("Signature stale"), REVOKED: _("Signature revoked")}
        mark = '<span class="sig sig-{0}" role="img" aria-label="{1}" title="{1}">{2}</span>'
        self.html = {
            status: mark.format(status, escape(words[status]), symbol)
            for status, symbol in self.SYMBOLS.items()
        }
        self.pen = ""
        if drive is not None:
            address = reverse("signature_add", args=[campaign.pk, drive.pk, SENTINEL])
            back = urlencode({"next": f"{back}?{query}" if query else back})
            self.pen = (
                f'<a class="chip-sign" href="{address}?{back}" hx-get="{address}?{back}" '
                'hx-target="#chart-sign-slot" hx-swap="innerHTML show:top" '
                'aria-label="{label}" title="{label}">✍</a>'
            )
            self.pen_label = _("Record a paper signature for %(name)s")

    def mark(self, person_id: int) -> str:
        return self.html.get(self.statuses.get(person_id, UNSIGNED), "")

    def sign(self, row: ChartRow) -> str:
        status = self.statuses.get(row.person_id, UNSIGNED)
        if not self.pen or status == FRESH:  # a stale card is signed again, as a new one
            return ""
        label = escape(self.pen_label % {"name": row.display_name})
        return self.pen.replace(str(SENTINEL), str(row.person_id)).replace("{label}", label)


def _chip_renderer(
    *, select: bool, selected: set[int], marks: _Marks
) -> Callable[[list[ChartRow]], str]:
    """A function turning rows into chips' HTML: links to each person's page, or checkboxes
    in select mode. One small element per person, classes only, no inline style."""
    prefix, _sentinel, suffix = reverse("person_detail", args=[SENTINEL]).partition(str(SENTINEL))
    star = '<span class="star" role="img" aria-label="{0}" title="{0}">★</span>'.format(
        escape(_("Leader"))
    )
    unassessed = ' title="{}"'.format(escape(_("Unassessed")))

    def chip(row: ChartRow) -> str:
        level = row.assessment or 0
        number, title = (f"<b>{level}</b>", "") if level else (DASH, unassessed)
        inner = (
            f"{star if row.is_leader else ''}<bdi>{escape(row.display_name)}</bdi> {number}"
            f"{marks.mark(row.person_id)}"
        )
        if select:
            checked = " checked" if row.entry_id in selected else ""
            return (
                f'<label class="chip a{level}"{title}><input type="checkbox" name="entry" '
                f'value="{row.entry_id}"{checked}>{inner}</label>'
            )
        href = f"{prefix}{row.person_id}{suffix}"
        return f'<a class="chip a{level}" href="{href}"{title}>{inner}</a>{marks.sign(row)}'

    return lambda rows: mark_safe("".join(map(chip, rows)))  # noqa: S308 - escaped above


class _StatsLine:
    """Where a unit, a site or the campaign stands, as HTML: a bar with the thresholds as
    ticks, "42% · majority at 50%", then the counts. A chart has hundreds of these, so the
    words are translated once per page and the HTML is put together here, not in a template."""

    def __init__(self, thresholds: list[int]) -> None:
        self.goals = {
            "interest": _("showing of interest at %(at)d%%"),
            "majority": _("majority above %(at)d%%"),
            "super": _("supermajority at %(at)d%%"),
            "": _("supermajority reached"),
        }
        self.assessed = _("%(count)d assessed")
        self.levels = _("1s %(ones)d · 2s %(twos)d")
        self.no_leader = escape(_("no leader yet"))
        self.ticks = "".join(f'<line x1="{t}" x2="{t}" y1="0" y2="10"/>' for t in thresholds)

    def __call__(self, stats: Stats) -> str:
        goal = escape(self.goals[stats.goal] % {"at": stats.goal_at})
        people = ngettext("%(count)d person", "%(count)d people", stats.people)
        counts = " · ".join(
            [
                escape(people % {"count": stats.people}),
                escape(self.assessed % {"count": stats.assessed}),
                escape(self.levels % {"ones": stats.ones, "twos": stats.twos}),
                self._leaders(stats),
            ]
        )
        return mark_safe(  # noqa: S308 - every word escaped above
            f'<span class="stats"><span class="support">{self._bar(stats)} '
            f"<strong>{stats.support}%</strong> · {goal}</span>"
            f'<span class="counts">{counts}</span></span>'
        )

    def _bar(self, stats: Stats) -> str:
        return (
            '<svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" '
            'aria-hidden="true" focusable="false"><rect class="track" width="100" height="10"/>'
            f'<rect class="fill r{stats.reached}" width="{stats.support}" height="10"/>'
            f"{self.ticks}</svg>"
        )

    def _leaders(self, stats: Stats) -> str:
        if not stats.leaders:
            return f'<span class="no-leader">{self.no_leader}</span>' if stats.people else ""
        words = ngettext("★ %(count)d leader", "★ %(count)d leaders", stats.leaders)
        return f'<span class="leaders">{escape(words % {"count": stats.leaders})}</span>'


def _chart_url(access: CampaignAccess, site: Site | None) -> str:
    if site is None:
        return reverse("campaign_chart", args=[access.campaign.pk])
    return reverse("site_chart", args=[access.campaign.pk, site.pk])


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None
