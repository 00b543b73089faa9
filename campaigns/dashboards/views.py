"""The dashboards: a campaign's (where it stands, by unit and over time, who does the work,
who shows up), its unit table as CSV, and the committee overview.

Leads and the campaign's organizers see a campaign's dashboard; everyone else gets the 404 of
a campaign that does not exist. Filters are GET parameters: the page works as a plain form,
and with htmx only the dashboard region is redrawn. Charts are SVG drawn by the templates from
the coordinates worked out here: no chart script.
"""

import csv
import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import cast
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django_htmx.http import push_url

from campaigns.access import (
    CampaignAccess,
    CampaignRoles,
    campaign_for_user,
    campaign_roles,
)
from campaigns.dashboards import selectors
from campaigns.dashboards.selectors import (
    Coverage,
    Dashboard,
    DashboardFilters,
    UnitRow,
    WeekPoint,
)
from campaigns.dashboards.selectors.signups import signup_panel
from campaigns.dashboards.services import trends_refresh
from campaigns.imports import csv_formats
from campaigns.imports.services import roster_export_record
from campaigns.models import Campaign
from members.access import organizing_membership
from members.audit import client_ip
from members.clock import today_for, zone_for
from members.http import AuthedHttpRequest
from members.models import Committee
from members.ratelimits import EXPORTS, rate_limit
from members.templatetags.dates import format_named
from organizing.forms import DateInput, LongSelect

PAGE = "campaigns/dashboards/dashboard.html"
REGION = "campaigns/dashboards/_dashboard.html"
FILTERS = "campaigns/dashboards/_filters.html"
INDENTATION = re.compile(r"\n\s+")
SORT_CHOICES = [
    ("coverage", gettext_lazy("Worst covered first")),
    ("name", gettext_lazy("Name")),
    ("people", gettext_lazy("People")),
    ("assessed", gettext_lazy("Ever assessed")),
    ("support", gettext_lazy("Support")),
    ("leaders", gettext_lazy("Leaders")),
    ("quiet", gettext_lazy("Days since anyone was talked with")),
    ("gap", gettext_lazy("Supporters needed")),
]


class DashboardFilterForm(forms.Form):
    """The dashboard's GET filters. Values that do not fit (a unit since deleted, a mistyped
    date) are dropped rather than refused: the dashboard still shows, without them."""

    since = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        widget=DateInput(),
    )
    until = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        widget=DateInput(),
    )
    site = forms.TypedChoiceField(
        label=gettext_lazy("Site"), required=False, coerce=int, empty_value=None
    )
    unit = forms.TypedChoiceField(
        label=gettext_lazy("Unit"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=LongSelect,
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Order units by"), required=False, choices=SORT_CHOICES
    )

    def __init__(self, data: QueryDict, *, places: selectors.Places) -> None:
        super().__init__(data, auto_id="dash_%s")
        cast(forms.TypedChoiceField, self.fields["site"]).choices = [("", _("All sites"))] + [
            (str(pk), name) for pk, name in places.sites
        ]
        cast(forms.TypedChoiceField, self.fields["unit"]).choices = [("", _("All units"))] + [
            (name, [(str(o.unit_id), o.label) for o in places.options if o.site_id == pk])
            for pk, name in places.sites
        ]
        self.is_valid()

    def filters(self) -> DashboardFilters:
        data = self.cleaned_data
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            since, until = until, since
        return DashboardFilters(
            since=since, until=until, site_id=data.get("site"), unit_id=data.get("unit")
        )

    @property
    def order(self) -> str:
        return self.cleaned_data.get("sort") or "coverage"

    def query(self, **changes) -> str:
        """The valid filters as a query string, with `changes`; empty values left out."""
        data = {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}
        data.update(changes)
        data = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}
        if data.get("sort") == "coverage":
            del data["sort"]
        return urlencode(data)


# --- Views ---------------------------------------------------------------------------------------


@login_required
def campaign_dashboard(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """The campaign dashboard, or only its region for htmx (a filter changed). Access is
    checked before the method, so another campaign answers 404 to every method.

    The filters and the region are kept DASHBOARD_CACHE_SECONDS (5 by default) per campaign,
    query and language: leads opening it together before a meeting cost one computation, and
    a newly logged conversation shows within those seconds."""
    roles = campaign_roles(request.user, campaign_id)
    if not roles.may_see:
        raise Http404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    if request.htmx and not request.htmx.history_restore_request:
        parts = _parts(request, campaign_for_user(request.user, campaign_id, roles=roles))
        response = HttpResponse(parts["region"])
        push_url(response, parts["url"])
    else:
        response = HttpResponse(_page(request, campaign_id, roles))
    patch_vary_headers(response, ["HX-Request"])
    return response


def _page(request: AuthedHttpRequest, campaign_id: int, roles: CampaignRoles) -> str:
    """The whole page, kept as briefly as the region for this session (its navigation and
    form tokens are this user's) unless a message waits to be shown on it. The caller has
    checked `roles`: the user may see the campaign."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    # Logging in saved the session, so it has a key; were it ever missing, nothing is kept.
    session_key = request.session.session_key
    session = hashlib.sha256((session_key or "").encode()).hexdigest()[:32]
    key = f"dashboard-page:{session}:{campaign_id}:{get_language()}:{_query(request)}"
    keep = seconds and session_key and not len(get_messages(request))
    page = cache.get(key) if keep else None
    if page is None:
        access = campaign_for_user(request.user, campaign_id, roles=roles)
        parts = _parts(request, access)
        campaign = access.campaign
        context = {
            "campaign": campaign,
            "access": access,
            "today": today_for(campaign.committee),
            "filters_html": mark_safe(parts["filters"]),  # noqa: S308 - our templates' output
            "region": mark_safe(parts["region"]),  # noqa: S308
        }
        page = render_to_string(PAGE, context, request)
        if keep:
            cache.set(key, page, seconds)
    return page


def _tight(html: str) -> str:
    """Without the templates' indentation (a fifth of the page; no <pre> or <textarea> in
    it): less to keep, fetch and send each time the kept copy is served."""
    return INDENTATION.sub("\n", html)


def _query(request: HttpRequest) -> str:
    return urlencode(sorted(request.GET.lists()), doseq=True)


def _parts(request: HttpRequest, access: CampaignAccess) -> dict[str, str]:
    """The filters form and the dashboard region as HTML, and the page's address: computed,
    or as computed moments ago for the same campaign, query and language."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    key = f"dashboard:{access.campaign.pk}:{get_language()}:{_query(request)}"
    parts = cache.get(key) if seconds else None
    if parts is None:
        places = selectors.dashboard_places(access.campaign)
        form = DashboardFilterForm(request.GET, places=places)
        context = _dashboard_context(access, form, places)
        address = context["dashboard_url"] + (f"?{context['query']}" if context["query"] else "")
        parts = {
            "filters": _tight(render_to_string(FILTERS, context, request)),
            "region": _tight(render_to_string(REGION, context, request)),
            "url": address,
        }
        if seconds:
            cache.set(key, parts, seconds)
    return parts


@login_required
@rate_limit(EXPORTS, per="user")
def campaign_dashboard_export(request: AuthedHttpRequest, campaign_id: int) -> HttpResponse:
    """The unit table as shown (same filters, same order) as CSV. Every export is on the
    record, as the roster's is."""
    access = campaign_for_user(request.user, campaign_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    places = selectors.dashboard_places(access.campaign)
    form = DashboardFilterForm(request.GET, places=places)
    table = selectors.unit_table(campaign=access.campaign, filters=form.filters(), places=places)
    rows = selectors.sort_units(table.units, form.order)
    roster_export_record(
        campaign=access.campaign,
        actor=request.user,
        count=len(rows),
        ip=client_ip(request),
        of="dashboard_units",
        filters=form.query(),
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response.write(csv_formats.BOM)
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS())
    writer.writerows(_csv_row(row) for row in rows)
    name = slugify(access.campaign.code_name) or "campaign"
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-units-{table.today:%Y-%m-%d}.csv"'
    )
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def committee_overview(request: AuthedHttpRequest, committee_id: int) -> HttpResponse:
    """Every active campaign the user may see, side by side, and overdue follow-ups across
    them. Leads see every campaign, organizers their own; anyone else gets a 404."""
    membership = organizing_membership(request.user, committee_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET"])
    committee: Committee = membership.committee
    trends_refresh(committee_id=committee.pk)  # the kept weeks it reads, never late
    overview = selectors.overview_build(committee=committee, user=request.user)
    cards = [(card, sparkline(card.weeks, card.campaign)) for card in overview.cards]
    return render(
        request,
        "campaigns/dashboards/overview.html",
        {"overview": overview, "committee": committee, "cards": cards},
    )


def _dashboard_context(
    access: CampaignAccess, form: DashboardFilterForm, places: selectors.Places
) -> dict:
    campaign = access.campaign
    filters = form.filters()
    trends_refresh(campaign_ids=[campaign.pk])  # the kept weeks it reads, never late
    dashboard = selectors.dashboard_build(campaign=campaign, filters=filters, places=places)
    units = selectors.sort_units(dashboard.units, form.order)
    url = reverse("campaign_dashboard", args=[campaign.pk])
    return {
        "campaign": campaign,
        "access": access,
        "dashboard": dashboard,
        "total": dashboard.total,
        "units": units,
        "unit_rows": unit_rows_html(units, many_sites=len(dashboard.sites) > 1),
        "form": form,
        "filters": filters,
        "sort": form.order,
        "sort_links": _sort_links(form, url),
        "query": form.query(),
        "dashboard_url": url,
        "export_url": reverse("campaign_dashboard_export", args=[campaign.pk]),
        "distribution": distribution(dashboard.total),
        "goals": goal_lines(dashboard.total, campaign),
        "trend": trend_chart(dashboard.weeks, campaign),
        "talks": conversation_bars(dashboard.weeks),
        "per_week": _per_week(dashboard),
        "place_name": _place_name(filters, places),
        "quiet_days": selectors.QUIET_DAYS,
        "order_label": dict(SORT_CHOICES)[form.order],
        "structure": [(level, LEVEL_NAMES[level.level]) for level in dashboard.structure],
        "rollup": _rollup(dashboard, places),
        "signups": signup_panel(campaign, selectors.unit_scope(filters, places.units)),
    }


def unit_rows_html(units: list[UnitRow], *, many_sites: bool) -> SafeString:
    """The unit table's rows, rendered here rather than by a template loop: a campaign with
    1,000 units would spend most of its dashboard's time resolving template variables. Every
    name is escaped; the words are translated once per table."""
    words = {
        "unplaced": escape(_("Unplaced")),
        "none": escape(_("none")),
        "never": escape(_("never talked with")),
        "quiet": escape(_("quiet")),
    }
    rows = []
    for row in units:
        c = row.coverage
        stats = c.stats
        if row.unit_id:
            name: str = escape(row.name)
            if many_sites:
                name += f' <span class="muted">· {escape(row.site_name)}</span>'
        else:
            name = f"<em>{words['unplaced']}</em>"
        if stats.leaders:
            leaders = f'<td class="num">{stats.leaders}</td>'
        else:
            leaders = f'<td class="num warn">0 <span class="flag">{words["none"]}</span></td>'
        quiet = " warn" if row.quiet else ""
        if row.days_quiet is None:
            days = f'<span class="flag">{words["never"]}</span>'
        else:
            days = str(row.days_quiet)
            if row.quiet:
                days += f' <span class="flag">{words["quiet"]}</span>'
        gap = f'{c.needed} <span class="muted">→ {stats.goal_at}%</span>' if stats.goal else "✓"
        rows.append(
            f'<tr data-unit="{row.unit_id or "none"}"><th scope="row">{name}</th>'
            f'<td class="num">{c.people}</td>'
            f'<td class="num heat-{c.contacted_band}">{c.contacted_pct}%</td>'
            f'<td class="num heat-{c.assessed_band}">{c.assessed_pct}%</td>'
            f'<td class="num heat-{c.support_band}">{stats.support}%</td>'
            f"{leaders}"
            f'<td class="num{quiet}">{days}</td>'
            f'<td class="num">{gap}</td></tr>'
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - built from escaped names and numbers


def _rollup(dashboard: Dashboard, places: selectors.Places) -> list[selectors.RollupSite]:
    """A tenant campaign's units as buildings → floors → apartments with totals per level
    (a landlord's roster is long and its tree is the way to read it); none for a workplace."""
    campaign = dashboard.campaign
    if campaign.kind != Campaign.Kind.TENANT:
        return []
    return selectors.unit_rollup(
        units=dashboard.units,
        places=places,
        thresholds=campaign.threshold_triple,
        today=dashboard.today,
        tz=zone_for(campaign.committee),
    )


def _sort_links(form: DashboardFilterForm, url: str) -> dict[str, str]:
    return {key: f"{url}?{form.query(sort=key)}".rstrip("?") for key, _label in SORT_CHOICES}


def _per_week(dashboard: Dashboard) -> list[tuple]:
    """Each organizer's conversations per week over the weeks shown."""
    weeks = max(len(dashboard.weeks), 1)
    return [(row, round(row.conversations / weeks, 1)) for row in dashboard.organizers]


def _place_name(filters: DashboardFilters, places: selectors.Places) -> str:
    if filters.unit_id:
        return next((o.label for o in places.options if o.unit_id == filters.unit_id), "")
    if filters.site_id:
        return dict(places.sites).get(filters.site_id, "")
    return ""


# --- The CSV -------------------------------------------------------------------------------------


def CSV_COLUMNS() -> list[str]:  # noqa: N802 - a constant, translated when asked for
    return [
        _("Site"),
        _("Unit"),
        _("People"),
        _("Contacted"),
        _("Contacted %"),
        _("Assessed"),
        _("Assessed %"),
        "1",
        "2",
        "3",
        "4",
        "5",
        _("Unassessed"),
        _("Support %"),
        _("Leaders"),
        _("Last contact"),
        _("Days since last contact"),
        _("Next threshold %"),
        _("Supporters needed"),
    ]


def _csv_row(row: UnitRow) -> list:
    c = row.coverage
    return [
        csv_formats.formula_safe(row.site_name),
        csv_formats.formula_safe(row.name or _("Unplaced")),
        c.people,
        c.contacted,
        c.contacted_pct,
        c.stats.assessed,
        c.assessed_pct,
        *c.levels,
        c.unassessed,
        c.stats.support,
        c.stats.leaders,
        c.last_contact.date().isoformat() if c.last_contact else "",
        "" if row.days_quiet is None else row.days_quiet,
        c.stats.goal_at if c.stats.goal else "",
        c.needed,
    ]


# --- Charts: coordinates for the SVG templates ---------------------------------------------------

LEVEL_NAMES = {
    1: gettext_lazy("1 · Leader"),
    2: gettext_lazy("2 · Supporter"),
    3: gettext_lazy("3 · Undecided"),
    4: gettext_lazy("4 · Leaning against"),
    5: gettext_lazy("5 · Opposed"),
    0: gettext_lazy("Unassessed"),
}


@dataclass(frozen=True)
class Segment:
    level: int  # 0: unassessed
    name: str
    count: int
    pct: int
    x: float
    width: float

    @property
    def mark(self) -> str:
        """What is printed in the segment: the level's number, or a dash for unassessed."""
        return str(self.level) if self.level else "–"

    @property
    def label_x(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def labelled(self) -> bool:
        return self.width >= 18


DIST_WIDTH = 600


def distribution(coverage: Coverage) -> list[Segment]:
    """The stacked bar of 1s … 5s then unassessed, in a 600-wide viewBox."""
    counts = [*zip(range(1, 6), coverage.levels, strict=True), (0, coverage.unassessed)]
    segments, x = [], 0.0
    for level, count in counts:
        width = DIST_WIDTH * count / coverage.people if coverage.people else 0
        pct = selectors.percent(count, coverage.people)
        segments.append(Segment(level, str(LEVEL_NAMES[level]), count, pct, round(x, 1), width))
        x += width
    return segments


@dataclass(frozen=True)
class GoalLine:
    at: int
    reached: bool
    x: float  # where its tick sits on the distribution bar (600 wide)


def goal_lines(coverage: Coverage, campaign: Campaign) -> list[GoalLine]:
    return [
        GoalLine(at, coverage.stats.reached > i, DIST_WIDTH * at / 100)
        for i, at in enumerate(campaign.thresholds)
    ]


@dataclass(frozen=True)
class TrendChart:
    """The support and assessed lines over the weeks, with the thresholds, in a viewBox of
    WIDTH × HEIGHT; the plot area starts at LEFT and TOP."""

    support: str  # polyline points
    assessed: str
    markers: list[tuple[float, float, float, float]]  # x, support y, assessed y, square x
    thresholds: list[tuple[float, int, str]]  # y, percent, name
    grid: list[tuple[float, int]]  # y, percent
    ticks: list[tuple[float, str]]  # x, week label
    last_support: tuple[float, int] | None  # y, value: the line's end label
    last_assessed: tuple[float, int] | None


W, H, LEFT, RIGHT, TOP, BOTTOM = 640, 240, 62, 520, 12, 204


def _x(i: int, n: int) -> float:
    if n <= 1:
        return (LEFT + RIGHT) / 2
    return round(LEFT + (RIGHT - LEFT) * i / (n - 1), 1)


def _y(pct: float, top: float = TOP, bottom: float = BOTTOM) -> float:
    return round(bottom - (bottom - top) * pct / 100, 1)


def _ticks(weeks: list[WeekPoint], xs: list[float]) -> list[tuple[float, str]]:
    """About six week labels ("Mar 3", as the page's language writes it) at their `xs`."""
    step = max(1, (len(weeks) + 5) // 6)
    shown = range(0, len(weeks), step)
    axis = format_named("CHART_DAY_FORMAT")
    return [(xs[i], dateformat.format(weeks[i].starts_on, axis)) for i in shown]


def trend_chart(weeks: list[WeekPoint], campaign: Campaign) -> TrendChart | None:
    if not weeks:
        return None
    n = len(weeks)
    xs = [_x(i, n) for i in range(n)]
    support = [_y(w.support) for w in weeks]
    assessed = [_y(w.assessed_pct) for w in weeks]
    names = [_("interest"), _("majority"), _("supermajority")]
    return TrendChart(
        support=" ".join(f"{x},{y}" for x, y in zip(xs, support, strict=True)),
        assessed=" ".join(f"{x},{y}" for x, y in zip(xs, assessed, strict=True)),
        markers=[
            (x, ys, ya, round(x - 3, 1)) for x, ys, ya in zip(xs, support, assessed, strict=True)
        ]
        if n <= 40
        else [],
        thresholds=[
            (_y(at), at, name) for at, name in zip(campaign.thresholds, names, strict=True)
        ],
        grid=[(_y(p), p) for p in (0, 25, 50, 75, 100)],
        ticks=_ticks(weeks, xs),
        last_support=(support[-1], weeks[-1].support),
        last_assessed=(assessed[-1], weeks[-1].assessed_pct),
    )


@dataclass(frozen=True)
class Bars:
    bars: list[tuple[float, float, float, float, WeekPoint]]  # x, y, width, height, week
    top: int  # the largest week's count, the scale's top
    ticks: list[tuple[float, str]]


BAR_TOP, BAR_BOTTOM = 8, 104


def conversation_bars(weeks: list[WeekPoint]) -> Bars | None:
    """One bar per week of conversations logged, in a 640 × 130 viewBox."""
    if not weeks:
        return None
    n, top = len(weeks), max(w.conversations for w in weeks) or 1
    slot = (RIGHT - LEFT) / n
    bars = []
    for i, week in enumerate(weeks):
        height = (BAR_BOTTOM - BAR_TOP) * week.conversations / top
        x = LEFT + slot * i + slot * 0.1
        bars.append(
            (
                round(x, 1),
                round(BAR_BOTTOM - height, 1),
                round(slot * 0.8, 1),
                round(height, 1),
                week,
            )
        )
    return Bars(bars, top, _ticks(weeks, [round(LEFT + slot * (i + 0.5), 1) for i in range(n)]))


@dataclass(frozen=True)
class Sparkline:
    points: str
    majority_y: float
    end: tuple[float, float]
    first: int
    last: int
    weeks: list[WeekPoint]


SPARK_W, SPARK_H = 120, 36


def sparkline(weeks: list[WeekPoint], campaign: Campaign) -> Sparkline | None:
    """Support % by week in a 120 × 36 viewBox, with the majority line."""
    if not weeks:
        return None
    n = len(weeks)
    xs = [2 + (SPARK_W - 6) * i / (n - 1) if n > 1 else SPARK_W / 2 for i in range(n)]
    ys = [_y(w.support, 3, SPARK_H - 3) for w in weeks]
    return Sparkline(
        points=" ".join(f"{round(x, 1)},{y}" for x, y in zip(xs, ys, strict=True)),
        majority_y=_y(campaign.threshold_majority, 3, SPARK_H - 3),
        end=(round(xs[-1], 1), ys[-1]),
        first=weeks[0].support,
        last=weeks[-1].support,
        weeks=weeks,
    )
