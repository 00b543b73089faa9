"""Response hardening that applies to every page."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils.cache import patch_cache_control


class NoStoreWhenSignedInMiddleware:
    """Pages seen by a signed-in user carry rosters, names and phone numbers: no browser or
    proxy may keep a copy (a shared computer's back button must not show them)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class NoNulInQueryMiddleware:
    """Drops NUL characters from the query string's values. No one types one, Postgres
    refuses them in any text, and every search box reads its words from the query string:
    a crafted `?q=%00` would otherwise be a server error on each of them. (Forms that POST
    refuse them with a message: Django's form fields check.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.META.get("QUERY_STRING", "")
        if "%00" in query:
            request.GET = QueryDict(query.replace("%00", ""), encoding=request.encoding)
        return self.get_response(request)
