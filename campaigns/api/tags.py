"""Tags and taggings in the OSDI API, as Action Network serves them (docs/v2/tags, /taggings).

A tag is a committee-wide label (members.Tag), so every token of the committee sees all of its
tags, a campaign-scoped one too: a tag's name says nothing about anyone. A tagging is a tag on
one person (a row of Person.tags), and a token sees only the taggings of people in its scope
(people_for_scope), so a campaign's token cannot learn who else carries a tag.

A tagging has no row of its own we could give an id, so its id is derived: a uuid5 of the tag's
and the person's public ids. It is the same every time (a client that deletes and re-adds a
tagging finds it under the same id), and resolving one means looking among the tag's people
(one query) for the person whose derived id it is.

Dates. A tag's `created_date` is when it was made (tags are never renamed, so it is its
`modified_date` too); a tagging's is when the tag was put on the person (members.PersonTag),
and deleting and re-adding one dates it anew. The person's own `modified_date` moves with
every tagging as well (campaigns.people.services.person_tag_add/person_tag_remove), so a
sync of people sees it.
"""

import uuid
from datetime import datetime
from typing import Any

from django.db.models import OuterRef, QuerySet, Subquery

from campaigns.api import osdi
from campaigns.api.people import osdi_date, people_for_scope
from members.models import Committee, Person, PersonTag, Tag

# Fixed for ever: changing it changes every tagging's id that clients have stored.
TAGGING_NAMESPACE = uuid.UUID("13e8697e-69a6-4c1f-a19d-30eb6cd46d8f")
TAGGED_AT = "osdi_tagged_at"  # the annotation tagged_people and person_tags add


def tagging_public_id(tag: Tag, person: Person) -> uuid.UUID:
    return uuid.uuid5(TAGGING_NAMESPACE, f"{tag.public_id}:{person.public_id}")


def tags_for_committee(committee: Committee) -> QuerySet[Tag]:
    """Ordered by a unique key, so paging is stable while tags are added."""
    return Tag.objects.filter(committee=committee).order_by("pk")


def tag_osdi(tag: Tag, *, base_url: str) -> dict[str, Any]:
    """The fields and links of Action Network's tag: identifiers, dates, name, self and
    osdi:taggings."""
    href = osdi.self_link(base_url, "tags", tag.public_id)
    created = osdi_date(tag.created_at)
    return {
        "identifiers": [osdi.identifier(tag.public_id)],
        "created_date": created,
        "modified_date": created,
        "name": tag.name,
        "_links": {"self": {"href": href}, "osdi:taggings": {"href": f"{href}/taggings"}},
    }


def tagged_people(
    *, tag: Tag, committee: Committee, campaign_ids: set[int] | None
) -> QuerySet[Person]:
    """The people in a token's scope who carry `tag`, each with when it was put on them,
    ordered by a unique key."""
    people = people_for_scope(committee=committee, campaign_ids=campaign_ids)
    since = PersonTag.objects.filter(person=OuterRef("pk"), tag=tag).values("created_at")
    return (
        people.prefetch_related(None)
        .filter(tags=tag)
        .annotate(**{TAGGED_AT: Subquery(since[:1])})
        .order_by("pk")
    )


def person_tags(person: Person) -> QuerySet[Tag]:
    """The person's tags, each with when it was put on them."""
    since = PersonTag.objects.filter(person=person, tag=OuterRef("pk")).values("created_at")
    return person.tags.annotate(**{TAGGED_AT: Subquery(since[:1])}).order_by("pk")


def tagging_osdi(tag: Tag, person: Person, *, tagged_at: datetime, base_url: str) -> dict[str, Any]:
    """Action Network's tagging: identifiers, dates (when the tag was put on the person:
    TAGGED_AT of tagged_people or person_tags), item_type, and links to itself, its tag and
    its person."""
    tag_href = osdi.self_link(base_url, "tags", tag.public_id)
    public_id = tagging_public_id(tag, person)
    date = osdi_date(tagged_at)
    return {
        "identifiers": [osdi.identifier(public_id)],
        "created_date": date,
        "modified_date": date,
        "item_type": "osdi:person",
        "_links": {
            "self": {"href": osdi.self_link(base_url, f"tags/{tag.public_id}/taggings", public_id)},
            "osdi:tag": {"href": tag_href},
            "osdi:person": {"href": osdi.self_link(base_url, "people", person.public_id)},
        },
    }


def tagging_person(people: QuerySet[Person], tag: Tag, tagging_id: str) -> Person | None:
    """The person among `people` (already those carrying `tag`) whose tagging is
    `tagging_id`: one query for their public ids, then one for that person."""
    wanted = osdi.parse_identifier(f"{osdi.IDENTIFIER_PREFIX}:{tagging_id}")
    if wanted is None:
        return None
    for pk, public_id in people.values_list("pk", "public_id"):
        if uuid.uuid5(TAGGING_NAMESPACE, f"{tag.public_id}:{public_id}") == wanted:
            return people.get(pk=pk)
    return None
