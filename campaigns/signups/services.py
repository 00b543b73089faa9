"""Running a sign-up drive: starting, editing and closing it, and recording signatures and
their revocations. Every change is audited; nothing recorded is ever changed.

A drive takes a signature dated on a day it was open: on or after it opened, and on or before
the day it closes (or was closed). Paper is often recorded the morning after it was signed,
so the rule is the signature's date, not the day it is typed in; signing online is dated
today. A second signature while the first stands fresh is kept as one: the first date wins.
A card gone stale is signed again as a new row (campaigns.roster.signatures counts the latest).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from campaigns.models import (
    Campaign,
    DriveText,
    OutboxMessage,
    Signature,
    SignatureRevocation,
    SignupDrive,
)
from campaigns.models.signups import new_drive_key
from campaigns.outbox.services.plan import outbox_plan
from campaigns.roster.signatures import fresh_through
from members.audit import audit_record
from members.clock import day_of, today_for
from members.models import AuditEvent, Committee, Person, User

FRESH_MONTHS = 12  # a union card's default freshness window


@dataclass(frozen=True)
class DriveData:
    kind: str
    title: str
    texts: dict[str, str]  # language code -> the exact text signed
    opens_on: date
    closes_on: date | None = None
    thresholds: tuple[int, int, int] | None = None  # None: the campaign's
    fresh_months: int | None = None  # None: a card's default, a petition never stale
    never_stale: bool = False  # a card whose lead chose no window (fresh_months None)


def drive_create(
    *,
    campaign: Campaign,
    data: DriveData,
    actor: User | None,
    replaces: SignupDrive | None = None,
    ip: str | None = None,
) -> SignupDrive:
    """Start a drive with its texts (at least one language)."""
    _check_texts(data.texts)
    interest, majority, supermajority = data.thresholds or campaign.threshold_triple
    fresh_months = data.fresh_months
    if fresh_months is None and data.kind == SignupDrive.Kind.CARD and not data.never_stale:
        fresh_months = FRESH_MONTHS
    with transaction.atomic():
        drive = SignupDrive.objects.create(
            campaign=campaign,
            kind=data.kind,
            title=data.title,
            opens_on=data.opens_on,
            closes_on=data.closes_on,
            threshold_interest=interest,
            threshold_majority=majority,
            threshold_super=supermajority,
            fresh_months=fresh_months,
            replaces=replaces,
            created_by=actor,
        )
        DriveText.objects.bulk_create(
            DriveText(drive=drive, language=language, text=text)
            for language, text in data.texts.items()
        )
        _drive_audit(drive, actor=actor, change="created", ip=ip)
    return drive


def _check_texts(texts: dict[str, str]) -> None:
    if not any(text.strip() for text in texts.values()):
        raise ValidationError(_("Write the text people sign, in at least one language."))


def drive_update(
    *, drive: SignupDrive, data: DriveData, actor: User | None, ip: str | None = None
) -> SignupDrive:
    """Change a drive's title, dates, thresholds and window; its texts only while nobody has
    signed (after that, a new version is a new drive: drive_new_version)."""
    with transaction.atomic():
        locked = SignupDrive.objects.select_for_update().get(pk=drive.pk)
        current = {t.language: t.text for t in locked.texts.all()}
        if current != data.texts:
            if locked.signatures.exists():
                raise ValidationError(
                    _(
                        "Someone has signed this text, so it can no longer change. "
                        "Start a new version instead: a new drive with the new text."
                    ),
                    code="frozen",
                )
            _check_texts(data.texts)
            locked.texts.all().delete()
            DriveText.objects.bulk_create(
                DriveText(drive=locked, language=language, text=text)
                for language, text in data.texts.items()
            )
        locked.kind = data.kind
        locked.title = data.title
        locked.opens_on = data.opens_on
        locked.closes_on = data.closes_on
        if data.thresholds:
            (locked.threshold_interest, locked.threshold_majority, locked.threshold_super) = (
                data.thresholds
            )
        locked.fresh_months = data.fresh_months
        locked.save()
        _drive_audit(locked, actor=actor, change="edited", ip=ip)
    return locked


def drive_new_version(
    *, drive: SignupDrive, data: DriveData, actor: User | None, ip: str | None = None
) -> SignupDrive:
    """A new drive with new text that replaces this one; this one closes today. Signatures
    on the old text stay on the old drive: they signed those words."""
    with transaction.atomic():
        new = drive_create(campaign=drive.campaign, data=data, actor=actor, replaces=drive, ip=ip)
        if drive.closed_at is None:
            drive_close(drive=drive, actor=actor, ip=ip)
    return new


def drive_close(*, drive: SignupDrive, actor: User | None, ip: str | None = None) -> None:
    """No more signatures dated after today, and the public page closes."""
    drive.closed_at = timezone.now()
    drive.public_key = None
    drive.save(update_fields=["closed_at", "public_key"])
    _drive_audit(drive, actor=actor, change="closed", ip=ip)


def drive_public_set(
    *, drive: SignupDrive, open_page: bool, actor: User | None, ip: str | None = None
) -> None:
    """Open the drive's public signing page (a new address each time) or close it."""
    if open_page and drive_open_problem(drive, today_for(drive.campaign.committee)):
        raise ValidationError(_("The drive is closed: its public page cannot open."), code="closed")
    drive.public_key = new_drive_key() if open_page else None
    drive.save(update_fields=["public_key"])
    change = "public_opened" if open_page else "public_closed"
    _drive_audit(drive, actor=actor, change=change, ip=ip)


def _drive_audit(drive: SignupDrive, *, actor: User | None, change: str, ip: str | None) -> None:
    audit_record(
        actor=actor,
        kind=AuditEvent.Kind.DRIVE_CHANGE,
        committee_id=drive.campaign.committee_id,
        subject=drive,
        campaign_id=drive.campaign_id,
        detail={"change": change},
        ip=ip,
    )


def drive_open_problem(drive: SignupDrive, day: date) -> str:
    """Why the drive takes no signature dated `day` ("" when it does)."""
    if day < drive.opens_on:
        return _("This drive opens on %(date)s.") % {"date": date_format(drive.opens_on)}
    closed_on = drive.closes_on
    if drive.closed_at is not None:
        closed = day_of(drive.closed_at, drive.campaign.committee)
        closed_on = min(closed_on, closed) if closed_on else closed
    if closed_on is not None and day > closed_on:
        return _("This drive closed on %(date)s.") % {"date": date_format(closed_on)}
    return ""


@dataclass(frozen=True)
class SignatureOutcome:
    signature: Signature
    created: bool  # False: they had signed already, and that signature stands


def signature_record(
    *,
    drive: SignupDrive,
    person: Person,
    signed_on: date,
    method: str,
    text: DriveText | None = None,
    typed_name: str = "",
    consent: bool = False,
    ip: str | None = None,
    collected_by: User | None = None,
    paper_kept_at: str = "",
    recorded_by: User | None = None,
    created_person: bool = False,
) -> SignatureOutcome:
    """Record that `person` signed `drive` on `signed_on`. Raises ValidationError: "future"
    or "before_open" for a date the drive cannot take, "closed" (the page answers 409) when
    the drive was closed that day. An online signature gets its confirmation by email."""
    committee = drive.campaign.committee
    if signed_on > today_for(committee):
        raise ValidationError(_("A signature cannot be dated in the future."), code="future")
    if signed_on < drive.opens_on:
        raise ValidationError(
            _("The drive opened on %(date)s: a signature cannot be dated before it.")
            % {"date": date_format(drive.opens_on)},
            code="before_open",
        )
    problem = drive_open_problem(drive, signed_on)
    if problem:
        raise ValidationError(problem, code="closed")
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one signer at a time
        standing = signature_standing(drive=drive, person=person, on=signed_on)
        if standing is not None:
            return SignatureOutcome(signature=standing, created=False)
        text = text or drive.texts.first()
        signature = Signature.objects.create(
            drive=drive,
            person=person,
            method=method,
            signed_on=signed_on,
            signed_at=timezone.now() if method != Signature.Method.PAPER else None,
            text=text,
            text_digest=text.digest if text else "",
            typed_name=typed_name,
            consent=consent,
            ip=ip,
            collected_by=collected_by,
            paper_kept_at=paper_kept_at,
            recorded_by=recorded_by,
            created_person=created_person,
        )
        _signature_audit(signature, actor=recorded_by, change="signed", ip=ip)
        if method != Signature.Method.PAPER:
            outbox_plan(
                kind=OutboxMessage.Kind.SIGNATURE_CONFIRM,
                committee=committee,
                drive=drive,
                person=person,
                due_at=signature.signed_at,
            )
    return SignatureOutcome(signature=signature, created=True)


def signature_standing(
    *, drive: SignupDrive, person: Person, on: date | None = None
) -> Signature | None:
    """The person's first signature on the drive that has not been revoked (and, `on` a day,
    is still fresh that day), if any."""
    standing = Signature.objects.filter(drive=drive, person=person, revocation__isnull=True)
    for signature in standing.order_by("signed_on", "pk"):
        if on is None or fresh_through(signature.signed_on, drive.fresh_months) >= on:
            return signature
    return None


def signature_revoke(
    *,
    signature: Signature,
    revoked_on: date,
    by_signer: bool,
    reason: str = "",
    recorded_by: User | None = None,
    ip: str | None = None,
) -> SignatureRevocation:
    """Take a signature back from `revoked_on` on. Raises ValidationError for a date in the
    future or before it was signed, or a signature revoked already."""
    committee = signature.drive.campaign.committee
    if revoked_on > today_for(committee):
        raise ValidationError(_("A revocation cannot be dated in the future."), code="future")
    if revoked_on < signature.signed_on:
        raise ValidationError(
            _("It was signed on %(date)s: it cannot be revoked before that.")
            % {"date": date_format(signature.signed_on)},
            code="before_signed",
        )
    with transaction.atomic():
        locked = Signature.objects.select_for_update().get(pk=signature.pk)
        if SignatureRevocation.objects.filter(signature=locked).exists():
            raise ValidationError(_("This signature was revoked already."), code="revoked")
        revocation = SignatureRevocation.objects.create(
            signature=locked,
            revoked_on=revoked_on,
            by_signer=by_signer,
            reason=reason,
            recorded_by=recorded_by,
        )
        _signature_audit(locked, actor=recorded_by, change="revoked", ip=ip)
    return revocation


def _signature_audit(
    signature: Signature, *, actor: User | None, change: str, ip: str | None
) -> None:
    drive = signature.drive
    audit_record(
        actor=actor,
        kind=AuditEvent.Kind.SIGNATURE,
        committee_id=drive.campaign.committee_id,
        subject=signature,
        campaign_id=drive.campaign_id,
        detail={"change": change, "method": signature.method, "drive_id": drive.pk},
        ip=ip,
    )


def drive_links_end(committee: Committee, user: User | None) -> int:
    """End the signing links sent so far for the committee's drives (a lockdown); how many
    drives. A deactivated login's own links are not the signer's: they stay (user given).
    Registered with members.links."""
    if user is not None:
        return 0
    drives = SignupDrive.objects.filter(campaign__committee=committee)
    return drives.update(link_cutoff=timezone.now())
