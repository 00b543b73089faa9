"""Sign-up drives: union authorization cards and petitions, and the signatures that prove
support (an assessment is an organizer's judgement; a signature is the person's own act).

Nothing here is ever overwritten. A drive's text is frozen once someone has signed (a new
version is a new drive, `replaces` the old); a signature and its revocation are rows added,
never changed (campaigns.signups.services). Counting, fresh or stale as of any date, is
campaigns.roster.signatures.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.roster import PERCENT, Campaign
from members.models import Person


def new_drive_key() -> str:
    """The secret part of a drive's public signing page: unguessable, names nothing."""
    return secrets.token_urlsafe(12)


class SignupDrive(models.Model):
    """A campaign's drive for union cards or a petition, with the thresholds it counts
    against (copied from the campaign when made) and, for cards, how long a signature stays
    fresh."""

    class Kind(models.TextChoices):
        CARD = "card", _("Union card drive")
        PETITION = "petition", _("Petition")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="drives")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)  # closed by a lead
    threshold_interest = models.PositiveSmallIntegerField(
        _("showing of interest (%)"), default=30, validators=PERCENT
    )
    threshold_majority = models.PositiveSmallIntegerField(
        _("majority (%)"), default=50, validators=PERCENT
    )
    threshold_super = models.PositiveSmallIntegerField(
        _("supermajority (%)"), default=67, validators=PERCENT
    )
    fresh_months = models.PositiveSmallIntegerField(
        _("a signature stays fresh for (months)"),
        null=True,
        blank=True,
        help_text=_("Cards older than this are counted as stale. Leave empty: never stale."),
    )
    # The public signing page works while this is set (a lead opens and closes it).
    public_key = models.CharField(max_length=32, unique=True, null=True, blank=True)
    # Links sent before this moment no longer work (a lockdown).
    link_cutoff = models.DateTimeField(null=True, blank=True)
    replaces = models.OneToOneField(
        "self", models.SET_NULL, null=True, blank=True, related_name="replaced_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sign-up drive")
        verbose_name_plural = _("sign-up drives")
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_interest__gte=1)
                & Q(threshold_interest__lte=F("threshold_majority"))
                & Q(threshold_majority__lte=F("threshold_super"))
                & Q(threshold_super__lte=100),
                name="drive_thresholds_ordered",
            ),
            models.CheckConstraint(
                condition=Q(closes_on__isnull=True) | Q(closes_on__gte=F("opens_on")),
                name="drive_closes_after_it_opens",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def thresholds(self) -> tuple[int, int, int]:
        return (self.threshold_interest, self.threshold_majority, self.threshold_super)


class DriveText(models.Model):
    """The exact words signed, in one language. Frozen once anyone has signed the drive."""

    drive = models.ForeignKey(SignupDrive, models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10)
    text = models.TextField(_("text signed"))

    class Meta:
        verbose_name = _("text of a drive")
        verbose_name_plural = _("texts of a drive")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["drive", "language"], name="drive_text_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.drive} ({self.language})"

    @property
    def digest(self) -> str:
        """The text's SHA-256, kept with each signature: proof of the words signed."""
        return hashlib.sha256(self.text.encode()).hexdigest()


class Signature(models.Model):
    """One person's signature on a drive: a paper card or petition an organizer recorded, a
    personal link signed, or the public page. A second one while the first stands is refused
    (the first date wins); after a revocation, or once a card has gone stale, signing again
    adds a new row."""

    class Method(models.TextChoices):
        PAPER = "paper", _("On paper")
        LINK = "link", _("Signed on their link")
        PUBLIC = "public", _("Public signing page")

    drive = models.ForeignKey(SignupDrive, models.CASCADE, related_name="signatures")
    person = models.ForeignKey(Person, models.CASCADE, related_name="signatures")
    method = models.CharField(_("how"), max_length=10, choices=Method.choices)
    signed_on = models.DateField(_("date signed"))
    signed_at = models.DateTimeField(null=True, blank=True)  # online: the moment of signing
    text = models.ForeignKey(
        DriveText, models.CASCADE, null=True, blank=True, related_name="signatures"
    )
    text_digest = models.CharField(max_length=64, blank=True)
    typed_name = models.CharField(_("full name, as typed"), max_length=200, blank=True)
    consent = models.BooleanField(default=False)
    ip = models.GenericIPAddressField(null=True, blank=True)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("collected by"),
    )
    paper_kept_at = models.CharField(_("where the paper is kept"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The public page made a new contact: organizers see it flagged to follow up.
    created_person = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        indexes = [models.Index(fields=["drive", "person"], name="signature_drive_person_idx")]

    def __str__(self) -> str:
        return f"{self.person} signed {self.drive} on {self.signed_on}"


class SignatureRevocation(models.Model):
    """A signature taken back: by the signer (the link in their confirmation) or recorded by
    an organizer, from a date on. The signature row stays."""

    signature = models.OneToOneField(Signature, models.CASCADE, related_name="revocation")
    revoked_on = models.DateField(_("revoked on"))
    by_signer = models.BooleanField(default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("revocation")
        verbose_name_plural = _("revocations")

    def __str__(self) -> str:
        return f"revoked {self.signature} on {self.revoked_on}"
