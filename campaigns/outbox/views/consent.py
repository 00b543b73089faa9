"""Unsubscribing without logging in: the signed token in the URL is the key.

Two URLs for one token. The page a person opens from the email's footer: GET asks (and changes
nothing, since mail scanners open every link), POST opts out. And the one-click URL of the
List-Unsubscribe header (RFC 8058), which a mail client POSTs to with the body
"List-Unsubscribe=One-Click" and no cookie nor CSRF token: that POST alone is CSRF-exempt, the
signed token being its authority; a GET of it shows the same page as the first.
"""

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from campaigns.outbox.services.consent import (
    UnsubscribeInvalid,
    consent_opt_out,
    unsubscribe_resolve,
)
from members.audit import client_ip
from members.language import for_link_page
from members.ratelimits import LINKS, rate_limit
from organizing.http import link_invalid

PAGES = "campaigns/outbox/consent"
ONE_CLICK = "List-Unsubscribe=One-Click"
INVALID = gettext_lazy(
    "It may have been copied only in part. Open the link from the email again, or ask an "
    "organizer to stop the emails for you."
)


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit(LINKS)
def unsubscribe(request: HttpRequest, unsubscribe_token: str) -> HttpResponse:
    """Ask whether to stop these messages; POST (the page's button) stops them."""
    try:
        person, channel = unsubscribe_resolve(unsubscribe_token)
    except UnsubscribeInvalid:
        return link_invalid(request, message=INVALID)
    with for_link_page(request, person.preferred_language):
        if request.method == "POST":
            consent_opt_out(person=person, channel=channel, via="link", ip=client_ip(request))
            return _page(request, unsubscribe_token, channel, done=True)
        return _page(request, unsubscribe_token, channel, done=False)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
@rate_limit(LINKS)
def unsubscribe_one_click(request: HttpRequest, unsubscribe_token: str) -> HttpResponse:
    """The List-Unsubscribe URL: a mail client's one-click POST opts out; a GET (someone
    pasted the URL in a browser) shows the page that asks first."""
    if request.method == "GET":
        return unsubscribe(request, unsubscribe_token)
    try:
        person, channel = unsubscribe_resolve(unsubscribe_token)
    except UnsubscribeInvalid:
        return link_invalid(request, message=INVALID)
    if request.POST.get("List-Unsubscribe") != "One-Click":
        return HttpResponseBadRequest(f"Expected the body {ONE_CLICK}.", content_type="text/plain")
    consent_opt_out(person=person, channel=channel, via="one_click", ip=client_ip(request))
    with for_link_page(request, person.preferred_language):
        return _page(request, unsubscribe_token, channel, done=True)


def _page(request: HttpRequest, token: str, channel: str, *, done: bool) -> HttpResponse:
    """The page says nothing of the person: whoever holds a forwarded link sees no name."""
    context = {"token": token, "channel": channel, "done": done}
    return render(request, f"{PAGES}/unsubscribe.html", context)
