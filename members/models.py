"""Users, the committee they belong to, their role in it, and invitations to join."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractUser):
    """A login. Email is the identity; one name field, because names do not split the same way
    in every culture."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=150, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

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


class Committee(models.Model):
    """The organization using the app. One deployment serves one committee by default."""

    name = models.CharField(_("name"), max_length=200)
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


ROLE_RANK = {Membership.Role.MEMBER: 0, Membership.Role.ORGANIZER: 1, Membership.Role.LEAD: 2}


class Invitation(models.Model):
    """A lead's invitation for someone to join the committee with a role.

    The link in the email is signed (see members.invitations), so no token is stored: a copy
    of the database cannot be turned into working invitation links.
    """

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Membership.Role.choices)
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
