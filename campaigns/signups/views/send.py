"""Sending signing links, for the campaign's team: to everyone on the roster who has not
signed (a whole campaign, a site, or a unit and the units under it), with a count first; and
to one person, from their page.

The campaign's organizers and leads may send (campaign_for_user); the messages go through the
outbox, which keeps to each person's consent and channel.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from campaigns.access import CampaignAccess, campaign_for_user
from campaigns.models import SignupDrive, Site, Unit
from campaigns.roster.units import unit_places
from campaigns.signups.sending import link_waiting, signing_audience, signing_links_send
from campaigns.signups.services import drive_open_problem, signature_standing
from members.clock import today_for
from members.http import AuthedHttpRequest
from members.models import Person

PAGES = "campaigns/signups/send"


def _drive(access: CampaignAccess, drive_id: int) -> SignupDrive:
    """The campaign's drive (404 for another campaign's)."""
    return get_object_or_404(
        SignupDrive.objects.select_related("campaign", "campaign__committee"),
        pk=drive_id,
        campaign=access.campaign,
    )


def _place(access: CampaignAccess, value: str) -> tuple[Site | None, Unit | None]:
    """The site ("site:<id>") or unit ("unit:<id>") chosen, of this campaign; neither for
    the whole roster (or a place that is not the campaign's)."""
    kind, _sep, number = value.partition(":")
    if not number.isdigit():
        return None, None
    if kind == "site":
        return Site.objects.filter(pk=number, campaign=access.campaign).first(), None
    if kind == "unit":
        unit = Unit.objects.filter(pk=number, site__campaign=access.campaign).first()
        return None, unit
    return None, None


def _choices(access: CampaignAccess) -> list[tuple[str, str]]:
    """The places a send can be narrowed to: each site, then each unit by its path."""
    sites = Site.objects.filter(campaign=access.campaign).order_by("position", "name")
    places = unit_places(Unit.objects.filter(site__campaign=access.campaign))
    return [
        *((f"site:{site.pk}", _("Site: %(name)s") % {"name": site.name}) for site in sites),
        *((f"unit:{p.unit.pk}", _("Unit: %(path)s") % {"path": p.path}) for p in places),
    ]


@login_required
@require_http_methods(["GET", "POST"])
def drive_links_send(request: AuthedHttpRequest, campaign_id: int, drive_id: int) -> HttpResponse:
    """Who would get a link (a count, narrowed to a place); POST sends them."""
    access = campaign_for_user(request.user, campaign_id)
    drive = _drive(access, drive_id)
    data = request.POST if request.method == "POST" else request.GET
    place = data.get("place", "")
    site, unit = _place(access, place)
    audience = signing_audience(drive, site=site, unit=unit)
    today = today_for(access.campaign.committee)
    problem = drive_open_problem(drive, today)
    here = reverse("drive_links_send", args=[access.campaign.pk, drive.pk])
    if request.method == "POST" and not problem:
        try:
            sent = signing_links_send(drive=drive, people=audience.people, actor=request.user)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            messages.success(
                request,
                ngettext(
                    "A signing link is on its way to %(count)d person.",
                    "Signing links are on their way to %(count)d people.",
                    sent,
                )
                % {"count": sent},
            )
            return redirect(f"{here}?place={place}" if site or unit else here)
    context = {
        "campaign": access.campaign,
        "drive": drive,
        "audience": audience,
        "choices": _choices(access),
        "place": place if site or unit else "",
        "problem": problem,
    }
    status = 409 if request.method == "POST" else 200
    return render(request, f"{PAGES}/send.html", context, status=status)


@login_required
@require_POST
def drive_link_send_one(
    request: AuthedHttpRequest, campaign_id: int, drive_id: int, person_id: int
) -> HttpResponse:
    """Send one person on the roster their link (the person page's button), and go back to
    their page saying what happened."""
    access = campaign_for_user(request.user, campaign_id)
    drive = _drive(access, drive_id)
    person = (
        Person.objects.filter(
            pk=person_id,
            roster_entries__campaign=access.campaign,
            roster_entries__removed_at__isnull=True,
        )
        .distinct()
        .first()
    )
    if person is None:
        raise Http404
    name = person.preferred_name or person.given_name
    today = today_for(access.campaign.committee)
    problem = drive_open_problem(drive, today)
    if problem:
        messages.error(request, problem)
    elif person.do_not_contact:
        messages.error(request, _("%(name)s is marked do not contact.") % {"name": name})
    elif signature_standing(drive=drive, person=person, on=today) is not None:
        messages.info(request, _("%(name)s has signed already.") % {"name": name})
    elif link_waiting(drive, person):
        messages.info(request, _("A link to %(name)s is already on its way.") % {"name": name})
    else:
        signing_links_send(drive=drive, people=[person], actor=request.user)
        messages.success(request, _("A signing link is on its way to %(name)s.") % {"name": name})
    return redirect("person_detail", person.pk)
