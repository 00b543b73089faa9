"""Events and attendances in the OSDI API: the committee's actions and the RSVPs to them, read
only. A token sees what campaigns.api.events gives its scope; anything else is 404."""

from django.db.models import QuerySet
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.api import osdi
from campaigns.api.events import (
    CREATED,
    attendance_osdi,
    attendance_public_id,
    attendances_for_scope,
    event_osdi,
    events_for_scope,
)
from campaigns.api.people import people_for_scope
from campaigns.api.views.entry import OsdiView
from campaigns.api.views.people import _one as one_person
from campaigns.api.views.people import scope_of
from campaigns.models import Action, ApiToken, Rsvp


class EventsView(OsdiView):
    def get(self, request: Request) -> Response:
        token: ApiToken = request.auth
        actions = events_for_scope(committee=token.committee, campaign_ids=scope_of(token))
        actions = _filtered_events(actions, request.query_params.get("filter", ""))
        page, per_page = osdi.page_params(request.query_params)
        total = actions.count()
        rows = list(actions[(page - 1) * per_page : page * per_page])
        base = self.base(request)
        items = [_event(request, action, base) for action in rows]
        self.audit_read(request, count=len(items))
        return Response(
            osdi.collection(
                kind="events",
                items=items,
                page=page,
                per_page=per_page,
                total=total,
                base_url=base,
                query=request.query_params,
            )
        )


class EventView(OsdiView):
    def get(self, request: Request, event_id: str) -> Response:
        token: ApiToken = request.auth
        action = _one_event(token, event_id)
        return Response(_event(request, action, self.base(request)))


class AttendancesView(OsdiView):
    """An event's attendances: the RSVPs of the people the token sees."""

    def get(self, request: Request, event_id: str) -> Response:
        token: ApiToken = request.auth
        action = _one_event(token, event_id)
        rsvps = attendances_for_scope(
            committee=token.committee,
            campaign_ids=scope_of(token),
            actions=Action.objects.filter(pk=action.pk),
        )
        return self.page(request, rsvps, path=f"events/{action.public_id}/attendances")

    def page(self, request: Request, rsvps: QuerySet[Rsvp], *, path: str) -> Response:
        rsvps = _filtered_attendances(rsvps, request.query_params.get("filter", ""))
        page, per_page = osdi.page_params(request.query_params)
        total = rsvps.count()
        rows = list(rsvps[(page - 1) * per_page : page * per_page])
        base = self.base(request)
        items = [attendance_osdi(rsvp, base_url=base) for rsvp in rows]
        self.audit_read(request, count=len(items))
        return Response(
            osdi.collection(
                kind="attendances",
                items=items,
                page=page,
                per_page=per_page,
                total=total,
                base_url=base,
                query=request.query_params,
                path=path,
            )
        )


class PersonAttendancesView(AttendancesView):
    """A person's attendances (their osdi:attendances link), to the events the token sees."""

    def get(self, request: Request, person_id: str) -> Response:
        token: ApiToken = request.auth
        scope = scope_of(token)
        person = one_person(
            people_for_scope(committee=token.committee, campaign_ids=scope), person_id
        )
        rsvps = attendances_for_scope(
            committee=token.committee,
            campaign_ids=scope,
            actions=events_for_scope(committee=token.committee, campaign_ids=scope),
        ).filter(person=person)
        return self.page(request, rsvps, path=f"people/{person.public_id}/attendances")


class AttendanceView(OsdiView):
    def get(self, request: Request, event_id: str, attendance_id: str) -> Response:
        token: ApiToken = request.auth
        action = _one_event(token, event_id)
        rsvps = attendances_for_scope(
            committee=token.committee,
            campaign_ids=scope_of(token),
            actions=Action.objects.filter(pk=action.pk),
        )
        wanted = osdi.parse_identifier(f"{osdi.IDENTIFIER_PREFIX}:{attendance_id}")
        # The id is derived, not stored: one event's RSVPs are few enough to look through.
        rsvp = next((r for r in rsvps if attendance_public_id(r) == wanted), None)
        if rsvp is None:
            raise osdi.not_found()
        return Response(attendance_osdi(rsvp, base_url=self.base(request)))


def _one_event(token: ApiToken, event_id: str) -> Action:
    public_id = osdi.parse_identifier(f"{osdi.IDENTIFIER_PREFIX}:{event_id}")
    actions = events_for_scope(committee=token.committee, campaign_ids=scope_of(token))
    action = actions.filter(public_id=public_id).first() if public_id else None
    if action is None:
        raise osdi.not_found()
    return action


def _event(request: Request, action: Action, base: str) -> dict:
    browser_url = None
    if action.visibility == Action.Visibility.PUBLIC:
        browser_url = request.build_absolute_uri(
            reverse("action_public", kwargs={"public_key": action.public_key})
        )
    return event_osdi(action, base_url=base, browser_url=browser_url)


_LOOKUP = {"gt": "gt", "lt": "lt"}


def _filtered_events(actions: QuerySet[Action], text: str) -> QuerySet[Action]:
    """`start_date`, `modified_date`, `created_date` gt|lt '…' and `identifier eq
    'majority:…'`, joined by and: a sync asks for what changed, a calendar for what is coming."""
    columns = {
        "start_date": "starts_at",
        "modified_date": "updated_at",
        "created_date": "created_at",
    }
    for condition in osdi.parse_filter(text, fields=osdi.FILTER_FIELDS["events"]):
        if condition.field == "identifier":
            public_id = osdi.parse_identifier(condition.value)
            actions = actions.filter(public_id=public_id) if public_id else actions.none()
        else:
            column = columns[condition.field]
            actions = actions.filter(**{f"{column}__{_LOOKUP[condition.op]}": condition.value})
    return actions


def _filtered_attendances(rsvps: QuerySet[Rsvp], text: str) -> QuerySet[Rsvp]:
    """`modified_date`, `created_date` gt|lt '…' and `identifier eq 'majority:…'`. The id is
    derived (campaigns.api.events), so it is matched against the candidates' ids: they are one
    event's or one person's RSVPs."""
    columns = {"modified_date": "updated_at", "created_date": CREATED}
    for condition in osdi.parse_filter(text, fields=osdi.FILTER_FIELDS["attendances"]):
        if condition.field == "identifier":
            wanted = osdi.parse_identifier(condition.value)
            pks = [r.pk for r in rsvps if wanted and attendance_public_id(r) == wanted]
            rsvps = rsvps.filter(pk__in=pks)
        else:
            column = columns[condition.field]
            rsvps = rsvps.filter(**{f"{column}__{_LOOKUP[condition.op]}": condition.value})
    return rsvps
