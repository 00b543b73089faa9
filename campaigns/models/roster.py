"""Campaigns and what hangs off them: the team, sites, the unit tree, the roster and its
assessment history."""

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

    @property
    def threshold_triple(self) -> tuple[int, int, int]:
        """The thresholds as the dashboards' Stats take them: interest, majority, super."""
        return (self.threshold_interest, self.threshold_majority, self.threshold_super)


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
    (campaigns.roster.services: assessment_recompute, and ADVANCE_SET in the log's one
    statement); never anywhere else.
    `last_contact_at`, when the person's latest conversation on this campaign happened, is
    kept by the same service (ADVANCE_SET, contact_recompute) for the dashboards.
    Removing someone from the roster sets `removed_at`: the row and its history stay.
    """

    unit_path: str  # not stored: "Site/Floor/Unit", set by the selectors that show it
    days_quiet: int | None  # not stored: days since the last conversation, set by My list

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
    last_contact_at = models.DateTimeField(null=True, blank=True)
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

    # assessment_latest_idx (roster_entry, happened_at) serves as its index
    roster_entry = models.ForeignKey(
        RosterEntry, models.CASCADE, related_name="assessments", db_index=False
    )
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


class PossibleDuplicate(models.Model):
    """A person added as new whose email or phone is already another person's, one the adder
    may not see (on no roster of theirs).

    Attaching the new entry to the known record would open that record (its phone, email,
    notes) to the adder, and saying "already known" would tell them the committee knows this
    person. So the adder is answered as for anyone new, a new record is made, and this row
    waits for a committee lead, who merges the two (campaigns.people.services.person_merge)
    or dismisses the match. Never shown to the adder.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for a lead")
        MERGED = "merged", _("Merged")
        DISMISSED = "dismissed", _("Not the same person")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="+")
    # Where the new record was added (null: a walk-in at a committee-wide action).
    campaign = models.ForeignKey(Campaign, models.SET_NULL, null=True, blank=True, related_name="+")
    person = models.ForeignKey(Person, models.CASCADE, related_name="+")  # the new record
    existing = models.ForeignKey(Person, models.CASCADE, related_name="+")  # the known one
    matched_on = models.CharField(max_length=10)  # "email" or "phone": never the value
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "existing"], name="possible_duplicate_once_per_pair"
            ),
        ]
        indexes = [models.Index(fields=["committee", "status"], name="possible_dup_open_idx")]

    def __str__(self) -> str:
        return f"{self.person} may be {self.existing}"


class PersonNote(models.Model):
    """What a campaign's team notes about a person: seen by that team and the committee's
    leads, never by another campaign's team (who may share the person, not their notes).
    The committee's own notes, for leads only, stay on Person.notes."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="campaign_notes")
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="person_notes")
    text = models.TextField(_("notes"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        constraints = [
            models.UniqueConstraint(fields=["person", "campaign"], name="person_note_per_campaign"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.person}"
