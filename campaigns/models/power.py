"""The committee's power base (issue 17): who has joined, their dues, and what was paid.

A *member* here is a person who joined the committee (signed a card or the join form): not a
login (members.Membership) and not a place on a campaign's roster. Standing (good, behind,
lapsed) is never stored: it is computed from the payments as of any date
(campaigns.power.standing).

Money is whole minor units (cents) in the committee's currency (Committee.currency), never a
float: every total is a sum of integers and adds up exactly.
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Committee, Person


class PayMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Card")
    BANK = "bank", _("Bank transfer")
    PAYROLL = "payroll", _("Payroll deduction")
    OTHER = "other", _("Other")


class DuesPlan(models.Model):
    """What a member pledges to pay: an amount every `months` months, or any amount they
    choose (a sliding scale: `amount` empty)."""

    class Every(models.IntegerChoices):
        MONTH = 1, _("Monthly")
        QUARTER = 3, _("Quarterly")
        YEAR = 12, _("Yearly")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="dues_plans")
    name = models.CharField(_("name"), max_length=100)
    amount = models.PositiveIntegerField(
        _("amount"), null=True, blank=True, help_text=_("Leave empty for a sliding scale.")
    )
    months = models.PositiveSmallIntegerField(
        _("every"), choices=Every.choices, default=Every.MONTH
    )
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dues plan")
        verbose_name_plural = _("dues plans")
        ordering = ["months", "-amount", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="dues_plan_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A person who joined the committee, and how they pay their dues."""

    class Joined(models.TextChoices):
        CARD = "card", _("Signed a membership card")
        ONLINE = "online", _("Online join form")
        ACTION = "action", _("At an action")
        OTHER = "other", _("Other")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="members")
    person = models.OneToOneField(Person, models.CASCADE, related_name="member")
    number = models.CharField(_("member number"), max_length=20, blank=True)
    joined_on = models.DateField(_("joined on"))
    joined_how = models.CharField(
        _("how they joined"), max_length=20, choices=Joined.choices, default=Joined.CARD
    )
    plan = models.ForeignKey(
        DuesPlan,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("dues plan"),
    )
    # On a sliding scale, what they said they would pay each period (minor units).
    pledge = models.PositiveIntegerField(_("pledge"), null=True, blank=True)
    pay_method = models.CharField(
        _("pays by"), max_length=20, choices=PayMethod.choices, blank=True
    )
    resigned_on = models.DateField(_("resigned on"), null=True, blank=True)
    resigned_reason = models.CharField(_("why they resigned"), max_length=200, blank=True)
    # Joined through the public join form: an organizer should follow up.
    from_join_form = models.BooleanField(default=False)
    # The consent wording the join form showed, kept as they saw it.
    consent_text = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "number"],
                condition=~Q(number=""),
                name="member_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(resigned_on__isnull=True) | Q(resigned_on__gte=models.F("joined_on")),
                name="member_resigns_after_joining",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.committee})"


class Payment(models.Model):
    """Dues paid by a member for the months `covers` (from the first of a month to the first
    of the month after the last). Periods of one member never overlap (a database
    constraint): a month is paid once."""

    class Source(models.TextChoices):
        HAND = "hand", _("Recorded by hand")
        IMPORT = "import", _("Imported")

    committee = models.ForeignKey(Committee, models.PROTECT, related_name="payments")
    member = models.ForeignKey(Member, models.PROTECT, related_name="payments")
    amount = models.PositiveIntegerField(_("amount"))
    paid_on = models.DateField(_("paid on"))
    method = models.CharField(_("method"), max_length=20, choices=PayMethod.choices)
    covers = DateRangeField(_("months covered"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.HAND)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["paid_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            ExclusionConstraint(
                name="payment_periods_do_not_overlap",
                expressions=[("member", RangeOperators.EQUAL), ("covers", RangeOperators.OVERLAPS)],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} by {self.member_id} on {self.paid_on}"


class PowerTarget(models.Model):
    """A goal a lead sets for the power base: "300 members in good standing by June"."""

    class Measure(models.TextChoices):
        MEMBERS = "members", _("Members")
        GOOD = "good", _("Members in good standing")
        ACTIVE = "active", _("Active members")
        LEADER = "leader", _("Leaders")
        ORGANIZER = "organizer", _("Organizers")
        DUES = "dues", _("Dues collected in a month")

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="power_targets")
    measure = models.CharField(_("what"), max_length=20, choices=Measure.choices)
    target = models.PositiveIntegerField(_("how many"))  # dues: minor units
    by = models.DateField(_("by"))
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["by", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(target__gt=0), name="power_target_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.measure} by {self.by}"

    @property
    def is_money(self) -> bool:
        return self.measure == self.Measure.DUES


class PowerMonth(models.Model):
    """A month that is over, as the Power page counts it at the month's end: kept, so that
    a view counts only today (campaigns.power.power). A change that reaches into a kept month
    (a payment dated in it or before, a member who joined or resigned then, a plan or the
    committee's grace months changed) drops it in the same transaction
    (campaigns.roster.history.power_history_changed), and the next view counts it again."""

    committee = models.ForeignKey(Committee, models.CASCADE, related_name="+")
    month = models.DateField()  # its first day
    members = models.PositiveIntegerField()
    good = models.PositiveIntegerField()
    behind = models.PositiveIntegerField()
    lapsed = models.PositiveIntegerField()
    dues = models.BigIntegerField()  # minor units paid in the month

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["committee", "month"], name="power_month_once"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.members} members"
