"""Two-factor authentication: leads and organizers enrol before they see any roster.

A roster that reaches a boss or a landlord costs people their jobs and homes; a reused or
phished password must not be enough to read one. allauth.mfa does the enrolling and the code
at login; this module decides who must have a second factor and sends them to get one.
"""

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import cast

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import user_logged_in
from django.db.models import Exists, OuterRef
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django_htmx.http import HttpResponseClientRedirect

from members.models import Membership, User

ORGANIZING_ROLES = [Membership.Role.LEAD, Membership.Role.ORGANIZER]
# Recovery codes are a way back in, not a factor one can enrol with alone.
SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
# What someone who must enrol may still reach: allauth's account, two-factor and session pages
# (to enrol, log out, change a password), and the health check.
OPEN_URL_PREFIXES = ("account_", "mfa_", "usersessions_")
# And the pages that answer to a secret link, not to the login, and show no roster: an
# organizer not yet enrolled can still answer their own invitation (and save it to a calendar),
# read their calendar, or stop messages to them.
OPEN_URL_NAMES = {
    "healthz",
    "invitation_accept",
    "rsvp_link",
    "rsvp_link_ics",
    "action_public",
    "calendar_feed",
    "unsubscribe",
    "unsubscribe_one_click",
}
# The standing is kept in the session (loaded anyway) and read again from the database at most
# once a minute, and at once after any change on the two-factor pages: pages cost no query.
STANDING = "majority.standing"
STANDING_FRESH_SECONDS = 60


@dataclass(frozen=True)
class Standing:
    """What the security checks need to know about the signed-in user, read in one query."""

    organizes: bool  # a lead or organizer of some committee: sees rosters
    enrolled: bool  # has an authenticator app or a passkey


NOBODY = Standing(organizes=False, enrolled=False)


class _MarkedRequest(HttpRequest):
    """The attributes this module sets on a request: the standing read for it (absent until
    then) and `two_factor` for templates."""

    _security_standing: Standing | None
    two_factor: "TwoFactor"


def now_seconds() -> int:
    return int(timezone.now().timestamp())


def standing(request: HttpRequest) -> Standing:
    """The signed-in user's standing, from the session while fresh, shared by the middlewares.

    A role given or an authenticator removed in another session counts within a minute."""
    found = getattr(request, "_security_standing", None)
    if found is None:
        found = cast(_MarkedRequest, request)._security_standing = standing_in_session(request)
    return found


def standing_in_session(request: HttpRequest) -> Standing:
    user = request.user
    if not user.is_authenticated:
        return NOBODY
    saved = request.session.get(STANDING)
    if saved and saved["user"] == user.pk and now_seconds() - saved["at"] < STANDING_FRESH_SECONDS:
        return Standing(organizes=saved["organizes"], enrolled=saved["enrolled"])
    return remember_standing(request, user)


def remember_standing(request: HttpRequest, user: User) -> Standing:
    found = standing_of(user)
    request.session[STANDING] = {"user": user.pk, "at": now_seconds(), **asdict(found)}
    return found


@receiver(user_logged_in, dispatch_uid="members.mfa.standing_at_login")
def standing_at_login(sender, request: HttpRequest | None, user, **kwargs) -> None:
    """Read at login, while the session is written anyway, so the next page needs no query."""
    if request is not None and hasattr(request, "session"):
        cast(_MarkedRequest, request)._security_standing = None
        remember_standing(request, user)


def standing_of(user) -> Standing:
    if not user.is_authenticated:
        return NOBODY
    organizes, enrolled = (
        User.objects.filter(pk=user.pk)
        .annotate(
            organizes=Exists(
                Membership.objects.filter(user=OuterRef("pk"), role__in=ORGANIZING_ROLES)
            ),
            enrolled=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type__in=SECOND_FACTORS)
            ),
        )
        .values_list("organizes", "enrolled")
        .get()
    )
    return Standing(organizes=organizes, enrolled=enrolled)


def must_enrol(request: HttpRequest) -> bool:
    """True for a lead or organizer without a second factor while the requirement is on."""
    if not settings.MFA_REQUIRED or not request.user.is_authenticated:
        return False
    found = standing(request)
    return found.organizes and not found.enrolled


def staff_with_two_factor(request: HttpRequest) -> bool:
    """Who may use the Django admin (it shows every row): active staff with a second factor,
    whether or not the requirement is on for the rest of the app."""
    user = request.user
    return user.is_active and user.is_staff and standing_of(user).enrolled


@dataclass
class TwoFactor:
    """request.two_factor, for templates: whether this server requires it, and whether this
    user must still enrol (the enrolment page then says why)."""

    request: HttpRequest

    @property
    def required(self) -> bool:
        return settings.MFA_REQUIRED

    @property
    def must_enrol(self) -> bool:
        return must_enrol(self.request)


class RequireTwoFactorMiddleware:
    """Sends a lead or organizer without a second factor to enrol, from any page but the few
    they need to do so; staff without one never reach the admin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cast(_MarkedRequest, request).two_factor = TwoFactor(request)
        response = self.get_response(request)
        match = request.resolver_match
        if request.method == "POST" and match and (match.url_name or "").startswith("mfa_"):
            request.session.pop(STANDING, None)  # enrolled or removed a factor: read it anew
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None:  # never: Django resolves the URL before it calls process_view
            return None
        if match.namespace == "admin":
            needs_enrolment = request.user.is_staff and not staff_with_two_factor(request)
        else:
            needs_enrolment = not is_open(match.url_name) and must_enrol(request)
        return enrolment_redirect(request) if needs_enrolment else None


def is_open(url_name: str | None) -> bool:
    if not url_name:
        return False
    return url_name.startswith(OPEN_URL_PREFIXES) or url_name in OPEN_URL_NAMES


def enrolment_redirect(request: HttpRequest) -> HttpResponse:
    """To the two-factor page; htmx follows HX-Redirect with a full page load instead of
    swapping that page into a fragment."""
    url = reverse("mfa_index")
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url)
