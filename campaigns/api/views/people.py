"""People in the OSDI API: the collection (paged, filtered by `modified_date` or
`email_address`) and one person. A token sees only its scope's people (campaigns.api.people);
anyone outside it is 404, as if they did not exist."""

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.api import osdi
from campaigns.api.people import people_for_scope, people_osdi, person_osdi, token_scope
from campaigns.api.schema import WRITES, answers, collection_parameters
from campaigns.api.signup import person_sent, person_signup, person_update, phone_from_osdi
from campaigns.api.views.entry import OsdiView
from campaigns.models import ApiToken
from members.models import Person, PersonEmail, PersonPhone


class PeopleView(OsdiView):
    @extend_schema(
        summary=gettext_lazy("List people"),
        description=gettext_lazy(
            "The people the token may see: the whole committee's, or its campaigns' people. "
            "An `email_address` or `phone_number` filter finds someone only by an address "
            "the token may read."
        ),
        parameters=collection_parameters("people"),
        responses=answers(400),
    )
    def get(self, request: Request) -> Response:
        token: ApiToken = request.auth
        scope = token_scope(token)
        people = people_for_scope(committee=token.committee, campaign_ids=scope)
        people = _filtered(people, request.query_params.get("filter", ""), scope)
        extras = set(token.extras)
        return self.page_of(
            request,
            people,
            kind="people",
            shown=lambda rows, base: people_osdi(
                rows, base_url=base, extras=extras, campaign_ids=scope
            ),
        )

    @extend_schema(
        summary=gettext_lazy("Add or update someone (the person signup helper)"),
        description=gettext_lazy(
            'Send `{"person": {…}, "add_tags": […], "remove_tags": […]}`. The person '
            "is matched by email, then by phone, among the token's people and updated; when "
            "nobody matches, they are added. Fields not sent are kept. Consent only goes down: "
            "an unsubscribe is kept, and `subscribed` never undoes one. `add_tags` and "
            "`remove_tags` take tag names; a new name makes a new tag."
        ),
        responses=answers(*WRITES, ok=gettext_lazy("The person, as the token sees them now.")),
    )
    def post(self, request: Request) -> Response:
        """Action Network's person signup helper: match by email, then phone, and update,
        or add; `add_tags` and `remove_tags` by name."""
        token: ApiToken = request.auth
        person, _added = person_signup(token=token, sent=person_sent(request.data, helper=True))
        self.audit_write(request)
        return Response(_shown(request, token, person.pk, self.base(request)))


class PersonView(OsdiView):
    @extend_schema(
        summary=gettext_lazy("Read one person"),
        description=gettext_lazy(
            "Their unit and assessment are in `custom_fields` only if the token was given them."
        ),
        responses=answers(404),
    )
    def get(self, request: Request, person_id: str) -> Response:
        token: ApiToken = request.auth
        scope = token_scope(token)
        person = person_one(
            people_for_scope(committee=token.committee, campaign_ids=scope), person_id
        )
        base = self.base(request)
        return Response(
            person_osdi(person, base_url=base, extras=set(token.extras), campaign_ids=scope)
        )

    @extend_schema(
        summary=gettext_lazy("Change one person"),
        description=gettext_lazy(
            "Send the person's fields: names, an email or phone to add, an unsubscribe. Fields "
            "not sent are kept, and consent only goes down."
        ),
        responses=answers(*WRITES, 404, ok=gettext_lazy("The person, as the token sees them now.")),
    )
    def put(self, request: Request, person_id: str) -> Response:
        """Change what is sent (names, an email or phone added, an unsubscribe); the rest is
        kept."""
        token: ApiToken = request.auth
        scope = token_scope(token)
        person = person_one(
            people_for_scope(committee=token.committee, campaign_ids=scope), person_id
        )
        person_update(token=token, person=person, sent=person_sent(request.data, helper=False))
        self.audit_write(request)
        return Response(_shown(request, token, person.pk, self.base(request)))


def _shown(request: Request, token: ApiToken, person_pk: int, base: str) -> dict:
    """The person as the token sees them now (read again, with what the scope shows)."""
    scope = token_scope(token)
    person = people_for_scope(committee=token.committee, campaign_ids=scope).get(pk=person_pk)
    return person_osdi(person, base_url=base, extras=set(token.extras), campaign_ids=scope)


def person_one(people: QuerySet[Person], person_id: str) -> Person:
    public_id = osdi.parse_identifier(f"{osdi.IDENTIFIER_PREFIX}:{person_id}")
    person = people.filter(public_id=public_id).first() if public_id else None
    if person is None:
        raise osdi.not_found()
    return person


def _filtered(people: QuerySet[Person], text: str, scope: set[int] | None) -> QuerySet[Person]:
    """`modified_date gt|lt '…'`, `created_date …`, `email_address eq '…'`, `phone_number eq
    '…'`, `identifier eq 'majority:…'`, joined by and. An email or phone matches only where
    the token could read it (one another campaign added is not this token's to find people
    by)."""
    for condition in osdi.parse_filter(text, fields=osdi.FILTER_FIELDS["people"]):
        lookup = "gt" if condition.op == "gt" else "lt"
        if condition.field == "modified_date":
            people = people.filter(**{f"osdi_modified_at__{lookup}": condition.value})
        elif condition.field == "created_date":
            people = people.filter(**{f"created_at__{lookup}": condition.value})
        elif condition.field in ("email_address", "phone_number"):
            channels = _channels_matching(condition.field, str(condition.value))
            if scope is not None:
                channels = channels.filter(Q(campaign_id=None) | Q(campaign_id__in=scope))
            people = people.filter(pk__in=channels.values("person_id"))
        elif condition.field == "identifier":
            public_id = osdi.parse_identifier(condition.value)
            people = people.filter(public_id=public_id) if public_id else people.none()
    return people


def _channels_matching(field: str, value: str) -> QuerySet:
    """The emails (any case) or phones (read as the app reads a typed number) equal to
    `value`; none for a number that is not one."""
    if field == "email_address":
        return PersonEmail.objects.filter(email__iexact=value)
    try:
        return PersonPhone.objects.filter(number=phone_from_osdi(value))
    except ValidationError:
        return PersonPhone.objects.none()
