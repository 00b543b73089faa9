"""The home page: each role lands on what it needs first."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from campaigns.models import TeamMember
from members.http import AuthedHttpRequest
from members.selectors import membership_primary


@login_required
@require_GET
def home(request: AuthedHttpRequest) -> HttpResponse:
    """Organizers and leads on a campaign's team land on their list of people to talk with
    next, members on their actions (invitations, RSVPs); anyone else on a short welcome."""
    membership = membership_primary(request.user)
    if (
        membership is not None
        and membership.is_organizer
        and TeamMember.objects.filter(user=request.user).exists()
    ):
        return redirect("my_list")
    if membership is not None and not membership.is_organizer:
        return redirect("my_actions")
    return render(request, "campaigns/home/home.html", {"membership": membership})
