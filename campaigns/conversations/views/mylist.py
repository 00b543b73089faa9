"""My list: an organizer's home, what to do next across their campaigns."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import reswap, retarget

from campaigns.conversations.selectors.mylist import (
    SECTIONS,
    my_list_allowed,
    my_list_build,
    my_list_page,
)
from campaigns.nudges.services.snooze import nudge_snoozes_mark
from members.http import AuthedHttpRequest

PAGES = "campaigns/conversations/mylist"
SECTIONS_REGION = "#mylist-sections"  # the region a one-on-one logged in place refreshes


@login_required
@require_GET
def my_list(request: AuthedHttpRequest) -> HttpResponse:
    """Overdue follow-ups, today's one-on-ones, follow-ups due today, people not assessed,
    this week's one-on-ones, people gone quiet: each person once, in the first that fits.

    Members and anyone without a campaign get 404, as for any page they may not see.
    """
    if not my_list_allowed(request.user):
        raise Http404
    return render(request, f"{PAGES}/my_list.html", _context(request))


@login_required
@require_GET
@vary_on_headers("HX-Request")
def my_list_section(request: AuthedHttpRequest, section: str) -> HttpResponse:
    """One section of My list, ten at a time (`?page=`): for htmx the rows alone, which
    "Show more" puts in its own place on My list; otherwise a page of its own."""
    if section not in SECTIONS or not my_list_allowed(request.user):
        raise Http404
    page = _page_number(request)
    rows = my_list_page(request.user, section=section, page=page)
    nudge_snoozes_mark(user=request.user, follow_ups=rows.rows if rows.kind == "follow_up" else [])
    if request.htmx:
        context = {"section": rows, "in_place": True, "focus": True, "next_url": reverse("my_list")}
        return render(request, f"{PAGES}/_rows.html", context)
    if not rows.rows and page > rows.pages:  # the section got shorter since the link was made
        return redirect(f"{request.path}?page={rows.pages}")
    context = {"section": rows, "next_url": request.get_full_path()}
    return render(request, f"{PAGES}/section.html", context)


def my_list_refreshed(request: AuthedHttpRequest) -> HttpResponse:
    """The list's sections, fresh, with the messages: the htmx answer to a one-on-one logged in
    place from the list (campaigns.conversations.views.log), whatever element posted it. The
    caller has checked `my_list_allowed`."""
    response = render(request, f"{PAGES}/_refreshed.html", _context(request))
    return retarget(reswap(response, "outerHTML"), SECTIONS_REGION)


def _context(request: AuthedHttpRequest) -> dict:
    my = my_list_build(request.user)
    nudge_snoozes_mark(user=request.user, follow_ups=my.follow_ups)
    return {"my": my, "next_url": reverse("my_list")}


def _page_number(request: AuthedHttpRequest) -> int:
    """`?page=` as typed if it is a page number, else the first page."""
    value = request.GET.get("page", "")
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) < 10_000 else 1
