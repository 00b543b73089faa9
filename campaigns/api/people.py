"""People in the OSDI API: which people a token sees, and each one as Action Network serves it.

Reads only, for the API's views: `people_for_scope` picks a token's people (and prefetches what
they show), `people_osdi` turns a page of them into OSDI people, `person_osdi` one of them.
A page of 25 costs five queries whatever it holds (tests/api/test_people_osdi.py).

What a token may see never goes past what a lead of its committee sees in the app, narrowed to
its campaigns when it has some: the rules of campaigns.access (people_visible_to) and of
campaigns.people.selectors (person_with_channels) for contact details. Notes, the committee's
or a campaign's, are never read here.
"""

from datetime import UTC, datetime
from typing import Any

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Greatest

from campaigns.models import ApiToken, AssessmentRecord, RosterEntry, Unit
from campaigns.roster.units import unit_places
from members.models import Committee, Person, PersonEmail, PersonPhone

# The custom fields a token may be allowed to show, beyond the person's own details. Notes are
# not among them and never will be: what is typed about someone stays in the app.
EXTRAS = frozenset({"unit", "assessment"})

# OSDI's number types; a phone labelled otherwise is "Other", one with no label "Mobile" (the
# numbers we hold are the ones organizers call and text, and Action Network's are all mobile).
NUMBER_TYPES = {"home", "work", "mobile", "other", "daytime", "evening", "fax"}

# Between one campaign's value and the next in a custom field: "Harbor: 2; Oak: 3".
CAMPAIGN_SEPARATOR = "; "


def token_scope(token: ApiToken) -> set[int] | None:
    """The campaigns a token is held to, or None for the whole committee."""
    return {campaign.pk for campaign in token.campaigns.all()} or None


def _kept(person: Person, name: str) -> Any:
    """What people_for_scope put on a person: its annotation and prefetches (osdi_*)."""
    return person.__dict__[name]


def person_public_id(person: Person) -> str:
    """The id after "majority:" and in the URLs: the person's public id (a random UUID the
    database gives), never the database's."""
    return str(person.public_id)


def people_for_scope(*, committee: Committee, campaign_ids: set[int] | None) -> QuerySet[Person]:
    """The people a token of `committee` may see: all of the committee's (as its leads do),
    or with `campaign_ids` only those now on one of these campaigns' rosters (an entry removed
    no longer opens the person, as in people_visible_to). Erased people are left out, as in
    the roster export: nothing is left of them but an anonymous row. Merged people are gone
    (person_merge deletes the duplicate). Ordered by a unique key, so that paging is stable
    while people are added.

    Each person comes with `osdi_modified_at` (see _modified_at, for `filter=modified_date`)
    and with the emails, phones and current roster entries of the scope prefetched."""
    people = Person.objects.filter(committee=committee, erased_at__isnull=True)
    if campaign_ids is not None:
        current = RosterEntry.objects.filter(
            _entry_scope(committee, campaign_ids), person=OuterRef("pk"), removed_at=None
        )
        people = people.filter(Exists(current))
    return (
        people.annotate(osdi_modified_at=_modified_at(committee, campaign_ids))
        .prefetch_related(*_prefetches(committee, campaign_ids))
        .order_by("pk")
    )


def _entry_scope(committee: Committee, campaign_ids: set[int] | None, prefix: str = "") -> Q:
    """Roster entries on the token's campaigns (checked against its committee all the same)."""
    scope = Q(**{f"{prefix}campaign__committee": committee})
    if campaign_ids is not None:
        scope &= Q(**{f"{prefix}campaign_id__in": campaign_ids})
    return scope


def _modified_at(committee: Committee, campaign_ids: set[int] | None) -> Greatest:
    """When anything the API shows of the person last changed, as far as a timestamp says:
    the person's own row (`updated_at`: names, language, consent), and on the scope's
    campaigns a roster entry added or removed (the person enters or leaves a campaign's
    scope, or the campaigns of a custom field) or an assessment recorded or recomputed.

    What leaves no date of its own stamps the person's `updated_at` where it is written:
    emails, phones and tags added or removed (the person page, the chart, an import), a move
    to another unit, an assessment that changes because its conversation was edited or
    deleted (campaigns.roster.services.assessment_recompute)."""
    entries = RosterEntry.objects.filter(
        _entry_scope(committee, campaign_ids), person=OuterRef("pk")
    )
    entry_at = entries.values("person").annotate(
        at=Max(Greatest("added_at", "removed_at", "assessed_at"))
    )
    records = AssessmentRecord.objects.filter(
        _entry_scope(committee, campaign_ids, prefix="roster_entry__"),
        roster_entry__person=OuterRef("pk"),
    )
    record_at = records.values("roster_entry__person").annotate(at=Max("created_at"))
    # PostgreSQL's GREATEST skips NULLs: someone on no roster has their own updated_at.
    return Greatest(
        "updated_at", Subquery(entry_at.values("at")[:1]), Subquery(record_at.values("at")[:1])
    )


def _prefetches(committee: Committee, campaign_ids: set[int] | None) -> list[Prefetch]:
    """A lead sees every email and phone; a campaign-scoped token those added by a lead or
    the person (no campaign) and by its campaigns' teams, never another campaign's (the rule
    of person_with_channels)."""
    seen = Q()
    if campaign_ids is not None:
        seen = Q(campaign_id__isnull=True) | Q(campaign_id__in=campaign_ids)
    entries = RosterEntry.objects.filter(_entry_scope(committee, campaign_ids), removed_at=None)
    return [
        Prefetch("emails", PersonEmail.objects.filter(seen), to_attr="osdi_emails"),
        Prefetch("phones", PersonPhone.objects.filter(seen), to_attr="osdi_phones"),
        Prefetch(
            "roster_entries",
            entries.select_related("campaign", "unit").order_by("campaign__code_name", "pk"),
            to_attr="osdi_entries",
        ),
    ]


def people_osdi(
    people: list[Person], *, base_url: str, extras: set[str], campaign_ids: set[int] | None
) -> list[dict[str, Any]]:
    """A page of people (from people_for_scope) as OSDI people; one more query for the unit
    paths when the token shows units."""
    paths = _unit_paths(people) if "unit" in extras else {}
    base = base_url.rstrip("/")
    return [_person(person, base, extras, campaign_ids, paths) for person in people]


def person_osdi(
    person: Person, *, base_url: str, extras: set[str], campaign_ids: set[int] | None
) -> dict[str, Any]:
    """One person (from people_for_scope) as Action Network serves a person: the keys of its
    documented example, its date format, its links; `postal_addresses` left out, as we hold
    none. `base_url` is the API's absolute root, like "https://example.org/api/v2"."""
    return people_osdi([person], base_url=base_url, extras=extras, campaign_ids=campaign_ids)[0]


def _person(
    person: Person,
    base: str,
    extras: set[str],
    campaign_ids: set[int] | None,
    paths: dict[int, str],
) -> dict[str, Any]:
    public_id = person_public_id(person)
    href = f"{base}/people/{public_id}"
    return {
        "identifiers": [f"majority:{public_id}"],
        "created_date": osdi_date(person.created_at),
        "modified_date": osdi_date(_kept(person, "osdi_modified_at")),
        "family_name": person.family_name,
        "given_name": person.given_name,
        "languages_spoken": [person.preferred_language] if person.preferred_language else [],
        "email_addresses": _emails(person),
        "phone_numbers": _phones(person),
        "custom_fields": _custom_fields(person, extras, campaign_ids, paths),
        "_links": {
            "self": {"href": href},
            "osdi:attendances": {"href": f"{href}/attendances"},
            "osdi:taggings": {"href": f"{href}/taggings"},
        },
    }


def osdi_date(moment: datetime) -> str:
    """Action Network's dates: UTC to the second, "2014-03-20T21:04:31Z"."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _status(consent: bool, person: Person) -> str:
    """Our consent as Action Network's status: "do not contact" overrides both kinds."""
    return "subscribed" if consent and not person.do_not_contact else "unsubscribed"


def _emails(person: Person) -> list[dict[str, Any]]:
    """The primary one first; when the primary is one the token may not see, the first it
    sees is its primary, so that a client always finds one (as Action Network always has)."""
    status = _status(person.email_ok, person)
    return [
        {"primary": i == 0, "address": row.email, "status": status}
        for i, row in enumerate(_kept(person, "osdi_emails"))
    ]


def _phones(person: Person) -> list[dict[str, Any]]:
    """Numbers as Action Network writes them, digits with the country code and no "+"."""
    status = _status(person.sms_ok, person)
    return [
        {
            "primary": i == 0,
            "number": row.number.lstrip("+"),
            "number_type": _number_type(row.label),
            "status": status,
        }
        for i, row in enumerate(_kept(person, "osdi_phones"))
    ]


def _number_type(label: str) -> str:
    word = label.strip().lower()
    if not word:
        return "Mobile"
    return word.capitalize() if word in NUMBER_TYPES else "Other"


def _custom_fields(
    person: Person, extras: set[str], campaign_ids: set[int] | None, paths: dict[int, str]
) -> dict[str, str]:
    """The extras the token shows, from the person's current entries on its campaigns. A
    token of one campaign gets the value alone ("Main site › Receiving", "2"); any other
    token gets each campaign's, by code name ("Harbor: 2; Oak: 3"), so that a value's
    shape depends on the token, never on how many rosters the person is on. The assessment
    is its number (1 leader … 5 opposed), the same in every language. A field with no value
    on any campaign is left out, as Action Network leaves out custom fields not set."""
    single = campaign_ids is not None and len(campaign_ids) == 1
    fields = {}
    for name in sorted(EXTRAS & extras):
        values = [
            (entry.campaign.code_name, value)
            for entry in _kept(person, "osdi_entries")
            if (value := _extra(entry, name, paths))
        ]
        if values:
            fields[name] = (
                values[0][1]
                if single
                else CAMPAIGN_SEPARATOR.join(f"{code}: {value}" for code, value in values)
            )
    return fields


def _extra(entry: RosterEntry, name: str, paths: dict[int, str]) -> str:
    if name == "unit":
        return paths.get(entry.unit_id, "") if entry.unit_id else ""
    return str(entry.assessment) if entry.assessment else ""


def _unit_paths(people: list[Person]) -> dict[int, str]:
    """The path of the units of these people's entries, by unit id: one query (none when
    nobody has a unit)."""
    sites = {entry.unit.site_id for p in people for entry in _kept(p, "osdi_entries") if entry.unit}
    if not sites:
        return {}
    return {
        place.unit.pk: place.path for place in unit_places(Unit.objects.filter(site_id__in=sites))
    }
