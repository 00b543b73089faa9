"""Small request helpers every app uses."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails


def next_url(request: HttpRequest, fallback: str = "") -> str:
    """Where to go after a save: the ?next= (or posted `next`) the page sent, if it is a path
    on this site, else `fallback`. Never another host: a crafted link must not bounce an
    organizer to a look-alike site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    local = target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts=None)
    return target if local else fallback


class HtmxHttpRequest(HttpRequest):
    """A request as our views see it: django-htmx's middleware sets `htmx` on every one."""

    htmx: HtmxDetails
