"""API tokens: how a committee's scripts and syncs reach its data through the OSDI API
(/api/v2/, campaigns.api). A committee lead makes one; it is shown once and kept hashed."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models.roster import Campaign
from members.models import Committee


class ApiToken(models.Model):
    """A token never sees more than a lead of its committee would, and less when it is scoped
    to chosen campaigns; read-only unless made for writing. Revoked, it answers nothing."""

    class Access(models.TextChoices):
        READ = "read", _("Read only")
        WRITE = "write", _("Read and write")

    class Extra(models.TextChoices):
        """Person fields beyond OSDI's that a token may be given (as custom fields). Notes
        are never among them."""

        UNIT = "unit", _("Unit")
        ASSESSMENT = "assessment", _("Assessment")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    # Empty: the whole committee. Otherwise only people on these campaigns' rosters and these
    # campaigns' actions.
    campaigns = models.ManyToManyField(Campaign, blank=True, related_name="+")
    access = models.CharField(_("access"), max_length=10, choices=Access.choices)
    extras = ArrayField(
        models.CharField(max_length=20, choices=Extra.choices), blank=True, default=list
    )
    prefix = models.CharField(max_length=12)  # the token's first characters, to recognise it
    key_hash = models.CharField(max_length=64, unique=True)  # sha256 of the whole token
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["committee", "created_at"], name="apitoken_committee_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def writes(self) -> bool:
        return self.access == self.Access.WRITE
