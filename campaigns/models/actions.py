"""Actions (meetings, trainings, pickets...) and who is coming: invitations, RSVPs, check-in."""

import secrets
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.functions import RandomUUID
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models.roster import Campaign, Site
from members.models import Committee, Person, default_action_reminders


def default_reminder_offsets() -> list[int]:
    """Remind people who said yes or maybe a day and two hours before (minutes); a new action
    made in the app starts from its committee's choice instead (Committee.reminder_offsets)."""
    return default_action_reminders()


def new_public_key() -> str:
    """The secret part of a public action's link: unguessable, and says nothing about it."""
    return secrets.token_urlsafe(12)


class Action(models.Model):
    """Something people show up to. Times are stored in UTC and shown in `time_zone`, the
    site's (or, committee-wide, the committee's) zone when the action was set."""

    class Kind(models.TextChoices):
        COMMITTEE_MEETING = "committee_meeting", _("Committee meeting")
        GENERAL_MEETING = "general_meeting", _("General meeting")
        TRAINING = "training", _("Training")
        PETITION_DELIVERY = "petition_delivery", _("Petition delivery")
        MARCH_ON_THE_BOSS = "march_on_the_boss", _("March on the boss")
        RALLY = "rally", _("Rally")
        PICKET = "picket", _("Picket")
        DELEGATION = "delegation", _("Delegation")
        SOCIAL = "social", _("Social")
        OTHER = "other", _("Other")

    class Visibility(models.TextChoices):
        INVITED = "invited", _("Invited people only")
        CAMPAIGN = "campaign", _("Everyone on the campaign")
        PUBLIC = "public", _("Anyone with the public link")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="actions")
    campaign = models.ForeignKey(
        Campaign,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="actions",
        help_text=_("Leave empty for a committee-wide action."),
    )
    site = models.ForeignKey(Site, models.SET_NULL, null=True, blank=True, related_name="actions")
    title = models.CharField(_("title"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    location = models.TextField(_("address"), blank=True)
    video_url = models.URLField(_("video link"), blank=True)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Leave empty for no limit.")
    )
    visibility = models.CharField(
        _("who can RSVP"), max_length=20, choices=Visibility.choices, default=Visibility.INVITED
    )
    rsvp_deadline = models.DateTimeField(_("RSVP by"), null=True, blank=True)
    reminder_offsets = ArrayField(
        models.PositiveIntegerField(),
        verbose_name=_("reminders (minutes before)"),
        default=default_reminder_offsets,
        blank=True,
    )
    public_key = models.CharField(max_length=32, unique=True, default=new_public_key)
    # The id other tools know it by (the OSDI API, campaigns.api); public_key opens its
    # public page, this opens nothing.
    public_id = models.UUIDField(db_default=RandomUUID(), unique=True, editable=False)
    # The event in another tool this action was made from (its absolute self link, read by
    # manage.py sync_actionnetwork), so that a later sync updates it instead of adding another.
    synced_from = models.CharField(max_length=500, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["committee", "starts_at"], name="action_committee_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="action_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["committee", "synced_from"],
                condition=~Q(synced_from=""),
                name="action_synced_once",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    def reminder_time(self, minutes_before: int) -> datetime:
        """When a reminder `minutes_before` the start is due. Whole days count on the local
        clock and the rest in real time: the day-before reminder of a Monday 18:00 meeting goes
        out on Sunday at 18:00 local time even when the clocks changed in between."""
        days, minutes = divmod(minutes_before, 24 * 60)
        local_start = self.starts_at.astimezone(ZoneInfo(self.time_zone))
        wall_clock = local_start - timedelta(days=days)  # aware arithmetic keeps the local clock
        # When the clock skips or repeats that time that day, the later of its two readings.
        same_clock_days_before = max(wall_clock.replace(fold=f).astimezone(UTC) for f in (0, 1))
        return same_clock_days_before - timedelta(minutes=minutes)


class Rsvp(models.Model):
    """One person and one action: invited or not, their answer, and whether they came.

    One row per person and action (a unique constraint, so a double click never makes two).
    `attended` is None until someone records it: True checked in, False a no-show.
    """

    local_date: date  # not stored: the action's day in its own zone, set by the selectors

    class Response(models.TextChoices):
        NONE = "", _("No answer yet")
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    class Source(models.TextChoices):
        INVITATION = "invitation", _("Invited")
        APP = "app", _("In the app")
        EMAIL = "email", _("From the email")
        PUBLIC = "public", _("Public page")
        WALK_IN = "walk_in", _("Walk-in")
        ORGANIZER = "organizer", _("Entered by an organizer")
        API = "api", _("From another tool")

    action = models.ForeignKey(Action, models.CASCADE, related_name="rsvps")
    person = models.ForeignKey(Person, models.CASCADE, related_name="rsvps")
    invited_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    response = models.CharField(
        _("RSVP"), max_length=10, choices=Response.choices, blank=True, default=Response.NONE
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.INVITATION)
    guests = models.PositiveSmallIntegerField(_("guests"), default=0)
    note = models.CharField(_("note"), max_length=300, blank=True)
    # A yes that arrived when the action was full waits here, first come first promoted.
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    attended = models.BooleanField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Who put a walk-in on the list: on a committee-wide action, an organizer sees by name the
    # people of their own campaigns and the walk-ins they added (campaigns.access).
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The public form made a new contact: organizers see it flagged "new from RSVP".
    created_person = models.BooleanField(default=False)
    # Answered from the emailed link in one statement: the reminders follow within a minute
    # (services.reminders.reminders_catch_up), not in the member's request.
    reminders_stale = models.BooleanField(default=False, db_default=False)
    # The emailed RSVP links made before this moment no longer work (lockdown, a deactivated
    # user: campaigns.actions.services.links); later emails carry links that do.
    link_cutoff = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("RSVP")
        verbose_name_plural = _("RSVPs")
        constraints = [
            models.UniqueConstraint(fields=["action", "person"], name="rsvp_one_per_person"),
        ]
        indexes = [
            models.Index(fields=["person", "action"], name="rsvp_person_idx"),
            models.Index(
                fields=["action", "waitlisted_at"],
                condition=Q(waitlisted_at__isnull=False),
                name="rsvp_waitlist_idx",
            ),
            models.Index(
                fields=["id"], condition=Q(reminders_stale=True), name="rsvp_reminders_stale_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.action}: {self.response or '-'}"

    @property
    def is_waitlisted(self) -> bool:
        return self.waitlisted_at is not None


def new_pending_key() -> str:
    """The key of a link that confirms a pending answer: random, and names nothing."""
    return secrets.token_urlsafe(32)


class PendingRsvp(models.Model):
    """An answer from the public page for someone already known to the committee (their
    email or phone matched). Anyone can type anyone's address, so it changes nothing until the
    person confirms it from the link sent to them; an answer they give themselves meanwhile
    wins. The key is single-use (`used_at`) and expires."""

    action = models.ForeignKey(Action, models.CASCADE, related_name="pending_rsvps")
    person = models.ForeignKey(Person, models.CASCADE, related_name="pending_rsvps")
    response = models.CharField(max_length=10, choices=Rsvp.Response.choices)
    key = models.CharField(max_length=64, unique=True, default=new_pending_key)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("pending answer")
        verbose_name_plural = _("pending answers")
        indexes = [models.Index(fields=["action", "person"], name="pending_rsvp_idx")]

    def __str__(self) -> str:
        return f"{self.person} → {self.action}: {self.response} (pending)"


class CalendarFeed(models.Model):
    """A person's secret calendar address (rotatable: a new key kills the old address)."""

    person = models.OneToOneField(Person, models.CASCADE, related_name="calendar_feed")
    key = models.CharField(max_length=48, unique=True, default=new_public_key)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"calendar of {self.person}"
