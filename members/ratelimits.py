"""Rate limits on the pages a script could hammer: the emailed links (per address, as the
people who open them are not logged in) and imports and exports (per user).

Counting is django-ratelimit's (fixed windows in the shared cache, so every web process sees
the same counters). Over the limit a request gets a short page with HTTP 429 and a
`Retry-After` saying when the window ends. The limits are settings (RATE_LIMITS, from the
environment): a kind set to "" is not limited.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import get_usage

from members.audit import client_ip

LINKS, IMPORTS, EXPORTS = "links", "imports", "exports"


def _by_ip(group: str, request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _by_user(group: str, request: HttpRequest) -> str:
    user = request.user
    return f"user:{user.pk}" if user.is_authenticated else f"ip:{_by_ip(group, request)}"


def _rate(group: str, request: HttpRequest) -> str | None:
    return settings.RATE_LIMITS.get(group) or None


def rate_limit(kind: str, *, per: str = "ip", method: str | list[str] = "ALL") -> Callable:
    """Count each request of a view (or only those of `method`) against the `kind`'s limit,
    per client address (`per="ip"`) or per logged-in user (`per="user"`)."""
    key = _by_user if per == "user" else _by_ip
    methods = get_usage.ALL if method == "ALL" else method

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            counted: set[str] = request.__dict__.setdefault("_rate_limits_counted", set())
            if kind in counted:  # a limited view that calls another: one request, one count
                return view(request, *args, **kwargs)
            counted.add(kind)
            usage = get_usage(
                request, group=kind, key=key, rate=_rate, method=methods, increment=True
            )
            if usage is not None and usage["should_limit"]:
                return too_many_requests(request, retry_after=usage["time_left"])
            return view(request, *args, **kwargs)

        return limited

    return decorate


def counted_within(key: str, *, limit: int, window: int) -> bool:
    """Count one more for `key`; False once `limit` were counted in the fixed `window`
    (seconds) in the shared cache. For a limit a service decides on after reading the form
    (a public page counts its answers, not its visitors)."""
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """The page over a limit: what happened and when to try again; nothing was done."""
    seconds = max(retry_after, 1)
    minutes = (seconds + 59) // 60
    response = render(request, "too_many_requests.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(seconds)
    return response
