"""What "today" and "now" mean here: the one time policy of the app.

Storage is UTC. A site's things (an action there, a one-on-one there) show in the site's zone;
everything else ("today" on My list, how late a follow-up is, digests, the audit trail,
committee-wide actions, the outbox) in the committee's zone, `Committee.time_zone`. The server's
TIME_ZONE is only the fallback for a committee-less request (a login page) and a zone name that
is no longer known: an organizer at 11 pm in Chicago is still on Thursday, whatever UTC says.

Every "today" and "now here" goes through this module. During a request of a signed-in member,
`CommitteeTimeZoneMiddleware` activates the committee's zone, so a template shows times in it
unless it names a site's zone with `{% timezone %}`.
"""

import zoneinfo
from collections.abc import Callable
from datetime import date, datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from members.models import Committee, Membership, User
from members.selectors import membership_primary

Here = Committee | User | str | None


def zone_named(name: str | None) -> zoneinfo.ZoneInfo:
    """The zone of that name; the server's if the name is empty or no longer known.
    (ZoneInfo keeps one instance per name: no cache needed here.)"""
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def zone_for(here: Here) -> zoneinfo.ZoneInfo:
    """The zone of a committee, of a user's committee, or of a site or action by name."""
    if isinstance(here, User):
        return _user_zone(here)
    if isinstance(here, Committee):
        here = here.time_zone
    return zone_named(here)


def now_here(here: Here, *, at: datetime | None = None) -> datetime:
    """Now (or `at`) on the wall clock there, as an aware datetime."""
    return timezone.localtime(at or timezone.now(), zone_for(here))


def today_for(here: Here, *, at: datetime | None = None) -> date:
    """Today's date there: the day a follow-up is late by, the day My list is for."""
    return now_here(here, at=at).date()


def day_of(moment: datetime, here: Here) -> date:
    """The calendar day a moment falls on there."""
    return timezone.localtime(moment, zone_for(here)).date()


def midnight(day: date, here: Here) -> datetime:
    """The first moment of a day there (aware), daylight-saving changes included."""
    return datetime.combine(day, datetime.min.time(), tzinfo=zone_for(here))


def _user_zone(user: User) -> zoneinfo.ZoneInfo:
    """The zone of the committee the user's navigation shows, found once per user object."""
    zone = getattr(user, "_clock_zone", None)
    if zone is None:
        membership = membership_primary(user)
        zone = _remember(user, membership)
    return zone


def _remember(user: User, membership: Membership | None) -> zoneinfo.ZoneInfo:
    zone = zone_named(membership.committee.time_zone if membership is not None else None)
    user._clock_zone = zone  # type: ignore[attr-defined]
    return zone


class CommitteeTimeZoneMiddleware:
    """Shows a signed-in member's pages in their committee's zone, never the server's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        membership = membership_primary(user)
        request.membership_primary = membership  # type: ignore[attr-defined]  # one query a request
        with timezone.override(_remember(user, membership)):
            return self.get_response(request)
