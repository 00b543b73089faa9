"""Actions as calendar entries: one action's .ics, and a person's secret calendar address.

Discretion: a calendar is seen by more than its owner (a shared family or work calendar, a
phone's lock screen, a boss glancing at a screen). So an entry says only the campaign's code
name and the kind of action ("Harbor: General meeting"), never the campaign's target, and not
the action's title or description either: organizers write those freely and they may name the
employer or the landlord. The place and the video link are there (they are what a calendar is
for); everything else is one tap away in the app, behind the member's login.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from campaigns.models import Action, CalendarFeed, Rsvp
from campaigns.models.actions import new_public_key
from members.models import Committee, Person, User

PRODID = "-//Majority//Actions//EN"


def action_summary(action: Action) -> str:
    """What the calendar shows at a glance: code name and kind, never the target or title."""
    kind = action.get_kind_display()
    if action.campaign is None:
        return str(kind)
    return _("%(code_name)s: %(kind)s") % {"code_name": action.campaign.code_name, "kind": kind}


def action_event(action: Action, *, url: str) -> Event:
    """One VEVENT, its times in the action's own zone (TZID), with a UID that never changes."""
    zone = ZoneInfo(action.time_zone)
    event = Event()
    event.add("uid", action_uid(action))
    event.add("dtstamp", action.updated_at)
    event.add("last-modified", action.updated_at)
    event.add("dtstart", timezone.localtime(action.starts_at, zone))
    event.add("dtend", timezone.localtime(action.ends_at, zone))
    event.add("summary", action_summary(action))
    event.add("status", "CANCELLED" if action.is_cancelled else "CONFIRMED")
    if action.location:
        event.add("location", action.location)
    details = [_("Details: %(url)s") % {"url": url}]
    if action.video_url:
        details.insert(0, _("Video: %(url)s") % {"url": action.video_url})
    event.add("description", "\n".join(details))
    event.add("url", url)
    return event


def action_uid(action: Action) -> str:
    """Stable per action and per deployment, so a re-import updates rather than duplicates."""
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"action-{action.pk}@{host}"


def calendar_ics(actions: list[tuple[Action, str]], *, name: str | None = None) -> bytes:
    """A calendar of (action, its URL) pairs, with the VTIMEZONEs its events use."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    for action, url in actions:
        calendar.add_component(action_event(action, url=url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def calendar_feed_actions(person: Person, *, now: datetime | None = None) -> list[Action]:
    """What a person's calendar address lists: actions not over yet they said yes or maybe to
    (cancelled ones stay, marked cancelled, so calendar apps take them off)."""
    now = now or timezone.now()
    return list(
        Action.objects.filter(
            rsvps__person=person,
            rsvps__response__in=[Rsvp.Response.YES, Rsvp.Response.MAYBE],
            ends_at__gt=now,
        )
        .select_related("campaign")
        .order_by("starts_at", "pk")
    )


def calendar_feed_get(*, person: Person) -> CalendarFeed:
    """The person's calendar address, made the first time they ask for it."""
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed


def calendar_feeds_working() -> QuerySet[CalendarFeed]:
    """The calendar addresses that still work: not those of a deactivated user."""
    return CalendarFeed.objects.select_related("person").filter(
        Q(person__user__isnull=True) | Q(person__user__is_active=True)
    )


def calendar_feeds_revoke(committee: Committee, user: User | None) -> int:
    """End the calendar addresses of the committee's people (user=None), or the user's own;
    how many ended. Opening My actions makes a new one."""
    feeds = CalendarFeed.objects.filter(person__committee=committee)
    if user is not None:
        feeds = feeds.filter(person__user=user)
    deleted, _by_model = feeds.delete()
    return deleted


def calendar_feed_rotate(*, person: Person) -> CalendarFeed:
    """A new secret address: the old one stops working at once (a leaked link is revoked)."""
    with transaction.atomic():
        feed = calendar_feed_get(person=person)
        feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
        feed.key = new_public_key()
        feed.save(update_fields=["key"])
    return feed
