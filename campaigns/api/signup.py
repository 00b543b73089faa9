"""Writing people through the API: Action Network's person signup helper (POST
/api/v2/people) and updating one person (PUT /api/v2/people/<id>).

The same rules as adding someone in the app (campaigns.roster.matching): a person is matched
by email, then phone, only among the people the token may see; someone it may not see is
neither attached nor revealed: a new record is made and a committee lead gets a possible
duplicate. Fields not sent are kept. Consent only ever goes down for someone known (a sync
must not undo an unsubscribe); a new person starts with what was sent. Fields we do not keep
(postal addresses, custom fields…) are accepted and ignored.
"""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.api.osdi import OsdiError
from campaigns.api.people import people_for_scope, token_scope
from campaigns.models import ApiToken, Campaign
from campaigns.outbox.services.consent import consent_opt_out
from campaigns.people.services import tag_get_or_create
from campaigns.roster.matching import Match, channels_add_typed, possible_duplicate_queue
from campaigns.roster.services import roster_add
from members.models import Committee, Person
from members.phones import phone_normalize
from members.selectors import person_matching

MAX_ADDRESSES = 10  # emails or phones in one person: more is not a person, it is a list
MAX_TAGS = 50
NAME_LENGTH = 150


@dataclass
class PersonSent:
    """What a client sent about a person, read and checked."""

    given_name: str | None = None
    family_name: str | None = None
    email: str = ""
    email_status: str = ""
    phone: str = ""
    phone_status: str = ""
    language: str = ""  # the first of languages_spoken the app speaks
    add_tags: list[str] = field(default_factory=list)
    remove_tags: list[str] = field(default_factory=list)


def person_sent(payload: Any, *, helper: bool) -> PersonSent:
    """The signup helper's body ({"person": {…}, "add_tags": […]}) or a PUT's (the person
    itself), or OsdiError saying what is wrong."""
    if not isinstance(payload, dict):
        raise OsdiError(_("Send a JSON object."))
    person = payload.get("person") if helper else payload
    if not isinstance(person, dict):
        raise OsdiError(_('Send the person as a JSON object under "person".'))
    sent = PersonSent(
        given_name=_name(person, "given_name"),
        family_name=_name(person, "family_name"),
        add_tags=_tags(payload, "add_tags") if helper else [],
        remove_tags=_tags(payload, "remove_tags") if helper else [],
    )
    sent.language = _language(person.get("languages_spoken"))
    sent.email, sent.email_status = _first(person, "email_addresses", "address")
    number, sent.phone_status = _first(person, "phone_numbers", "number")
    if number:
        sent.phone = _phone(number)
    if sent.email:
        sent.email = sent.email.strip()
        if "@" not in sent.email or len(sent.email) > 254 or any(c.isspace() for c in sent.email):
            raise OsdiError(_("%(value)s is not an email address.") % {"value": sent.email[:60]})
    return sent


def _language(spoken: Any) -> str:
    """The first language spoken that the app speaks ("en", "es"); others are ignored."""
    ours = {code for code, _name in settings.LANGUAGES}
    if isinstance(spoken, list):
        for code in spoken:
            if isinstance(code, str) and code.lower()[:2] in ours:
                return code.lower()[:2]
    return ""


def _name(person: dict, key: str) -> str | None:
    value = person.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > NAME_LENGTH or "\x00" in value:
        raise OsdiError(_("%(field)s must be text.") % {"field": key})
    return value.strip()


def _first(person: dict, key: str, inner: str) -> tuple[str, str]:
    """The primary (else the first) address of a list, and its status."""
    rows = person.get(key) or []
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise OsdiError(_("%(field)s must be a list of objects.") % {"field": key})
    if len(rows) > MAX_ADDRESSES:
        raise OsdiError(
            _("A person has at most %(max)s entries in %(field)s.")
            % {"max": MAX_ADDRESSES, "field": key}
        )
    rows = sorted(rows, key=lambda row: not row.get("primary"))
    for row in rows:
        value = row.get(inner)
        if isinstance(value, str) and value.strip() and "\x00" not in value:
            status = row.get("status")
            return value, status if status in {"subscribed", "unsubscribed"} else ""
    return "", ""


def phone_from_osdi(number: str) -> str:
    """The number in E.164, read as the app reads a typed one, or as Action Network writes
    it (its country code, no "+"); ValidationError saying what is wrong with it."""
    digits = number.strip()
    try:
        return phone_normalize(digits)
    except ValidationError:
        return phone_normalize("+" + digits.lstrip("+"))


def _phone(number: str) -> str:
    try:
        return phone_from_osdi(number)
    except ValidationError as error:
        raise OsdiError(" ".join(error.messages)) from None


def _tags(payload: dict, key: str) -> list[str]:
    names = payload.get(key) or []
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise OsdiError(_("%(field)s must be a list of tag names.") % {"field": key})
    if len(names) > MAX_TAGS:
        raise OsdiError(
            _("At most %(max)s tags at once in %(field)s.") % {"max": MAX_TAGS, "field": key}
        )
    return [" ".join(name.split())[:100] for name in names if name.strip()]


def person_signup(*, token: ApiToken, sent: PersonSent) -> tuple[Person, bool]:
    """Match (email, then phone, among the token's people) and update, or add: True when
    added. A token held to campaigns puts someone new on its campaign's roster, so that it
    sees them; one held to several campaigns cannot tell which, and may only match."""
    return person_signup_in(committee=token.committee, scope=token_scope(token), sent=sent)


def person_signup_in(
    *, committee: Committee, scope: set[int] | None, sent: PersonSent
) -> tuple[Person, bool]:
    """person_signup for a scope rather than a token (campaign ids, or None for the whole
    committee): what a sync run from the server (sync_actionnetwork) writes through, with
    the same rules and no token to make, show or revoke."""
    if not (sent.email or sent.phone):
        raise OsdiError(_("A person needs an email address or a phone number."))
    within = people_for_scope(committee=committee, campaign_ids=scope)
    with transaction.atomic():
        person = person_matching(
            committee=committee, email=sent.email, phone=sent.phone, among=within
        )
        if person is not None:
            _update(scope=scope, person=person, sent=sent)
            return person, False
        campaign = _campaign_for_new(scope)
        person = Person.objects.create(
            committee=committee,
            given_name=sent.given_name or "",
            family_name=sent.family_name or "",
            email_ok=sent.email_status != "unsubscribed",
            sms_ok=sent.phone_status == "subscribed",
            preferred_language=sent.language,
        )
        hidden = person_matching(committee=committee, email=sent.email, phone=sent.phone)
        if hidden is not None:  # someone the token may not see: a lead decides
            on_email = bool(sent.email) and hidden.emails.filter(email__iexact=sent.email).exists()
            match = Match(hidden=hidden, matched_on="email" if on_email else "phone")
            possible_duplicate_queue(match=match, person=person, campaign=campaign, by=None)
        channels_add_typed(
            person=person,
            email=sent.email,
            phone=sent.phone,
            is_new=True,
            campaign_id=campaign.pk if campaign else None,
        )
        if campaign is not None:
            roster_add(campaign=campaign, person=person)
        _retag(person, sent)
    return person, True


def person_update(*, token: ApiToken, person: Person, sent: PersonSent) -> None:
    """Change what was sent, keep the rest. Consent only goes down (an unsubscribe)."""
    _update(scope=token_scope(token), person=person, sent=sent)


def _update(*, scope: set[int] | None, person: Person, sent: PersonSent) -> None:
    with transaction.atomic():
        changed = []
        for name, value in (
            ("given_name", sent.given_name),
            ("family_name", sent.family_name),
            ("preferred_language", sent.language),
        ):
            if value and value != getattr(person, name):
                setattr(person, name, value)
                changed.append(name)
        if changed:
            person.save(update_fields=[*changed, "updated_at"])
        campaign_id = next(iter(scope)) if scope and len(scope) == 1 else None
        before = _channel_count(person)
        channels_add_typed(
            person=person, email=sent.email, phone=sent.phone, is_new=False, campaign_id=campaign_id
        )
        if sent.email_status == "unsubscribed":
            consent_opt_out(person=person, channel="email", via="api")
        if sent.phone_status == "unsubscribed":
            consent_opt_out(person=person, channel="sms", via="api")
        # Only a change moves the modified date: a sync sending the same person again leaves
        # it, so two tools syncing both ways do not bounce a person back and forth.
        if _retag(person, sent) or _channel_count(person) != before:
            Person.objects.filter(pk=person.pk).update(updated_at=timezone.now())


def _channel_count(person: Person) -> tuple[int, int]:
    return person.emails.count(), person.phones.count()


def _retag(person: Person, sent: PersonSent) -> bool:
    """add_tags and remove_tags, by name (a new name is a new committee tag); True if the
    person's tags changed."""
    had = set(person.tags.values_list("pk", flat=True))
    for name in sent.add_tags:
        person.tags.add(tag_get_or_create(committee=person.committee, name=name))
    removed = [name.lower() for name in sent.remove_tags]
    gone = [tag for tag in person.tags.all() if tag.name.lower() in removed]
    if gone:
        person.tags.remove(*gone)
    return set(person.tags.values_list("pk", flat=True)) != had


def _campaign_for_new(scope: set[int] | None) -> Campaign | None:
    if scope is None:
        return None
    if len(scope) > 1:
        raise OsdiError(
            _(
                "This token is held to several campaigns, so it cannot tell whose roster a new "
                "person goes on. Use a token of one campaign (or of the whole committee)."
            ),
            status=422,
        )
    return Campaign.objects.get(pk=next(iter(scope)))
