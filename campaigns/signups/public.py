"""Signing on a drive's public page: anyone with its address signs with a name and an email
address or a phone number.

Anyone can type anyone's email address or phone number, so a signature is never recorded for
someone the committee already knows (their email in any case, or failing that their phone
matches): that person is sent their own signing link instead (SIGNING_LINK, by the channel
they chose), and signs there themselves, or not. Only when nothing matches is a new person made
with their signature, flagged `created_person` for an organizer to follow up (and place on the
roster: a stranger's signature counts once an organizer has checked who they are). A match
never adds the typed details to the person, and the page says the same either way, so it
tells a visitor nothing about who is already known. While a link is on its way, typing the
address again sends no second one (the form cannot flood someone's inbox).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from campaigns.models import DriveText, OutboxMessage, Signature, SignupDrive
from campaigns.outbox.services.plan import outbox_plan
from campaigns.signups.sending import link_waiting
from campaigns.signups.services import drive_open_problem, signature_record
from members.clock import today_for
from members.language import supported
from members.models import Person
from members.ratelimits import counted_within
from members.selectors import person_matching
from members.services import person_channels_add

RATE_LIMIT = 10  # signatures per address...
RATE_WINDOW = 600  # ...per ten minutes


@dataclass(frozen=True)
class PublicSignature:
    name: str
    email: str  # "" when not given
    phone: str  # E.164, "" when not given
    text: DriveText  # the text they read and signed
    ip: str | None = None
    language: str = ""  # the page's: a new person's preferred language


def public_sign(*, drive: SignupDrive, data: PublicSignature) -> None:
    """A signature from the public page (see the module's docstring). Raises ValidationError
    ("closed") when the drive takes no signature today, whoever it is for; nothing is kept
    then. Returns nothing: what the page says must not depend on who was matched."""
    committee = drive.campaign.committee
    today = today_for(committee)
    problem = drive_open_problem(drive, today)
    if problem:
        raise ValidationError(problem, code="closed")
    with transaction.atomic():
        person = person_matching(committee=committee, email=data.email, phone=data.phone)
        if person is not None:
            if not person.do_not_contact and not link_waiting(drive, person):
                outbox_plan(
                    kind=OutboxMessage.Kind.SIGNING_LINK,
                    committee=committee,
                    drive=drive,
                    person=person,
                )
            return
        person = Person.objects.create(
            committee=committee,
            given_name=data.name,  # one field: names do not split the same way everywhere
            preferred_language=supported(data.language) or "",
        )
        person_channels_add(person=person, email=data.email, phone=data.phone)
        signature_record(
            drive=drive,
            person=person,
            signed_on=today,
            method=Signature.Method.PUBLIC,
            text=data.text,
            typed_name=data.name,
            consent=True,
            ip=data.ip,
            created_person=True,
        )


def public_signing_allowed(ip: str) -> bool:
    """Counts one signature from this address; False once it has made RATE_LIMIT in the
    window (as for public RSVPs)."""
    return counted_within(f"public-signing:{ip}", limit=RATE_LIMIT, window=RATE_WINDOW)
