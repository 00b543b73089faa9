"""The demo's sign-up drives, in progress: a union card drive at the warehouse (most of its
supporters signed over the past weeks, some units past a majority, some not, a couple of cards
taken back) and a repairs petition at the buildings, three weeks in.

Rows are written directly, as the demo's actions are: recording through the app would send a
confirmation email to every demo signer.
"""

import random
from datetime import timedelta

from campaigns.models import (
    Campaign,
    DriveText,
    RosterEntry,
    Signature,
    SignatureRevocation,
    SignupDrive,
)
from members.clock import midnight, today_for
from members.models import User

CARD_EN = (
    "I want the Warehouse Workers Union to represent me for collective bargaining with my "
    "employer on wages, hours and working conditions."
)
CARD_ES = (
    "Quiero que el Sindicato de Trabajadores de Almacén me represente en la negociación "
    "colectiva con mi empleador sobre salarios, horarios y condiciones de trabajo."
)
PETITION_EN = (
    "We, the tenants, demand that the landlord fix the mold, the broken heating and the "
    "leaks in our buildings within 30 days, and meet with our tenants union."
)
PETITION_ES = (
    "Nosotros, los inquilinos, exigimos que el propietario repare el moho, la calefacción "
    "descompuesta y las goteras de nuestros edificios en 30 días, y se reúna con nuestro "
    "sindicato de inquilinos."
)

# (campaign, kind, title, texts, weeks open, who signs: chance for a 1 or 2, for a 3)
DRIVES = [
    (
        "workplace",
        SignupDrive.Kind.CARD,
        "Lighthouse union card",
        {"en": CARD_EN, "es": CARD_ES},
        9,
        (0.85, 0.3),
    ),
    (
        "tenant",
        SignupDrive.Kind.PETITION,
        "Oak Street repairs petition",
        {"en": PETITION_EN, "es": PETITION_ES},
        3,
        (0.6, 0.1),
    ),
]


def signups_seed(*, campaigns: dict[str, Campaign], lead: User, rng: random.Random) -> None:
    """Each campaign's drive, once."""
    for key, kind, title, texts, weeks, chances in DRIVES:
        campaign = campaigns[key]
        if campaign.drives.exists():
            continue
        drive = _drive(campaign, kind=kind, title=title, texts=texts, weeks=weeks, lead=lead)
        _signatures(drive, chances=chances, rng=rng)


def _drive(
    campaign: Campaign, *, kind: str, title: str, texts: dict[str, str], weeks: int, lead: User
) -> SignupDrive:
    today = today_for(campaign.committee)
    drive = SignupDrive.objects.create(
        campaign=campaign,
        kind=kind,
        title=title,
        opens_on=today - timedelta(weeks=weeks),
        threshold_interest=campaign.threshold_interest,
        threshold_majority=campaign.threshold_majority,
        threshold_super=campaign.threshold_super,
        fresh_months=12 if kind == SignupDrive.Kind.CARD else None,
        created_by=lead,
    )
    DriveText.objects.bulk_create(
        DriveText(drive=drive, language=language, text=text) for language, text in texts.items()
    )
    return drive


def _signatures(drive: SignupDrive, *, chances: tuple[float, float], rng: random.Random) -> None:
    """Paper from the organizer assigned to each signer, a few signed on their link, two taken
    back; dated over the weeks the drive has been open."""
    committee = drive.campaign.committee
    today = today_for(committee)
    texts = list(drive.texts.all())
    days = (today - drive.opens_on).days
    entries = RosterEntry.objects.filter(campaign=drive.campaign, removed_at=None)
    rows = []
    for entry in entries.select_related("person").order_by("pk"):
        chance = {1: chances[0], 2: chances[0], 3: chances[1]}.get(entry.assessment or 0, 0)
        if rng.random() >= chance:
            continue
        signed_on = drive.opens_on + timedelta(days=rng.randint(0, days))
        text = texts[0] if entry.person.preferred_language != "es" else texts[-1]
        online = rng.random() < 0.2
        rows.append(
            Signature(
                drive=drive,
                person=entry.person,
                method=Signature.Method.LINK if online else Signature.Method.PAPER,
                signed_on=signed_on,
                signed_at=midnight(signed_on, committee) + timedelta(hours=19) if online else None,
                text=text,
                text_digest=text.digest,
                typed_name=str(entry.person) if online else "",
                consent=online,
                collected_by_id=None if online else entry.organizer_id,
                paper_kept_at="" if online else "Organizing committee binder",
                recorded_by_id=entry.organizer_id,
            )
        )
    signatures = Signature.objects.bulk_create(rows)
    for signature in rng.sample(signatures, min(2, len(signatures))):
        SignatureRevocation.objects.create(
            signature=signature,
            revoked_on=min(signature.signed_on + timedelta(days=7), today),
            by_signer=True,
            reason="Asked for the card back",
        )
