"""Unsubscribing from the link in an email, or from a mail client's one-click button.

The link's token is opaque (organizing.link_keys: the person's id and the channel sealed,
nothing readable). It never expires, since an unsubscribe link must keep working; for
the same reason links emailed before the tokens became opaque (Django's signed [person id,
channel]) still work. Opening the page changes nothing (mail scanners open every link); a POST
opts out. The change is recorded in the audit trail.
"""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from members.audit import audit_record
from members.models import AuditEvent, Person
from organizing.link_keys import LinkUnreadable, link_open, link_seal

PURPOSE = "unsubscribe"
OLD_SALT = "majority.unsubscribe"  # the signed links of before, still honoured
CHANNELS = {"email": "email_ok", "sms": "sms_ok"}  # channel -> the consent field it clears
CHANNEL_NUMBERS = {"email": 1, "sms": 2}  # how a token names the channel


class UnsubscribeInvalid(Exception):
    """Tampered with, made for another server, or the person is gone."""


def unsubscribe_token(*, person: Person, channel: str = "email") -> str:
    return link_seal(person.pk, CHANNEL_NUMBERS[channel], purpose=PURPOSE)


def unsubscribe_urls(*, person: Person, channel: str = "email") -> tuple[str, str]:
    """The absolute URLs of the page a person opens, and of the one-click POST (RFC 8058) a
    mail client makes from the List-Unsubscribe header."""
    token = unsubscribe_token(person=person, channel=channel)
    return (
        settings.SITE_URL + reverse("unsubscribe", args=[token]),
        settings.SITE_URL + reverse("unsubscribe_one_click", args=[token]),
    )


def unsubscribe_resolve(token: str) -> tuple[Person, str]:
    """The person and the channel a token stands for; raises UnsubscribeInvalid."""
    if ":" in token:  # an old signed link (an opaque token never has a colon)
        return _old_link_resolve(token)
    try:
        (person_id, number), _issued = link_open(token, purpose=PURPOSE, count=2)
    except LinkUnreadable as error:
        raise UnsubscribeInvalid from error
    channels = {n: channel for channel, n in CHANNEL_NUMBERS.items()}
    return _person(person_id, channels.get(number, ""))


def _old_link_resolve(token: str) -> tuple[Person, str]:
    try:
        person_id, channel = signing.loads(token, salt=OLD_SALT)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise UnsubscribeInvalid from error
    return _person(person_id, channel)


def _person(person_id: int, channel: str) -> tuple[Person, str]:
    person = Person.objects.filter(pk=person_id).first() if channel in CHANNELS else None
    if person is None:
        raise UnsubscribeInvalid
    return person, channel


def consent_opt_out(*, person: Person, channel: str, via: str, ip: str | None = None) -> bool:
    """Stop messages to the person on this channel; records the change (only a change: a
    second click is a no-op). Returns whether anything changed."""
    field = CHANNELS[channel]
    with transaction.atomic():
        changed = Person.objects.filter(pk=person.pk, **{field: True}).update(
            **{field: False}, updated_at=timezone.now()
        )
        if changed:
            audit_record(
                actor=None,
                kind=AuditEvent.Kind.CONSENT,
                committee_id=person.committee_id,
                subject=person,
                detail={"channel": channel, "change": "opted_out", "via": via},
                ip=ip,
            )
    setattr(person, field, False)
    return bool(changed)
