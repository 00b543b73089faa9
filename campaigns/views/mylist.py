"""My list: an organizer's home, what to do next across their campaigns."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from campaigns.selectors.mylist import my_list_allowed, my_list_build


@login_required
@require_GET
def my_list(request: HttpRequest) -> HttpResponse:
    """Overdue and due follow-ups, this week's one-on-ones, people gone quiet, unassessed.

    Members and anyone without a campaign get 404, as for any page they may not see.
    """
    if not my_list_allowed(request.user):
        raise Http404
    context = {"my": my_list_build(request.user), "next_url": request.path}
    return render(request, "campaigns/mylist/my_list.html", context)
