"""The links a signer opens without logging in: their personal signing link, and the link in
their confirmation that takes the signature back.

Tokens are opaque (organizing.link_keys: the ids sealed, nothing readable), each kind with its
own purpose, so a revoke token never opens a signing page. A signing link works while its
person may still be asked: not marked do-not-contact, not erased, and on the campaign's roster
now, or never on it but brought by the drive's public page (a new contact it made, or a known
one it sent a link to). Taken off the roster, the link stops working. A lockdown ends every
link made so far (the drive's link_cutoff, drive_links_end). Each failure reads the same (404),
so a link that stopped working tells its holder nothing about the person; a drive that no
longer takes signatures is the one exception (410, saying why): closed, or not open today.

Opening either link changes nothing (mail scanners open every link): one POST signs, or
takes the signature back.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from campaigns.models import OutboxMessage, RosterEntry, Signature, SignupDrive
from campaigns.signups.services import drive_open_problem
from members.clock import today_for
from members.models import Person
from organizing.link_keys import LinkUnreadable, link_open, link_seal

SIGNING = "signing"
REVOKING = "signature_revoke"


class LinkInvalid(Exception):
    """Not a link of ours, or one that no longer works: the page shows nothing."""


class LinkExpired(Exception):
    """One of our signing links, but the drive takes no signature today: `problem` says why."""

    def __init__(self, problem: str, link: "SigningLink") -> None:
        super().__init__(problem)
        self.problem = problem
        self.link = link


@dataclass(frozen=True)
class SigningLink:
    drive: SignupDrive
    person: Person


def signing_link_token(*, drive: SignupDrive, person: Person) -> str:
    return link_seal(drive.pk, person.pk, purpose=SIGNING)


def signing_link_url(*, drive: SignupDrive, person: Person) -> str:
    """The absolute address sent by email or text message."""
    token = signing_link_token(drive=drive, person=person)
    return settings.SITE_URL + reverse("signing_link", args=[token])


def revoke_link_token(*, signature: Signature) -> str:
    return link_seal(signature.pk, purpose=REVOKING)


def revoke_link_url(*, signature: Signature) -> str:
    token = revoke_link_token(signature=signature)
    return settings.SITE_URL + reverse("signature_revoke_link", args=[token])


def _opened(token: str, *, purpose: str, count: int) -> tuple[tuple[int, ...], datetime]:
    try:
        return link_open(token, purpose=purpose, count=count)
    except LinkUnreadable as error:
        raise LinkInvalid from error


def _not_ended(issued: datetime) -> Q:
    """The drive's links made after its last lockdown."""
    return Q(link_cutoff__isnull=True) | Q(link_cutoff__lt=issued)


def signing_link_resolve(token: str) -> SigningLink:
    """The drive and the person a signing token stands for; raises LinkInvalid, or
    LinkExpired when the drive takes no signature today."""
    (drive_id, person_id), issued = _opened(token, purpose=SIGNING, count=2)
    drive = (
        SignupDrive.objects.select_related("campaign", "campaign__committee")
        .filter(_not_ended(issued), pk=drive_id)
        .first()
    )
    person = Person.objects.filter(pk=person_id).first()
    if drive is None or person is None or not may_be_asked(drive, person):
        raise LinkInvalid
    link = SigningLink(drive=drive, person=person)
    problem = drive_open_problem(drive, today_for(drive.campaign.committee))
    if drive.closed_at is not None and not problem:
        # Closed today: paper signed today may still be recorded, but no one signs online.
        problem = _("This drive is closed.")
    if problem:
        raise LinkExpired(problem, link)
    return link


def askable(drive: SignupDrive) -> Q:
    """The people who may still be asked to sign the drive (see the module's docstring), as
    a filter on Person: one query for a whole roster."""
    person = OuterRef("pk")
    entries = RosterEntry.objects.filter(person=person, campaign_id=drive.campaign_id)
    created = Signature.objects.filter(drive=drive, person=person, created_person=True)
    sent = OutboxMessage.objects.filter(
        kind=OutboxMessage.Kind.SIGNING_LINK, drive=drive, person=person
    )
    brought = Exists(created) | Exists(sent)
    return Q(
        Exists(entries.filter(removed_at__isnull=True)) | (~Exists(entries) & brought),
        do_not_contact=False,
        erased_at__isnull=True,
        committee_id=drive.campaign.committee_id,
    )


def may_be_asked(drive: SignupDrive, person: Person) -> bool:
    return Person.objects.filter(askable(drive), pk=person.pk).exists()


def revoke_link_resolve(token: str) -> Signature:
    """The signature a revoke token stands for, while its drive's links work; raises
    LinkInvalid."""
    (signature_id,), issued = _opened(token, purpose=REVOKING, count=1)
    signature = (
        Signature.objects.select_related(
            "drive", "drive__campaign", "drive__campaign__committee", "person", "revocation"
        )
        .filter(pk=signature_id)
        .first()
    )
    if signature is None:
        raise LinkInvalid
    cutoff = signature.drive.link_cutoff
    if cutoff is not None and cutoff >= issued:
        raise LinkInvalid
    return signature
