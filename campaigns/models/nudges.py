"""Snoozing a nudge: its recipient says "not now" for a while, from the email or the app."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.models.conversations import FollowUp
from campaigns.models.outbox import OutboxMessage
from members.models import Person


class NudgeSnooze(models.Model):
    """One recipient's "not now" until a moment.

    It covers what it names: one follow-up (left out of that user's digests), one person (the
    supporter-drop or no-show nudges about them), or, naming neither, every nudge of the kind
    (a weekly quiet-units email). A snooze never touches anyone else's nudges.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="snoozes")
    kind = models.CharField(max_length=40, choices=OutboxMessage.Kind.choices)
    person = models.ForeignKey(Person, models.CASCADE, null=True, blank=True, related_name="+")
    follow_up = models.ForeignKey(
        FollowUp, models.CASCADE, null=True, blank=True, related_name="snoozes"
    )
    until = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("snoozed nudge")
        verbose_name_plural = _("snoozed nudges")
        indexes = [models.Index(fields=["user", "until"], name="nudge_snooze_user_idx")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.user} until {self.until:%Y-%m-%d}"
