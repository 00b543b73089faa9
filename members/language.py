"""Which language each page and each message speaks.

- A signed-in user: the language they chose in Account (User.language), else as below.
- Anyone else: the language they chose with the switcher (a cookie), else the browser's
  Accept-Language, else the committee's default (settings.LANGUAGE_CODE): LocaleMiddleware.
- A page opened from an emailed or texted link: the switcher's choice if there is one, else the
  language the message was written in (the person's preferred language).
- A message: to a person, in their preferred language; to a user, in theirs; either falls back
  to the committee's default. A language we do not have falls back the same way, never to an
  error.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

if TYPE_CHECKING:
    from members.models import Person, User


def supported(code: str | None) -> str | None:
    """`code` if it is one of settings.LANGUAGES (a regional variant such as es-MX counts as
    es), else None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_of(who: Person | User | None) -> str:
    """The language a message to this person (their preferred language) or user (their
    chosen one) is written in; the committee's default when they have none we speak."""
    code = getattr(who, "preferred_language", None) or getattr(who, "language", None)
    return supported(code) or settings.LANGUAGE_CODE


def speaking_to(who: Person | User | None) -> AbstractContextManager[None]:
    """Render a message in `who`'s language: `with speaking_to(person): render_to_string(...)`."""
    return translation.override(language_of(who))


def chosen(request: HttpRequest) -> str | None:
    """The language this browser picked with the switcher, if we have it."""
    return supported(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def for_link_page(request: HttpRequest, written_in: str) -> AbstractContextManager[None]:
    """A page opened from a message speaks the language the message was `written_in` (the
    person's preferred language, the invitation's), unless its reader switched to another."""
    code = chosen(request) or supported(written_in) or translation.get_language()
    return translation.override(code)


def remember(response: HttpResponse, code: str) -> None:
    """Keep the switcher's choice in the language cookie (settings.LANGUAGE_COOKIE_*)."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


class UserLanguageMiddleware:
    """After authentication: a signed-in user's pages speak the language chosen in Account.

    LocaleMiddleware has already picked one from the cookie or Accept-Language; this replaces
    it when the user chose one, and LocaleMiddleware's response half then names it in
    Content-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        code = supported(user.language) if user is not None and user.is_authenticated else None
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        return self.get_response(request)
