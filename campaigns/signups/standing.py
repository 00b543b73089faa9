"""Where one person stands on the drives open to them: the person page's "Sign-ups" section
and the block a recorded signature answers with. Statuses come from the one counting rule
(campaigns.roster.signatures); this adds the signature rows behind them (how it was signed,
which one a revocation would take back)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, OuterRef

from campaigns.access import campaigns_visible_to
from campaigns.models import RosterEntry, Signature, SignupDrive
from campaigns.roster.signatures import (
    FRESH,
    REVOKED,
    STALE,
    UNSIGNED,
    drive_open_on,
    person_statuses,
)
from members.clock import today_for
from members.models import Person, User


@dataclass(frozen=True)
class DriveStanding:
    """A person on a drive today: fresh, stale, revoked or not signed, with the signature
    that stands (or, revoked, the one taken back last)."""

    drive: SignupDrive
    person: Person
    status: str
    signature: Signature | None

    @property
    def signed(self) -> bool:
        return self.status in (FRESH, STALE)

    @property
    def fresh(self) -> bool:
        return self.status == FRESH

    @property
    def stale(self) -> bool:
        return self.status == STALE

    @property
    def revoked(self) -> bool:
        return self.status == REVOKED

    @property
    def unsigned(self) -> bool:
        return self.status == UNSIGNED


def person_drive_standings(*, person: Person, user: User) -> list[DriveStanding]:
    """The person on every open drive of the campaigns `user` may see whose roster they are
    on now: one query without a drive, three with any number of them."""
    on_roster = RosterEntry.objects.filter(
        campaign=OuterRef("campaign"), person=person, removed_at__isnull=True
    )
    candidates = (
        SignupDrive.objects.filter(
            Exists(on_roster), closed_at__isnull=True, campaign__in=campaigns_visible_to(user)
        )
        .select_related("campaign__committee")
        .order_by("campaign__code_name", "-opens_on", "-pk")
    )
    drives = [d for d in candidates if drive_open_on(d, today_for(d.campaign.committee))]
    if not drives:
        return []
    return standings(person=person, drives=drives, day=today_for(drives[0].campaign.committee))


def drive_standing(*, drive: SignupDrive, person: Person) -> DriveStanding:
    """The person on one drive today (not signed if they are off its roster)."""
    [standing] = standings(person=person, drives=[drive], day=today_for(drive.campaign.committee))
    return standing


def standings(*, person: Person, drives: list[SignupDrive], day: date) -> list[DriveStanding]:
    if not drives:
        return []
    rows = person_statuses(person.pk, drives, day=day)
    signatures = _signatures(person, drives, day)
    return [
        DriveStanding(
            drive=drive,
            person=person,
            status=rows[drive.pk].status if drive.pk in rows else UNSIGNED,
            signature=signatures.get(drive.pk),
        )
        for drive in drives
    ]


def _signatures(person: Person, drives: list[SignupDrive], day: date) -> dict[int, Signature]:
    """Per drive, the signature that stands (the first), else the last one revoked."""
    rows = (
        Signature.objects.filter(person=person, drive__in=drives, signed_on__lte=day)
        .select_related("revocation", "collected_by")
        .order_by("drive_id", "signed_on", "pk")
    )
    found: dict[int, Signature] = {}
    for signature in rows:
        kept = found.get(signature.drive_id)
        if kept is None or not _stands(kept, day):
            found[signature.drive_id] = signature
    return found


def _stands(signature: Signature, day: date) -> bool:
    revocation = getattr(signature, "revocation", None)
    return revocation is None or revocation.revoked_on > day
