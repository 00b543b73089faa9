"""Roster files on their way in."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models.roster import Campaign


class ImportBatch(models.Model):
    """A roster CSV on its way in: uploaded, mapped, checked in a dry run, then committed
    all at once. The file's text is dropped once the batch is committed or abandoned."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(max_length=200)
    content = models.TextField(blank=True)
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADED)
    summary = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("roster import")
        verbose_name_plural = _("roster imports")

    def __str__(self) -> str:
        return self.filename
