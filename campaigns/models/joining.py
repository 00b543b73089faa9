"""The committee's public join page (issue 17): one per committee, opened and closed by a
lead, at an unguessable address; and the consent wording it shows, per language.

Who joined through it is a Member with `from_join_form` and the wording they were shown
(campaigns.models.power); the page itself keeps no one's data.
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from members.models import Committee


def new_join_key() -> str:
    """The secret part of the join page's address: unguessable, names nothing."""
    return secrets.token_urlsafe(12)


class JoinPage(models.Model):
    """A committee's join page. The address stays the same across closing and opening (it is
    printed on flyers); a lead gives it a new one when the old one went where it should not."""

    committee = models.OneToOneField(Committee, models.CASCADE, related_name="join_page")
    key = models.CharField(max_length=32, unique=True, default=new_join_key)
    is_open = models.BooleanField(default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("join page")
        verbose_name_plural = _("join pages")

    def __str__(self) -> str:
        return f"{self.committee} join page"


class JoinText(models.Model):
    """The committee's own consent wording in one language. A language without one shows the
    standard wording (campaigns.power.join.wording)."""

    page = models.ForeignKey(JoinPage, models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=10)
    text = models.TextField(_("consent wording"))

    class Meta:
        verbose_name = _("join page wording")
        verbose_name_plural = _("join page wordings")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["page", "language"], name="join_text_per_language"),
        ]

    def __str__(self) -> str:
        return f"{self.page} ({self.language})"


def text_digest(text: str) -> str:
    """The wording's SHA-256: the form carries it, so what is kept is what was shown."""
    return hashlib.sha256(text.encode()).hexdigest()
