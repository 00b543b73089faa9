"""Campaigns and what hangs off them: the team, sites, the unit tree, the roster, assessments,
conversations and what they promise."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from members.models import Committee, Person

PERCENT = [MinValueValidator(1), MaxValueValidator(100)]


class Campaign(models.Model):
    """An effort to organize one target: an employer (workplace) or a landlord (tenant)."""

    class Kind(models.TextChoices):
        WORKPLACE = "workplace", _("Workplace campaign")
        TENANT = "tenant", _("Tenant campaign")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")
        ARCHIVED = "archived", _("Archived")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="campaigns")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    target = models.CharField(
        _("target"), max_length=200, help_text=_("The employer's or the landlord's name.")
    )
    code_name = models.CharField(
        _("code name"),
        max_length=60,
        help_text=_("Used in emails and notifications instead of the target's name."),
    )
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    threshold_interest = models.PositiveSmallIntegerField(
        _("showing of interest (%)"), default=30, validators=PERCENT
    )
    threshold_majority = models.PositiveSmallIntegerField(
        _("majority (%)"), default=50, validators=PERCENT
    )
    threshold_super = models.PositiveSmallIntegerField(
        _("supermajority (%)"), default=67, validators=PERCENT
    )
    notes_restricted = models.BooleanField(
        _("conversation notes only for their author and leads"),
        default=False,
        help_text=_("Other organizers on the team still see that a conversation happened."),
    )
    escalate_after_days = models.PositiveSmallIntegerField(
        _("tell the leads of a follow-up overdue this many days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    quiet_unit_days = models.PositiveSmallIntegerField(
        _("a unit is quiet after this many days without a conversation"),
        default=21,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["code_name"]
        constraints = [
            models.UniqueConstraint(
                "committee", Lower("code_name"), name="campaign_unique_code_name_ci"
            ),
            models.CheckConstraint(
                condition=Q(threshold_interest__gte=1)
                & Q(threshold_interest__lte=F("threshold_majority"))
                & Q(threshold_majority__lte=F("threshold_super"))
                & Q(threshold_super__lte=100),
                name="campaign_thresholds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.code_name

    @property
    def thresholds(self) -> list[int]:
        return [self.threshold_interest, self.threshold_majority, self.threshold_super]


class TeamMember(models.Model):
    """A user on a campaign's team. Committee leads see every campaign without a row here."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Campaign lead")
        ORGANIZER = "organizer", _("Organizer")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="campaign_roles"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="team_one_role_per_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.campaign})"


class Site(models.Model):
    """A place in a campaign: a worksite or a building, with its own time zone."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="sites")
    name = models.CharField(_("name"), max_length=120)
    address = models.TextField(_("address"), blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, default=settings.TIME_ZONE)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint("campaign", Lower("name"), name="site_unique_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Unit(models.Model):
    """A node of a site's structure: department → shift → area, or floor → apartment."""

    site = models.ForeignKey(Site, models.CASCADE, related_name="units")
    parent = models.ForeignKey(
        "self", models.CASCADE, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                "site",
                "parent",
                Lower("name"),
                name="unit_unique_name_among_siblings_ci",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Assessment(models.IntegerChoices):
    """The standard 1–5 scale. A person never assessed has no number at all."""

    LEADER = 1, _("1 · Leader, organizing others")
    SUPPORTER = 2, _("2 · Supporter, will act publicly")
    UNDECIDED = 3, _("3 · Undecided")
    LEANING_AGAINST = 4, _("4 · Leaning against")
    OPPOSED = 5, _("5 · Opposed")


class RosterEntry(models.Model):
    """A person on a campaign: where they are, who organizes them, where they stand.

    `assessment` is the current one, kept in step with AssessmentRecord by the roster service
    (campaigns.services.roster: assessment_recompute, assessment_advance); never anywhere else.
    Removing someone from the roster sets `removed_at`: the row and its history stay.
    """

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="roster")
    person = models.ForeignKey(Person, models.CASCADE, related_name="roster_entries")
    unit = models.ForeignKey(
        Unit, models.SET_NULL, null=True, blank=True, related_name="roster_entries"
    )
    title = models.CharField(_("job title or apartment"), max_length=120, blank=True)
    shift = models.CharField(_("shift"), max_length=60, blank=True)
    is_leader = models.BooleanField(_("leader"), default=False)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_roster",
        verbose_name=_("assigned organizer"),
    )
    assessment = models.PositiveSmallIntegerField(
        _("assessment"), choices=Assessment.choices, null=True, blank=True
    )
    assessed_at = models.DateTimeField(null=True, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("roster entry")
        verbose_name_plural = _("roster entries")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=Q(removed_at__isnull=True),
                name="roster_one_active_entry_per_person",
            ),
            models.CheckConstraint(
                condition=Q(assessment__isnull=True) | Q(assessment__range=(1, 5)),
                name="roster_assessment_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "unit"], name="roster_campaign_unit_idx"),
            models.Index(fields=["campaign", "organizer"], name="roster_campaign_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.campaign}"


class AssessmentRecord(models.Model):
    """One assessment at one moment. The current assessment is the one that happened last
    (by `happened_at`, not by when it was typed), so back-dated records come out right."""

    roster_entry = models.ForeignKey(RosterEntry, models.CASCADE, related_name="assessments")
    # The conversation this assessment was made in; deleting it deletes the record, and the
    # current assessment is recomputed.
    conversation = models.OneToOneField(
        "Conversation", models.CASCADE, null=True, blank=True, related_name="assessment_record"
    )
    level = models.PositiveSmallIntegerField(_("assessment"), choices=Assessment.choices)
    happened_at = models.DateTimeField(_("when"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [
            models.Index(F("roster_entry"), F("happened_at").desc(), name="assessment_latest_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.level} @ {self.happened_at:%Y-%m-%d}"


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
        return self.text


class Conversation(models.Model):
    """A one-on-one: the unit of organizing work. `happened_at` (not `created_at`) decides
    which assessment is current, so back-dated logs come out right."""

    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        DOOR = "door", _("At the door")
        PHONE = "phone", _("Phone")
        VIDEO = "video", _("Video")
        TEXT = "text", _("Text messages")

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="conversations")
    person = models.ForeignKey(Person, models.CASCADE, related_name="conversations")
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="conversations",
        verbose_name=_("organizer"),
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

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        indexes = [
            models.Index(
                F("campaign"), F("person"), F("happened_at").desc(), name="conversation_person_idx"
            ),
            models.Index(
                F("organizer"), F("happened_at").desc(), name="conversation_organizer_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.happened_at:%Y-%m-%d}"


class AskAnswer(models.Model):
    class Answer(models.TextChoices):
        YES = "yes", _("Yes")
        MAYBE = "maybe", _("Maybe")
        NO = "no", _("No")

    conversation = models.ForeignKey(Conversation, models.CASCADE, related_name="answers")
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
        ]

    def __str__(self) -> str:
        return f"{self.person} by {self.due_on}"


class ScheduledOneOnOne(models.Model):
    """A one-on-one set for later (it gets a reminder)."""

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
