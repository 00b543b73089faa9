"""The outbox: every message the app sends (an invitation, a reminder, a nudge) is a row here
first. The database is the source of truth; Celery only carries row ids, so a lost or
re-delivered queue message can neither lose a send nor double it."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.actions import Action
from campaigns.models.signups import SignupDrive
from members.clock import zone_for
from members.models import Committee, Person


class OutboxMessage(models.Model):
    """One message to one recipient (a person, or a user of the app), due at a moment.

    (kind, action, drive, person, user, due_at) is unique, so planning the same message twice is a
    no-op. Status moves pending -> sending -> sent, or back to pending with a later
    next_attempt_at on a transient failure, or to failed with the reason; suppressed when
    consent forbids it, void when it no longer applies (the action moved, the RSVP became no),
    skipped when quiet hours would hold a text until after its action began.
    """

    class Kind(models.TextChoices):
        ACTION_INVITATION = "action_invitation", _("Invitation to an action")
        WAITLIST_PROMOTED = "waitlist_promoted", _("Off the waitlist")
        ACTION_REMINDER = "action_reminder", _("Reminder of an action")
        ACTION_RESCHEDULED = "action_rescheduled", _("An action's new time")
        ACTION_CANCELLED = "action_cancelled", _("An action cancelled")
        ONE_ON_ONE_REMINDER = "one_on_one_reminder", _("Reminder of a one-on-one")
        ORGANIZER_DIGEST = (
            "organizer_digest",
            _("Morning digest: overdue follow-ups, today's one-on-ones"),
        )
        LEAD_DIGEST = "lead_digest", _("Leads' digest: follow-ups overdue for days")
        SUPPORTER_DROP = "supporter_drop", _("A supporter's assessment dropped")
        QUIET_UNITS = "quiet_units", _("Units nobody has talked to")
        NO_SHOW_TWICE = "no_show_twice", _("Said yes and did not come, twice")
        PUBLIC_RSVP_CONFIRM = "public_rsvp_confirm", _("Confirm an answer from a public page")
        SIGNING_LINK = "signing_link", _("A personal link to sign a card or petition")
        SIGNATURE_CONFIRM = "signature_confirm", _("The confirmation of a signature")
        DUES_REMINDER = "dues_reminder", _("A member's reminder that their dues are behind")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed")
        VOID = "void", _("Void")
        # A text that quiet hours held until after its action began (outbox.services.quiet_hours).
        SKIPPED = "skipped", _("Skipped")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="outbox")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    action = models.ForeignKey(
        Action, models.CASCADE, null=True, blank=True, related_name="messages"
    )
    # A message about a sign-up drive (a signing link, a signature's confirmation).
    drive = models.ForeignKey(
        SignupDrive, models.CASCADE, null=True, blank=True, related_name="messages"
    )
    person = models.ForeignKey(
        Person, models.CASCADE, null=True, blank=True, related_name="messages"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="messages"
    )
    due_at = models.DateTimeField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    next_attempt_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    to_address = models.CharField(max_length=254, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    # The links in it (a nudge's snooze links) made before this moment no longer work:
    # lockdown, a deactivated user (campaigns.nudges.services.snooze).
    link_cutoff = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "action", "drive", "person", "user", "due_at"],
                name="outbox_planned_once",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status__in=["pending", "sending"]),
                name="outbox_due_idx",
            ),
            models.Index(fields=["committee", "status"], name="outbox_committee_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def zone(self) -> ZoneInfo:
        """The clock the message's times are written in, and its reader's: where the action
        happens for a message about one, else the committee's."""
        return zone_for(self.action.time_zone if self.action else self.committee)
