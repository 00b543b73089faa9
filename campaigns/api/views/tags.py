"""Tags and taggings in the OSDI API: the committee's tags, a tag's taggings (of the people in
the token's scope only), a person's taggings, and adding or deleting a tagging as Action
Network's clients do: POST `{"_links": {"osdi:person": {"href": …}}}` to a tag's taggings
(200 with the tagging, the same one when it was there already), DELETE a tagging (200 with
Action Network's notice). A person or tagging outside the scope is 404."""

import uuid
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response

from campaigns.api import osdi
from campaigns.api.people import people_for_scope, token_scope
from campaigns.api.schema import PAGING, WRITES, answers, collection_parameters
from campaigns.api.tags import (
    TAGGED_AT,
    person_tags,
    tag_osdi,
    tagged_people,
    tagging_osdi,
    tagging_person,
    tags_for_committee,
)
from campaigns.api.views.entry import OsdiView, filtered
from campaigns.api.views.people import person_one
from campaigns.people.services import person_tag_add, person_tag_remove
from members.models import Committee, Person, PersonTag, Tag


class TagsView(OsdiView):
    @extend_schema(
        summary=gettext_lazy("List tags"),
        description=gettext_lazy(
            "The committee's tags: every token of the committee sees them all."
        ),
        parameters=collection_parameters("tags"),
        responses=answers(400),
    )
    def get(self, request: Request) -> Response:
        token = request.auth
        tags = _filtered_tags(
            tags_for_committee(token.committee), request.query_params.get("filter", "")
        )
        return self.page_of(
            request,
            tags,
            kind="tags",
            shown=lambda rows, base: [tag_osdi(tag, base_url=base) for tag in rows],
        )


class TagView(OsdiView):
    @extend_schema(summary=gettext_lazy("Read one tag"), responses=answers(404))
    def get(self, request: Request, tag_id: str) -> Response:
        tag = _tag(request.auth.committee, tag_id)
        body = tag_osdi(tag, base_url=self.base(request))
        body["_links"]["curies"] = [dict(curie) for curie in osdi.CURIES]
        return Response(body)


class TaggingsView(OsdiView):
    """A tag's taggings: GET pages them, POST adds one."""

    @extend_schema(
        summary=gettext_lazy("Who has a tag"),
        description=gettext_lazy("The tag's taggings, of the people in the token's scope only."),
        parameters=collection_parameters("taggings"),
        responses=answers(400, 404),
    )
    def get(self, request: Request, tag_id: str) -> Response:
        token = request.auth
        tag = _tag(token.committee, tag_id)
        people = tagged_people(tag=tag, committee=token.committee, campaign_ids=token_scope(token))
        people = _filtered_taggings(people, tag, request.query_params.get("filter", ""))
        return self.page_of(
            request,
            people,
            kind="taggings",
            path=f"tags/{tag.public_id}/taggings",
            shown=lambda rows, base: [
                tagging_osdi(tag, p, tagged_at=getattr(p, TAGGED_AT), base_url=base) for p in rows
            ],
        )

    @extend_schema(
        summary=gettext_lazy("Tag someone"),
        description=gettext_lazy(
            'Send `{"_links": {"osdi:person": {"href": …}}}` with a person\'s link from '
            "this API. Someone who has the tag already keeps it, and the answer is the same "
            "tagging."
        ),
        responses=answers(*WRITES, 404, ok=gettext_lazy("The tagging.")),
    )
    def post(self, request: Request, tag_id: str) -> Response:
        token = request.auth
        tag = _tag(token.committee, tag_id)
        person_id = _person_href(request)
        people = people_for_scope(committee=token.committee, campaign_ids=token_scope(token))
        person = person_one(people.prefetch_related(None), str(person_id))
        person_tag_add(person=person, tag=tag)
        self.audit_write(request)
        return Response(_with_curies(_tagging(tag, person, self.base(request))))


class TaggingView(OsdiView):
    """One tagging: GET it, DELETE it."""

    @extend_schema(summary=gettext_lazy("Read one tagging"), responses=answers(404))
    def get(self, request: Request, tag_id: str, tagging_id: str) -> Response:
        tag, person = self._tagging(request, tag_id, tagging_id)
        return Response(_with_curies(_tagging(tag, person, self.base(request))))

    @extend_schema(
        summary=gettext_lazy("Untag someone"),
        description=gettext_lazy(
            "Takes the tag off the person. The answer is 200 with a `notice`, as Action "
            "Network's is."
        ),
        responses=answers(403, 404, ok=gettext_lazy("A `notice` that the tagging is deleted.")),
    )
    def delete(self, request: Request, tag_id: str, tagging_id: str) -> Response:
        tag, person = self._tagging(request, tag_id, tagging_id)
        person_tag_remove(person=person, tag=tag)
        self.audit_write(request)
        # Action Network's own words; clients may show them.
        return Response({"notice": _("This tagging was successfully deleted.")})

    def _tagging(self, request: Request, tag_id: str, tagging_id: str) -> tuple[Tag, Person]:
        token = request.auth
        tag = _tag(token.committee, tag_id)
        people = tagged_people(tag=tag, committee=token.committee, campaign_ids=token_scope(token))
        person = tagging_person(people, tag, tagging_id)
        if person is None:
            raise osdi.not_found()
        return tag, person


class PersonTaggingsView(OsdiView):
    """A person's taggings (the person's `osdi:taggings` link), each linked under its tag."""

    @extend_schema(
        summary=gettext_lazy("A person's taggings"),
        description=gettext_lazy("The person's tags, each as a tagging under its tag."),
        parameters=PAGING,
        responses=answers(400, 404),
    )
    def get(self, request: Request, person_id: str) -> Response:
        token = request.auth
        people = people_for_scope(committee=token.committee, campaign_ids=token_scope(token))
        person = person_one(people.prefetch_related(None), person_id)
        tags = person_tags(person)
        return self.page_of(
            request,
            tags,
            kind="taggings",
            path=f"people/{person.public_id}/taggings",
            shown=lambda rows, base: [
                tagging_osdi(tag, person, tagged_at=getattr(tag, TAGGED_AT), base_url=base)
                for tag in rows
            ],
        )


def _tagging(tag: Tag, person: Person, base_url: str) -> dict:
    since = PersonTag.objects.get(person=person, tag=tag).created_at
    return tagging_osdi(tag, person, tagged_at=since, base_url=base_url)


def _with_curies(body: dict) -> dict:
    body["_links"]["curies"] = [dict(curie) for curie in osdi.CURIES]
    return body


def _tag(committee: Committee, tag_id: str) -> Tag:
    public_id = osdi.parse_identifier(f"{osdi.IDENTIFIER_PREFIX}:{tag_id}")
    tag = tags_for_committee(committee).filter(public_id=public_id).first() if public_id else None
    if tag is None:
        raise osdi.not_found()
    return tag


def _person_href(request: Request) -> uuid.UUID:
    """The person's public id in `_links` → `osdi:person` → `href`, which must be one of this
    API's people links (as its own answers give them)."""
    try:
        data = request.data
    except ParseError:
        raise osdi.malformed_json() from None
    links = data.get("_links") if isinstance(data, dict) else None
    link = links.get("osdi:person") if isinstance(links, dict) else None
    href = link.get("href") if isinstance(link, dict) else None
    if not isinstance(href, str) or not href.strip():
        raise osdi.OsdiError(
            _("Give the person to tag as _links → osdi:person → href, a link to one of our people.")
        )
    parts = urlsplit(href.strip())
    prefix = "/api/v2/people/"
    public_id = osdi.parse_identifier(
        f"{osdi.IDENTIFIER_PREFIX}:{parts.path.removeprefix(prefix).rstrip('/')}"
    )
    if parts.netloc != request.get_host() or not parts.path.startswith(prefix) or not public_id:
        raise osdi.OsdiError(
            _("The osdi:person link is not a link to one of our people: %(href)s")
            % {"href": href[:200]}
        )
    return public_id


def _filtered_tags(tags: QuerySet[Tag], text: str) -> QuerySet[Tag]:
    """`identifier eq 'majority:…'`; `created_date`/`modified_date` compare with the tag's
    creation, the date shown for both (campaigns.api.tags)."""
    shown = "created_at"
    return filtered(
        tags,
        text,
        kind="tags",
        columns={"created_date": shown, "modified_date": shown},
        identified=lambda rows, wanted: rows.filter(public_id=wanted) if wanted else rows.none(),
    )


def _filtered_taggings(people: QuerySet[Person], tag: Tag, text: str) -> QuerySet[Person]:
    """`identifier eq 'majority:<tagging id>'`; `created_date`/`modified_date` compare with
    when the tag was put on the person, the date a tagging shows."""

    def identified(rows: QuerySet[Person], wanted: object) -> QuerySet[Person]:
        person = tagging_person(rows, tag, str(wanted)) if wanted else None
        return rows.filter(pk=person.pk) if person else rows.none()

    return filtered(
        people,
        text,
        kind="taggings",
        columns={"created_date": TAGGED_AT, "modified_date": TAGGED_AT},
        identified=identified,
    )
