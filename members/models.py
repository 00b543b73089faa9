"""Users, the committee they belong to, their role in it, and invitations to join."""

from datetime import time
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.functions import RandomUUID
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A login. Email is the identity; one name field, because names do not split the same way
    in every culture."""

    # Django drops an inherited field that a subclass sets to None; the stubs cannot say so.
    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    # The app's pages and the messages sent to this user; blank: the browser's, then the
    # committee's default (members/language.py).
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    # Email, not username, is the login: Django's docs swap in such a manager; the stubs type
    # AbstractUser.objects as the username-based auth.UserManager.
    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
        ]

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


def default_action_reminders() -> list[int]:
    """A day and two hours before an action (minutes): the reminders a committee starts with."""
    return [24 * 60, 2 * 60]


class Committee(models.Model):
    """The organization using the app. One deployment serves one committee by default.

    Its leads set when reminders go (members never choose: they said yes, and a reminder at a
    useful time is what keeps turnout up) and the quiet hours in which no text message goes.
    """

    name = models.CharField(_("name"), max_length=200)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        help_text=_("For committee-wide actions and the morning digests."),
    )
    # What a new action starts with (minutes before it); each action keeps its own after.
    reminder_offsets = ArrayField(
        models.PositiveIntegerField(),
        verbose_name=_("reminders for new actions (minutes before)"),
        default=default_action_reminders,
        blank=True,
    )
    one_on_one_reminder_minutes = models.PositiveIntegerField(
        _("one-on-one reminder (minutes before)"), default=60
    )
    # Texts due between these local times wait for the end (campaigns.outbox.services.quiet_hours);
    # the window may run past midnight.
    quiet_hours_start = models.TimeField(_("quiet hours start"), default=time(21, 0))
    quiet_hours_end = models.TimeField(_("quiet hours end"), default=time(8, 0))
    # Dues (campaigns.power): amounts are whole minor units of this currency (ISO 4217).
    currency = models.CharField(_("currency"), max_length=3, default="USD")
    dues_grace_months = models.PositiveSmallIntegerField(
        _("grace period (months)"),
        default=1,
        help_text=_("A member this many months behind is still in good standing."),
    )
    dues_lapse_months = models.PositiveSmallIntegerField(
        _("lapsed after (months)"),
        default=3,
        help_text=_("A member more than this many months behind has lapsed."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("committee")
        verbose_name_plural = _("committees")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in a committee. The role decides what they may see and change."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Committee lead")
        ORGANIZER = "organizer", _("Organizer")
        MEMBER = "member", _("Member")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    # A lead who keeps the books: sees payments and the ledger (campaigns.power). Granted by a
    # lead, and audited.
    is_treasurer = models.BooleanField(_("treasurer"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "user"], name="membership_one_role_per_committee"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.committee})"

    def has_role(self, needed: "Membership.Role") -> bool:
        """True when this role is at least `needed`: a lead can do what an organizer can."""
        return ROLE_RANK[self.role] >= ROLE_RANK[needed]

    @property
    def is_lead(self) -> bool:
        return self.role == self.Role.LEAD

    @property
    def is_organizer(self) -> bool:
        return self.has_role(self.Role.ORGANIZER)


# Keyed by the stored role string, which is what a Membership row holds.
ROLE_RANK: dict[str, int] = {
    Membership.Role.MEMBER: 0,
    Membership.Role.ORGANIZER: 1,
    Membership.Role.LEAD: 2,
}


class Invitation(models.Model):
    """A lead's invitation for someone to join the committee with a role.

    The link in the email is sealed (organizing.link_keys: the id encrypted, nothing
    readable), so no token is stored: a copy of the database cannot be turned into working
    invitation links.
    """

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
    # The invitation email's language, and the new user's until they choose another.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Sending: the attempt is recorded before the email goes out and the outcome after, so a
    # failed send is visible on the team page and retried, never silently lost.
    send_attempts = models.PositiveSmallIntegerField(default=0)
    sending_until = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    # Links made before this moment no longer work (lockdown: invitations_links_revoke);
    # sending the invitation again makes one that does.
    link_cutoff = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.UniqueConstraint(
                "committee",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True),
                name="invitation_one_pending_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.committee} ({self.get_role_display()})"


class Tag(models.Model):
    """A label organizers put on people: "day shift", "spanish speaker", "building captain"."""

    # The id other tools know it by (the OSDI API, campaigns.api): never the database's.
    public_id = models.UUIDField(db_default=RandomUUID(), unique=True, editable=False)
    committee = models.ForeignKey(Committee, models.CASCADE, related_name="tags")
    name = models.CharField(_("name"), max_length=60)
    # Tags are made and deleted, never renamed: this dates them for a sync (campaigns.api).
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint("committee", Lower("name"), name="tag_unique_name_ci"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """Anyone on a roster, member or not yet. Workers and tenants are people first.

    A person belongs to the committee, not to a campaign: the same person can be on several
    campaigns' rosters (campaigns.RosterEntry).
    """

    # Not stored: the person's roster entries (campaigns.RosterEntry, which members does not
    # import), set by the pages that show them.
    positions: list

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Text message")
        PHONE = "phone", _("Phone call")
        IN_PERSON = "in_person", _("In person")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="people")
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=20, choices=Channel.choices, blank=True
    )
    email_ok = models.BooleanField(_("email is OK"), default=True)
    sms_ok = models.BooleanField(_("text messages are OK"), default=False)
    do_not_contact = models.BooleanField(_("do not contact"), default=False)
    do_not_contact_reason = models.CharField(_("why not to contact"), max_length=200, blank=True)
    # The committee's own notes, seen by its leads only; each campaign's team keeps its notes
    # about a person in campaigns.PersonNote (campaigns/people/data.py: ERASED_TEXT lists
    # every free-text field about a person).
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="people", verbose_name=_("tags"), through="PersonTag"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("login"),
    )
    # The id other tools know them by (the OSDI API, campaigns.api): never the database's.
    public_id = models.UUIDField(db_default=RandomUUID(), unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Set when a lead erased the person (campaigns.people.data.person_erase): the row stays,
    # without a name or anything typed about them, so that counts and turnout stay right.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["family_name", "given_name", "pk"]
        indexes = [
            # Typo-tolerant search by name (pg_trgm; the extension is made in migration 0004).
            GinIndex(
                fields=["given_name", "family_name", "preferred_name"],
                opclasses=["gin_trgm_ops"] * 3,
                name="person_name_trgm",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name to show: the preferred name if there is one, then the family name."""
        if self.erased_at is not None:
            return str(_("Erased person"))
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}".strip()

    @property
    def full_name(self) -> str:
        if self.erased_at is not None:
            return str(_("Erased person"))
        return f"{self.given_name} {self.family_name}".strip()


class PersonTag(models.Model):
    """A tag on a person, and since when: the OSDI API's tagging (campaigns.api.tags). Its
    table is the one Django made for Person.tags before it had a date."""

    person = models.ForeignKey(Person, models.CASCADE)
    tag = models.ForeignKey(Tag, models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        db_table = "members_person_tags"
        unique_together = [("person", "tag")]

    def __str__(self) -> str:
        return f"{self.tag} on {self.person}"


class PersonEmail(models.Model):
    """An email address; `campaign_id` names the campaign whose team added it (seen only by
    that team and the committee's leads), null when a lead or the person added it (seen by
    everyone who sees the person). A plain id: members knows nothing of campaigns."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="emails")
    email = models.EmailField(_("email address"))
    is_primary = models.BooleanField(_("primary"), default=False)
    campaign_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("email address")
        verbose_name_plural = _("email addresses")
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint("person", Lower("email"), name="person_email_unique_ci"),
        ]
        indexes = [models.Index(Lower("email"), name="person_email_lower_idx")]

    def __str__(self) -> str:
        return self.email


class PersonPhone(models.Model):
    """A phone number, stored in E.164 (+15551234567) so the same number always matches.
    `campaign_id` as for PersonEmail: the campaign whose team added it, or null."""

    display: str  # not stored: the number as people write it, set by the selectors that show it

    person = models.ForeignKey(Person, models.CASCADE, related_name="phones")
    number = models.CharField(_("phone number"), max_length=20, db_index=True)
    label = models.CharField(_("label"), max_length=30, blank=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    campaign_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("phone number")
        verbose_name_plural = _("phone numbers")
        ordering = ["-is_primary", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "number"], name="person_phone_unique"),
        ]

    def __str__(self) -> str:
        return self.number


class AuditEvent(models.Model):
    """An append-only record of a sensitive event: who, what kind, which object, when, from where.

    Never the content of notes or messages. `campaign_id` is a plain number because members/
    knows nothing of campaigns.

    Append-only down to the database: a trigger (migration 0003) refuses any UPDATE or DELETE
    of these rows. So the foreign keys never cascade nor set null, and have no database
    constraint: an event keeps the id of a user or committee deleted since (`actor_id`,
    `committee_id` then point at nothing, and `actor` is None).
    """

    class Kind(models.TextChoices):
        LOGIN = "login", pgettext_lazy("audit event", "Login")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logout")
        MFA_CHANGE = "mfa_change", _("Two-factor change")
        ROLE_CHANGE = "role_change", _("Role change")
        TEAM_CHANGE = "team_change", _("Team change")
        IMPORT = "import", _("Import")
        EXPORT = "export", _("Export")
        MERGE = "merge", _("Merge")
        BULK = "bulk", _("Bulk change")
        DELETE = "delete", _("Deletion")
        PERSON_VIEW = "person_view", _("Person page viewed")
        CONSENT = "consent", _("Consent change")
        MESSAGE_RETRY = "message_retry", _("Message retried")
        MATCH = "match", _("Person matching")
        DUPLICATE = "duplicate", _("Possible duplicate")
        ACTION_CHANGE = "action_change", _("Action change")
        USER_DEACTIVATE = "user_deactivate", _("Login deactivated")
        USER_REACTIVATE = "user_reactivate", _("Login reactivated")
        MEMBERSHIP_REMOVE = "membership_remove", _("Removed from the committee")
        LOCKDOWN = "lockdown", _("Lockdown")
        ERASE = "erase", _("Erasure")
        SIGNATURE = "signature", _("Signature")
        DRIVE_CHANGE = "drive_change", _("Sign-up drive change")
        API_TOKEN = "api_token", _("API token change")
        API = "api", _("API use")
        MEMBER = "member", _("Membership change")
        PAYMENT = "payment", _("Dues payment")
        TREASURER = "treasurer", _("Treasurer change")
        LEDGER = "ledger", _("Ledger entry")

    committee = models.ForeignKey(
        Committee, models.DO_NOTHING, db_constraint=False, related_name="+", null=True
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    subject_type = models.CharField(max_length=40, blank=True)
    subject_id = models.BigIntegerField(null=True)
    campaign_id = models.BigIntegerField(null=True)
    count = models.IntegerField(null=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at"]
        indexes = [models.Index(fields=["committee", "-at"], name="auditevent_committee_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} by {self.actor_id}"


class Heartbeat(models.Model):
    """The last time each background part of the system did its job: "worker", "beat",
    "backup" (a good one). Written by members.heartbeats.heartbeat_record, read by the health
    checks. One row per name, overwritten: a pulse, not a log."""

    name = models.CharField(max_length=40, unique=True)
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.at:%Y-%m-%d %H:%M:%S}"
