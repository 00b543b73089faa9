"""Sessions: a lead's or organizer's ends after a while without a request (idle timeout);
a lead ends other people's (deactivating a user, lockdown: sessions_end).

A phone left unlocked on a break-room table must not stay a window onto the roster. Members
see no roster, so they are not timed out. The last request's time is kept in the session and
written at most once a minute, so browsing does not write the session on every page.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib import import_module

from allauth.account.utils import url_str_to_user_pk
from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, user_logged_in, user_logged_out
from django.contrib.auth.views import redirect_to_login
from django.contrib.sessions.models import Session
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from members.mfa import now_seconds, standing

LAST_ACTIVITY = "majority.last_activity"
RECORD_EVERY_SECONDS = 60


@receiver(user_logged_in, dispatch_uid="members.sessions.activity_at_login")
def activity_at_login(sender, request: HttpRequest | None, **kwargs) -> None:
    """Logging in is activity; the session is being written anyway, so recording it here
    spares the first page after login a write of its own."""
    if request is not None and hasattr(request, "session"):
        request.session[LAST_ACTIVITY] = now_seconds()


CLEARING = "majority_clear_site_data"  # set on a request whose user was logged out
TIMED_OUT = "majority_timed_out"  # ... by the idle timeout, not by their own hand


@receiver(user_logged_out, dispatch_uid="members.sessions.clear_browser_at_logout")
def clear_browser_at_logout(sender, request: HttpRequest | None, **kwargs) -> None:
    """Whoever uses this browser next must find nothing of this user in it (a one-on-one
    draft, a cached page): ClearSiteDataMiddleware says so to the browser."""
    if request is not None:
        setattr(request, CLEARING, True)


class ClearSiteDataMiddleware:
    """On the answer to a logout, ask the browser to drop this site's storage and cache:
    Clear-Site-Data. Cookies are left, so the page after logging out can still say why.
    static/js/drafts.js and static/js/field.js cover browsers without it.

    After an idle timeout only the cache: the one-on-ones a phone keeps to send (field mode,
    sealed with a key the browser forgets now, campaigns.conversations.field) must outlive
    a session that timed out while the organizer had no signal, and are sent after they log
    in again; static/js/field.js drops the kept pages and the key."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, CLEARING, False):
            timed_out = getattr(request, TIMED_OUT, False)
            response["Clear-Site-Data"] = '"cache"' if timed_out else '"cache", "storage"'
        return response


class IdleTimeoutMiddleware:
    """Logs out a lead or organizer idle longer than SESSION_IDLE_TIMEOUT_MINUTES, and sends
    them to log in again, back to where they were."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and standing(request).organizes:
            last = request.session.get(LAST_ACTIVITY)
            now = now_seconds()
            if last is not None and now - last > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                return timed_out(request)
            if last is None or now - last >= RECORD_EVERY_SECONDS:
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)


def timed_out(request: HttpRequest) -> HttpResponse:
    """Log out, say why, and ask for the login page with `next` set to the page they were on
    (for htmx, the page the fragment was for)."""
    setattr(request, TIMED_OUT, True)
    logout(request)
    minutes = settings.SESSION_IDLE_TIMEOUT_MINUTES
    messages.info(
        request,
        ngettext(
            "You were logged out after %(minutes)d minute without activity.",
            "You were logged out after %(minutes)d minutes without activity.",
            minutes,
        )
        % {"minutes": minutes},
    )
    htmx = getattr(request, "htmx", None)
    if htmx:
        page = htmx.current_url_abs_path or "/"
        return HttpResponseClientRedirect(redirect_to_login(page)["Location"])
    return redirect_to_login(request.get_full_path())


# --- Ending other people's sessions (deactivation, lockdown) -------------------------------------

# Where a session names its user: logged in (django.contrib.auth), or partway through logging
# in, with a login code emailed or a second factor asked for (allauth keeps the pending login,
# and so the code, in the session of the browser that asked).
_LOGGED_IN = "_auth_user_id"
_PENDING_LOGIN = "account_login"


@dataclass(frozen=True)
class SessionsEnded:
    logged_in: int  # sessions that were logged in
    pending: int  # logins half done: an emailed code or a second factor not yet entered


def sessions_end(*, user_ids: set[int], keep: str | None = None) -> SessionsEnded:
    """End every session of these users, logged in or partway through logging in (a pending
    login code dies with its session), except the session `keep` (the caller's own).

    Sessions are stored signed and encoded, so each live one is read: a committee's database
    holds a few hundred, and this runs on a lead's rare, deliberate action. Deleting through
    the session store clears the cached copy (cached_db) with the row.
    """
    wanted = {str(pk) for pk in user_ids}
    logged_in, pending = [], []
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key, data in _live_sessions():
        if key == keep:
            continue
        decoded = store().decode(data)
        if str(decoded.get(_LOGGED_IN, "")) in wanted:
            logged_in.append(key)
        elif _pending_user(decoded) in wanted:
            pending.append(key)
    for key in logged_in + pending:
        store(key).delete(key)
    UserSession.objects.filter(session_key__in=logged_in + pending).delete()
    return SessionsEnded(logged_in=len(logged_in), pending=len(pending))


def _live_sessions() -> Iterator[tuple[str, str]]:
    rows = Session.objects.filter(expire_date__gt=timezone.now())
    return rows.values_list("session_key", "session_data").iterator()


def _pending_user(decoded: dict) -> str:
    """The user a half-done login is for, as a string like the logged-in one; allauth writes
    its id in base 36 (user_pk_to_url_str)."""
    login = decoded.get(_PENDING_LOGIN)
    user_pk = login.get("user_pk") if isinstance(login, dict) else None
    try:
        return str(url_str_to_user_pk(user_pk)) if user_pk else ""
    except ValueError:
        return ""
