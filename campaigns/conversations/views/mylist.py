"""My list: an organizer's home, what to do next across their campaigns."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET
from django_htmx.http import reswap, retarget

from campaigns.conversations.selectors.mylist import my_list_allowed, my_list_build
from campaigns.nudges.services.snooze import nudge_snoozes_mark
from members.http import AuthedHttpRequest

PAGES = "campaigns/conversations/mylist"
SECTIONS = "#mylist-sections"  # the region a one-on-one logged in place refreshes


@login_required
@require_GET
def my_list(request: AuthedHttpRequest) -> HttpResponse:
    """Overdue and due follow-ups, this week's one-on-ones, people gone quiet, unassessed.

    Members and anyone without a campaign get 404, as for any page they may not see.
    """
    if not my_list_allowed(request.user):
        raise Http404
    return render(request, f"{PAGES}/my_list.html", _context(request))


def my_list_refreshed(request: AuthedHttpRequest) -> HttpResponse:
    """The list's sections, fresh, with the messages: the htmx answer to a one-on-one logged in
    place from the list (campaigns.conversations.views.log), whatever element posted it. The
    caller has checked `my_list_allowed`."""
    response = render(request, f"{PAGES}/_refreshed.html", _context(request))
    return retarget(reswap(response, "outerHTML"), SECTIONS)


def _context(request: AuthedHttpRequest) -> dict:
    my = my_list_build(request.user)
    nudge_snoozes_mark(user=request.user, follow_ups=my.follow_ups)
    return {"my": my, "next_url": reverse("my_list")}
