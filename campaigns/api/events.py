"""Actions as OSDI events and RSVPs as OSDI attendances, the shapes Action Network serves
(https://actionnetwork.org/docs/v2/events, /attendances), without views.

- **Which actions** (`events_for_scope`): a committee-wide token sees all of the committee's
  actions, as its leads do. A campaign token sees its campaigns' actions and the committee-wide
  ones (general meetings, trainings: its campaigns' people are invited to them too), never
  another campaign's.
- **Which attendances** (`attendances_for_scope`): the RSVPs of those actions whose person the
  token may see (campaigns.api.people.people_for_scope); anyone else's answer is not there,
  as if it did not exist.
- **Dates** are UTC to the second with a "Z", as every other Action Network date: an action
  at 18:00 in Chicago in winter starts at "…T00:00:00Z" the next day. A client that wants the
  local clock has the instant, which is unambiguous; a wall-clock time without a zone is not.
- **An attendance's id**: an RSVP has no public id of its own, so its id is a UUID derived
  from its action's and its person's public ids (uuid5, a fixed namespace). One RSVP per
  person and action makes it unique, and it stays the same for as long as both exist.
"""

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Least

from campaigns.api.people import osdi_date, people_for_scope
from campaigns.models import Action, Rsvp
from members.models import Committee

# Fixed for good: changing it changes every attendance's id that clients have stored.
ATTENDANCE_NAMESPACE = uuid.UUID("5b0e3a4c-7f0e-4b8e-9d3c-0a1f6e2d8c41")
CREATED = "osdi_created_at"  # the annotation attendances_for_scope adds


def events_for_scope(*, committee: Committee, campaign_ids: set[int] | None) -> QuerySet[Action]:
    """Ordered by a unique key, so that paging is stable while actions are added or moved."""
    actions = Action.objects.filter(committee=committee)
    if campaign_ids is not None:
        actions = actions.filter(Q(campaign_id__in=campaign_ids) | Q(campaign__isnull=True))
    return actions.select_related("site").order_by("pk")


def attendances_for_scope(
    *, committee: Committee, campaign_ids: set[int] | None, actions: QuerySet[Action]
) -> QuerySet[Rsvp]:
    """The RSVPs to `actions` (from events_for_scope) of the people the token sees, each with
    `osdi_created_at`: an RSVP keeps no creation time, so its earliest known moment (invited,
    answered, checked in, or else its last change) stands for it."""
    people = people_for_scope(committee=committee, campaign_ids=campaign_ids)
    return (
        Rsvp.objects.filter(action__in=actions.values("pk"), person__in=people.values("pk"))
        .annotate(**{CREATED: Least("invited_at", "responded_at", "checked_in_at", "updated_at")})
        .select_related("action", "person")
        .order_by("pk")
    )


def attendance_public_id(rsvp: Rsvp) -> uuid.UUID:
    return uuid.uuid5(ATTENDANCE_NAMESPACE, f"{rsvp.action.public_id}/{rsvp.person.public_id}")


def event_osdi(action: Action, *, base_url: str, browser_url: str | None) -> dict[str, Any]:
    """One action as an Action Network event. `browser_url` is the public page's absolute
    address, given only for a public action (the others have no page a stranger may open)."""
    href = f"{base_url.rstrip('/')}/events/{action.public_id}"
    event: dict[str, Any] = {
        "identifiers": [f"majority:{action.public_id}"],
        "status": "cancelled" if action.is_cancelled else "confirmed",
        "created_date": osdi_date(action.created_at),
        "modified_date": osdi_date(action.updated_at),
        "title": action.title,
        "description": action.description,
        "start_date": osdi_date(action.starts_at),
        "end_date": osdi_date(action.ends_at),
        "visibility": "public" if action.visibility == Action.Visibility.PUBLIC else "private",
    }
    if action.capacity is not None:
        event["capacity"] = action.capacity
    location = _location(action)
    if location:
        event["location"] = location
    if browser_url:
        event["browser_url"] = browser_url
    event["_links"] = {
        "self": {"href": href},
        "osdi:attendances": {"href": f"{href}/attendances"},
        "osdi:record_attendance_helper": {"href": f"{href}/attendances"},
    }
    return event


def _location(action: Action) -> dict[str, Any]:
    """What we hold of a place: the site's name as the venue and the address as typed, one
    line each (we keep no city or postal code apart, so none is made up)."""
    location: dict[str, Any] = {}
    if action.site is not None:
        location["venue"] = action.site.name
    lines = [line.strip() for line in action.location.splitlines() if line.strip()]
    if lines:
        location["address_lines"] = lines
    return location


# Our answer as OSDI's attendance status. A yes on the waitlist has no place yet: tentative.
STATUS: dict[str, str] = {
    Rsvp.Response.YES: "accepted",
    Rsvp.Response.MAYBE: "tentative",
    Rsvp.Response.NO: "declined",
    Rsvp.Response.NONE: "needs action",
}


def attendance_osdi(rsvp: Rsvp, *, base_url: str) -> dict[str, Any]:
    """One RSVP (from attendances_for_scope) as an Action Network attendance. `attended` is
    true once someone checked the person in; not recorded yet reads as false."""
    base = base_url.rstrip("/")
    public_id = attendance_public_id(rsvp)
    event = f"{base}/events/{rsvp.action.public_id}"
    status = STATUS.get(rsvp.response, "needs action")
    if status == "accepted" and rsvp.is_waitlisted:
        status = "tentative"
    return {
        "identifiers": [f"majority:{public_id}"],
        "created_date": osdi_date(getattr(rsvp, CREATED)),
        "modified_date": osdi_date(rsvp.updated_at),
        "status": status,
        "attended": rsvp.attended is True,
        "_links": {
            "self": {"href": f"{event}/attendances/{public_id}"},
            "osdi:event": {"href": event},
            "osdi:person": {"href": f"{base}/people/{rsvp.person.public_id}"},
        },
    }
