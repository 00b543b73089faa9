"""One-on-ones and what they promise: issues raised, asks answered, follow-ups, and the
next one-on-one scheduled."""

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from campaigns.models.roster import Assessment, Campaign
from members.models import Person


class IssueTag(models.Model):
    """An issue people raise in this campaign: wages, scheduling, safety, mold, rent increase."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="issue_tags")
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("campaign", Lower("name"), name="issue_tag_unique_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Ask(models.Model):
    """Something organizers ask in this campaign: "sign a card", "come to the meeting"."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="asks")
    text = models.CharField(_("ask"), max_length=120)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(_("still asked"), default=True)

    class Meta:
        verbose_name = _("ask")
        verbose_name_plural = _("asks")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The ask in the reader's language: a campaign's starting asks are the catalogue's
        English (campaigns.conversations.services.asks); one a team wrote stays as written."""
        return gettext(self.text)


class Conversation(models.Model):
    """A one-on-one: the unit of organizing work. `happened_at` (not `created_at`) decides
    which assessment is current, so back-dated logs come out right."""

    # Not stored: set by the selectors that show a conversation to one reader.
    notes_visible: bool
    can_change: bool

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        DOOR = "door", _("At the door")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")
        TEXT = "text", _("Text messages")

    # No index of their own: conversation_person_idx and conversation_campaign_idx start with
    # the campaign, conversation_organizer_idx with the organizer (one index fewer to fill on
    # every log).
    campaign = models.ForeignKey(
        Campaign, models.CASCADE, related_name="conversations", db_index=False
    )
    person = models.ForeignKey(Person, models.CASCADE, related_name="conversations")
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="conversations",
        verbose_name=_("organizer"),
        db_index=False,
    )
    happened_at = models.DateTimeField(_("when"))
    channel = models.CharField(_("how"), max_length=20, choices=Channel.choices)
    duration_minutes = models.PositiveSmallIntegerField(_("minutes"), null=True, blank=True)
    issues = models.ManyToManyField(IssueTag, blank=True, related_name="conversations")
    assessment = models.PositiveSmallIntegerField(
        _("assessment"), choices=Assessment.choices, null=True, blank=True
    )
    is_leader = models.BooleanField(_("a leader"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    next_step = models.CharField(_("next step"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # A log sent from a phone carries a key its browser made (static/js/field.js): sent twice
    # (a retry after a lost answer, two tabs, a double tap) it is still one conversation. The
    # digest of what was sent tells a replay from a different log under the same key.
    client_key = models.UUIDField(null=True, blank=True, editable=False)
    client_digest = models.CharField(max_length=64, blank=True, db_default="", editable=False)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(fields=["client_key"], name="conversation_client_key_unique")
        ]
        indexes = [
            models.Index(
                F("campaign"), F("person"), F("happened_at").desc(), name="conversation_person_idx"
            ),
            models.Index(
                F("organizer"), F("happened_at").desc(), name="conversation_organizer_idx"
            ),
            # The dashboards' conversations of this week, of a date range.
            models.Index(fields=["campaign", "happened_at"], name="conversation_campaign_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.happened_at:%Y-%m-%d}"


class AskAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    # one_answer_per_ask (conversation, ask) serves as its index
    conversation = models.ForeignKey(
        Conversation, models.CASCADE, related_name="answers", db_index=False
    )
    ask = models.ForeignKey(Ask, models.CASCADE, related_name="answers")
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "ask"], name="one_answer_per_ask"),
        ]

    def __str__(self) -> str:
        return f"{self.ask}: {self.answer}"


class FollowUp(models.Model):
    """The next step promised in a conversation, with a due date. Overdue follow-ups are the
    most common way organizing silently fails."""

    # Not stored: set by the selectors and emails that list follow-ups.
    days_late: int
    overdue: bool
    snoozed_until: datetime | None
    snooze_url: str
    person_url: str
    next_step_visible: bool  # may this viewer read `description` (see can_read_next_step)

    class CloseReason(models.TextChoices):
        DONE = "done", _("Done: we talked")
        MOVED_AWAY = "moved_away", _("Moved away")
        QUIT = "quit", _("Quit or left")
        DO_NOT_CONTACT = "do_not_contact", _("Asked not to be contacted")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="follow_ups")
    person = models.ForeignKey(Person, models.CASCADE, related_name="follow_ups")
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="follow_ups"
    )
    conversation = models.ForeignKey(
        Conversation, models.CASCADE, null=True, blank=True, related_name="follow_ups"
    )
    description = models.CharField(_("next step"), max_length=200, blank=True)
    due_on = models.DateField(_("follow up by"))
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.CharField(
        _("reason"), max_length=20, choices=CloseReason.choices, blank=True
    )
    closed_note = models.CharField(_("note"), max_length=200, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(
                fields=["organizer", "due_on"],
                condition=Q(closed_at__isnull=True),
                name="follow_up_open_idx",
            ),
            # The committee overview's most overdue, per campaign.
            models.Index(
                fields=["campaign", "due_on"],
                condition=Q(closed_at__isnull=True),
                name="follow_up_campaign_open_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} by {self.due_on}"


class ScheduledOneOnOne(models.Model):
    """A one-on-one set for later (it gets a reminder)."""

    person_url: str  # not stored: set by the emails that list one-on-ones
    is_today: bool  # not stored: set by the My list selectors
    zone: str  # not stored: the zone My list shows it in (its site's, else the committee's)

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="scheduled")
    person = models.ForeignKey(Person, models.CASCADE, related_name="scheduled_one_on_ones")
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="scheduled_one_on_ones"
    )
    starts_at = models.DateTimeField(_("when"))
    place = models.CharField(_("where"), max_length=200, blank=True)
    scheduled_in = models.ForeignKey(
        Conversation, models.SET_NULL, null=True, blank=True, related_name="scheduled_next"
    )
    held_in = models.ForeignKey(
        Conversation, models.SET_NULL, null=True, blank=True, related_name="scheduled_held"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("scheduled one-on-one")
        verbose_name_plural = _("scheduled one-on-ones")
        indexes = [
            models.Index(fields=["organizer", "starts_at"], name="scheduled_organizer_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.starts_at:%Y-%m-%d %H:%M}"
