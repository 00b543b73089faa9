"""Events and attendances in the OSDI API: the committee's actions and the RSVPs to them, and
Action Network's record attendance helper (a POST to an event's attendances). A token sees
what campaigns.api.events gives its scope; anything else is 404."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.actions.services.rsvps import rsvp_set
from campaigns.api import osdi
from campaigns.api.events import (
    CREATED,
    attendance_osdi,
    attendance_public_id,
    attendances_for_scope,
    event_osdi,
    events_for_scope,
)
from campaigns.api.people import people_for_scope, token_scope
from campaigns.api.schema import WRITES, answers, collection_parameters
from campaigns.api.signup import person_sent
from campaigns.api.views.entry import OsdiView, filtered
from campaigns.api.views.people import person_one
from campaigns.models import Action, ApiToken, Rsvp
from members.models import Committee, Person
from members.selectors import person_matching


class EventsView(OsdiView):
    @extend_schema(
        summary=gettext_lazy("List events"),
        description=gettext_lazy(
            "The committee's actions the token may see: a campaign token sees its campaigns' "
            "and the committee-wide ones. Times are in UTC; a public action has a "
            "`browser_url`."
        ),
        parameters=collection_parameters("events"),
        responses=answers(400),
    )
    def get(self, request: Request) -> Response:
        token: ApiToken = request.auth
        actions = events_for_scope(committee=token.committee, campaign_ids=token_scope(token))
        actions = _filtered_events(actions, request.query_params.get("filter", ""))
        return self.page_of(
            request,
            actions,
            kind="events",
            shown=lambda rows, base: [_event(request, action, base) for action in rows],
        )


class EventView(OsdiView):
    @extend_schema(summary=gettext_lazy("Read one event"), responses=answers(404))
    def get(self, request: Request, event_id: str) -> Response:
        token: ApiToken = request.auth
        action = _one_event(token, event_id)
        return Response(_event(request, action, self.base(request)))


class AttendancePages(OsdiView):
    """Pages of attendances, filtered as the request asks."""

    def page(self, request: Request, rsvps: QuerySet[Rsvp], *, path: str) -> Response:
        rsvps = _filtered_attendances(rsvps, request.query_params.get("filter", ""))
        return self.page_of(
            request,
            rsvps,
            kind="attendances",
            path=path,
            shown=lambda rows, base: [attendance_osdi(rsvp, base_url=base) for rsvp in rows],
        )


class AttendancesView(AttendancePages):
    """An event's attendances: the RSVPs of the people the token sees."""

    @extend_schema(
        summary=gettext_lazy("Who is coming"),
        description=gettext_lazy(
            "The answers to the event of the people the token sees, each with a `status`: "
            "`accepted`, `tentative`, `declined` or `needs action`."
        ),
        parameters=collection_parameters("attendances"),
        responses=answers(400, 404),
    )
    def get(self, request: Request, event_id: str) -> Response:
        token: ApiToken = request.auth
        action = _one_event(token, event_id)
        rsvps = attendances_for_scope(
            committee=token.committee,
            campaign_ids=token_scope(token),
            actions=Action.objects.filter(pk=action.pk),
        )
        return self.page(request, rsvps, path=f"events/{action.public_id}/attendances")

    @extend_schema(
        summary=gettext_lazy("Record an attendance (the record attendance helper)"),
        description=gettext_lazy(
            "Name the person with `_links` → `osdi:person`, or send `person` with an email or "
            "phone: they are matched by email, then by phone, among the token's people, and "
            "nobody is added here (404 when nobody matches). `status` is `accepted` (when not "
            "given), `tentative` or `declined`. One attendance per person and event: a second "
            "call changes it."
        ),
        responses=answers(*WRITES, 404, ok=gettext_lazy("The attendance.")),
    )
    def post(self, request: Request, event_id: str) -> Response:
        """Action Network's record attendance helper: the person's RSVP to this event, made or
        changed through the service the app's own forms use (one per person and event: a
        second call changes it). The person is one the token sees, named by `_links` →
        `osdi:person` or found by `person`'s email, then phone, as the public RSVP page
        finds people; nobody is made here (the people endpoint does that)."""
        token: ApiToken = request.auth
        scope = token_scope(token)
        action = _one_event(token, event_id)
        body = _body(request)
        people = people_for_scope(committee=token.committee, campaign_ids=scope)
        person = _person_named(body, people, committee=token.committee)
        response = _response(body)
        try:
            rsvp_set(action=action, person=person, response=response, source=SOURCE)
        except ValidationError as error:
            raise osdi.OsdiError(error.messages[0]) from error
        self.audit_write(request)
        rsvp = attendances_for_scope(
            committee=token.committee,
            campaign_ids=scope,
            actions=Action.objects.filter(pk=action.pk),
        ).get(person=person)
        return Response(attendance_osdi(rsvp, base_url=self.base(request)))


class PersonAttendancesView(AttendancePages):
    """A person's attendances (their osdi:attendances link), to the events the token sees.
    Only read: answers are recorded on the event."""

    @extend_schema(
        summary=gettext_lazy("A person's attendances"),
        description=gettext_lazy("The person's answers to the events the token sees."),
        parameters=collection_parameters("attendances"),
        responses=answers(400, 404),
    )
    def get(self, request: Request, person_id: str) -> Response:
        token: ApiToken = request.auth
        scope = token_scope(token)
        person = person_one(
            people_for_scope(committee=token.committee, campaign_ids=scope), person_id
        )
        rsvps = attendances_for_scope(
            committee=token.committee,
            campaign_ids=scope,
            actions=events_for_scope(committee=token.committee, campaign_ids=scope),
        ).filter(person=person)
        return self.page(request, rsvps, path=f"people/{person.public_id}/attendances")


class AttendanceView(OsdiView):
    @extend_schema(summary=gettext_lazy("Read one attendance"), responses=answers(404))
    def get(self, request: Request, event_id: str, attendance_id: str) -> Response:
        token: ApiToken = request.auth
        action = _one_event(token, event_id)
        rsvps = attendances_for_scope(
            committee=token.committee,
            campaign_ids=token_scope(token),
            actions=Action.objects.filter(pk=action.pk),
        )
        wanted = osdi.parse_identifier(f"{osdi.IDENTIFIER_PREFIX}:{attendance_id}")
        # The id is derived, not stored: one event's RSVPs are few enough to look through.
        rsvp = next((r for r in rsvps if attendance_public_id(r) == wanted), None)
        if rsvp is None:
            raise osdi.not_found()
        return Response(attendance_osdi(rsvp, base_url=self.base(request)))


# The answer came through another tool (the token's client), as a sync's do.
SOURCE = Rsvp.Source.API
RESPONSES = {
    "accepted": Rsvp.Response.YES,
    "tentative": Rsvp.Response.MAYBE,
    "declined": Rsvp.Response.NO,
}


def _body(request: Request) -> dict[str, Any]:
    try:
        body = request.data
    except ParseError as error:
        raise osdi.malformed_json() from error
    if not isinstance(body, dict):
        raise osdi.malformed_json()
    return body


def _response(body: dict[str, Any]) -> str:
    """`status` as OSDI says it (accepted, tentative, declined); an RSVP says yes when the
    body gives none, as Action Network's helper records one who is coming."""
    status = body.get("status", "accepted")
    if status not in RESPONSES:
        raise osdi.OsdiError(_("The status must be accepted, tentative or declined."))
    return RESPONSES[status]


def _person_named(
    body: dict[str, Any], people: QuerySet[Person], *, committee: Committee
) -> Person:
    """The person a record-attendance body names, among the token's people; 404 when nobody
    there matches (whether they exist elsewhere is not the token's to learn)."""
    links = body.get("_links")
    link = links.get("osdi:person") if isinstance(links, dict) else None
    href = link.get("href") if isinstance(link, dict) else None
    if isinstance(href, str) and href.strip():
        return person_one(people, href.strip().rstrip("/").rsplit("/", 1)[-1])
    data = body.get("person")
    sent = person_sent(body, helper=True) if isinstance(data, dict) else None
    email, phone = (sent.email, sent.phone) if sent else ("", "")
    if not (email or phone):
        raise osdi.OsdiError(
            _(
                "Say who is coming: a person with an email address or a phone number, or a "
                "link to one (_links → osdi:person)."
            )
        )
    person = person_matching(committee=committee, email=email, phone=phone, among=people)
    if person is None:
        raise osdi.not_found()
    return person


def _one_event(token: ApiToken, event_id: str) -> Action:
    public_id = osdi.parse_identifier(f"{osdi.IDENTIFIER_PREFIX}:{event_id}")
    actions = events_for_scope(committee=token.committee, campaign_ids=token_scope(token))
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


def _filtered_events(actions: QuerySet[Action], text: str) -> QuerySet[Action]:
    """`start_date`, `modified_date`, `created_date` gt|lt '…' and `identifier eq
    'majority:…'`, joined by and: a sync asks for what changed, a calendar for what is coming."""
    columns = {
        "start_date": "starts_at",
        "modified_date": "updated_at",
        "created_date": "created_at",
    }
    return filtered(
        actions,
        text,
        kind="events",
        columns=columns,
        identified=lambda rows, wanted: rows.filter(public_id=wanted) if wanted else rows.none(),
    )


def _filtered_attendances(rsvps: QuerySet[Rsvp], text: str) -> QuerySet[Rsvp]:
    """`modified_date`, `created_date` gt|lt '…' and `identifier eq 'majority:…'`. The id is
    derived (campaigns.api.events), so it is matched against the candidates' ids: they are one
    event's or one person's RSVPs."""

    def identified(rows: QuerySet[Rsvp], wanted: object) -> QuerySet[Rsvp]:
        return rows.filter(
            pk__in=[r.pk for r in rows if wanted and attendance_public_id(r) == wanted]
        )

    columns = {"modified_date": "updated_at", "created_date": CREATED}
    return filtered(rsvps, text, kind="attendances", columns=columns, identified=identified)
