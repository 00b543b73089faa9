"""Tags and taggings in the OSDI API, as Action Network serves them (docs/v2/tags, /taggings).

A tag is a committee-wide label (members.Tag), so every token of the committee sees all of its
tags, a campaign-scoped one too: a tag's name says nothing about anyone. A tagging is a tag on
one person (a row of Person.tags), and a token sees only the taggings of people in its scope
(people_for_scope), so a campaign's token cannot learn who else carries a tag.

A tagging has no row of its own we could give an id, so its id is derived: a uuid5 of the tag's
and the person's public ids. It is the same every time (a client that deletes and re-adds a
tagging finds it under the same id), and resolving one means looking among the tag's people
(one query) for the person whose derived id it is.

Dates. Neither a tag nor the link between a tag and a person stores when it was made, so:

- a tag's `created_date` and `modified_date` are the committee's creation time (stable, never
  after the tag existed; a sync filtering tags on `modified_date` sees no new tag that way);
- a tagging's are the person's `updated_at`, which the API's own writes touch
  (campaigns.people.services.person_tag_add/person_tag_remove): not earlier than the tagging,
  and it moves when the person changes.

Real timestamps on Tag and on the link would need a migration; until then these are documented
approximations.
"""

import uuid
from typing import Any

from django.db.models import QuerySet

from campaigns.api import osdi
from campaigns.api.people import osdi_date, people_for_scope
from members.models import Committee, Person, Tag

# Fixed for ever: changing it changes every tagging's id that clients have stored.
TAGGING_NAMESPACE = uuid.UUID("13e8697e-69a6-4c1f-a19d-30eb6cd46d8f")


def tagging_public_id(tag: Tag, person: Person) -> uuid.UUID:
    return uuid.uuid5(TAGGING_NAMESPACE, f"{tag.public_id}:{person.public_id}")


def tags_for_committee(committee: Committee) -> QuerySet[Tag]:
    """Ordered by a unique key, so paging is stable while tags are added."""
    return Tag.objects.filter(committee=committee).select_related("committee").order_by("pk")


def tag_osdi(tag: Tag, *, base_url: str) -> dict[str, Any]:
    """The fields and links of Action Network's tag: identifiers, dates, name, self and
    osdi:taggings."""
    href = osdi.self_link(base_url, "tags", tag.public_id)
    created = osdi_date(tag.committee.created_at)
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
    """The people in a token's scope who carry `tag`, ordered by a unique key."""
    people = people_for_scope(committee=committee, campaign_ids=campaign_ids)
    return people.prefetch_related(None).filter(tags=tag).order_by("pk")


def person_tags(person: Person) -> QuerySet[Tag]:
    return person.tags.select_related("committee").order_by("pk")


def tagging_osdi(tag: Tag, person: Person, *, base_url: str) -> dict[str, Any]:
    """Action Network's tagging: identifiers, dates, item_type, and links to itself, its tag
    and its person."""
    tag_href = osdi.self_link(base_url, "tags", tag.public_id)
    public_id = tagging_public_id(tag, person)
    date = osdi_date(person.updated_at)
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
