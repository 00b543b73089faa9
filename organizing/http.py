"""Small request helpers every app uses."""

from typing import TYPE_CHECKING

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


def link_invalid(
    request: HttpRequest,
    *,
    message: "StrOrPromise",
    title: "StrOrPromise" = "",
    heading: "StrOrPromise" = "",
    status: int = 404,
) -> HttpResponse:
    """The page an emailed link opens when it cannot be used (tampered with, too old, for an
    action that is over): what went wrong, what to do instead, and that nothing changed.

    One page for every such link, so each says it the same way; by default the link is not
    recognised (404). It sets no cookie: the links must work in browsers that keep none."""
    context = {
        "title": title or _("Link not recognised"),
        "heading": heading or _("This link does not work"),
        "message": message,
    }
    return render(request, "link_invalid.html", context, status=status)
