"""Dues payment files on their way in (a payment processor's export, a payroll list)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Committee


class PaymentImport(models.Model):
    """A file of dues payments, uploaded by the treasurer, mapped, checked in a dry run, then
    committed all at once, like a roster file (campaigns.models.ImportBatch) but the
    committee's, not a campaign's: its own row, so the roster import keeps its campaign.
    The file's text is dropped once it is committed or abandoned."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="payment_imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=200)
    content = models.TextField(blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    # The treasurer chose to leave out lines that match no member (they are still listed).
    skip_unmatched = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("payment import")
        verbose_name_plural = _("payment imports")

    def __str__(self) -> str:
        return self.filename
