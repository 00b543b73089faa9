"""The committee's treasury (issue 17): the money it receives and spends besides dues.

Dues are the Payment rows (campaigns.models.power), read as income "Dues": never entered
here a second time. A ledger entry is a donation, other income, or an expense.

Expenses take a category from a short fixed list plus "other" (the note says what it was):
a month-by-month report needs the same columns every month, and "Printing", "printing" and
"prints" typed freely would be three categories to an accountant.

An entry is never edited nor deleted: a mistake is corrected by a *reversing* entry (same
kind, category and amount, counted with the opposite sign, dated the day it is recorded),
then the right one recorded. That is the accountant's way: a month already reported to the
members keeps its figures, the books show both the mistake and its correction, and the trail
says who did each.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from members.models import Committee


class LedgerEntry(models.Model):
    """Money in (a donation, other income) or out (an expense), in minor units."""

    class Kind(models.TextChoices):
        INCOME = "income", _("Income")
        EXPENSE = "expense", _("Expense")

    class Category(models.TextChoices):
        DONATION = "donation", _("Donation")
        INCOME_OTHER = "income_other", _("Other income")
        RENT = "rent", _("Rent and meeting space")
        PRINTING = "printing", _("Printing and supplies")
        FOOD = "food", _("Food and events")
        TRAVEL = "travel", _("Travel")
        FEES = "fees", _("Bank and payment fees")
        LEGAL = "legal", _("Legal")
        SOLIDARITY = "solidarity", _("Solidarity and strike support")
        EXPENSE_OTHER = "expense_other", _("Other expense")

    INCOME_CATEGORIES = (Category.DONATION, Category.INCOME_OTHER)

    committee = models.ForeignKey(Committee, models.PROTECT, related_name="ledger_entries")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    amount = models.PositiveIntegerField(_("amount"))
    on = models.DateField(_("date"))
    party = models.CharField(_("payer or payee"), max_length=200, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    receipt = models.CharField(_("receipt reference"), max_length=100, blank=True)
    # Set on a correction: the entry it cancels (counted with the opposite sign).
    reverses = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="reversal"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-on", "-recorded_at", "-pk"]
        indexes = [models.Index(fields=["committee", "on"], name="ledger_committee_on_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="ledger_amount_positive"),
            models.CheckConstraint(
                condition=(
                    Q(kind="income", category__in=["donation", "income_other"])
                    | (Q(kind="expense") & ~Q(category__in=["donation", "income_other"]))
                ),
                name="ledger_category_of_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} on {self.on}"

    @property
    def signed(self) -> int:
        """What it adds to its kind's total: a reversal takes away."""
        return -self.amount if self.reverses_id is not None else self.amount
