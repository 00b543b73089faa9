"""The committee's dues, as its treasurer sets them: the currency, the grace period and the
lapse limit standing is computed with (campaigns.power.standing), and the plans members pay
on.

A plan a member is on is never deleted: archived, it stays theirs and is no longer offered.
Every change is audited as a treasurer's change saying what changed, never an amount: the
audit log is read by every lead, and amounts are the treasurer's.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import DuesPlan, Payment
from campaigns.power.money import decimals
from campaigns.roster.history import power_history_changed
from members.access import membership_for_user
from members.audit import audit_record
from members.models import AuditEvent, Committee, Membership, User

# ISO 4217 codes a committee is likely to keep its books in (the select offers these).
CURRENCIES = {
    "USD": gettext_lazy("US dollar"),
    "CAD": gettext_lazy("Canadian dollar"),
    "MXN": gettext_lazy("Mexican peso"),
    "EUR": gettext_lazy("Euro"),
    "GBP": gettext_lazy("Pound sterling"),
    "AUD": gettext_lazy("Australian dollar"),
    "NZD": gettext_lazy("New Zealand dollar"),
    "CHF": gettext_lazy("Swiss franc"),
    "SEK": gettext_lazy("Swedish krona"),
    "NOK": gettext_lazy("Norwegian krone"),
    "DKK": gettext_lazy("Danish krone"),
    "PLN": gettext_lazy("Polish złoty"),
    "BRL": gettext_lazy("Brazilian real"),
    "ARS": gettext_lazy("Argentine peso"),
    "CLP": gettext_lazy("Chilean peso"),
    "COP": gettext_lazy("Colombian peso"),
    "PEN": gettext_lazy("Peruvian sol"),
    "GTQ": gettext_lazy("Guatemalan quetzal"),
    "DOP": gettext_lazy("Dominican peso"),
    "PHP": gettext_lazy("Philippine peso"),
    "INR": gettext_lazy("Indian rupee"),
    "ZAR": gettext_lazy("South African rand"),
    "JPY": gettext_lazy("Japanese yen"),
    "KRW": gettext_lazy("South Korean won"),
}
GRACE_MOST = 6
LAPSE_MOST = 24


def treasurer_for_user(user: User, committee_id: int) -> Membership:
    """The treasurer's membership of the committee. Anyone not on the committee gets 404;
    its other users 403, as on the API tokens page: they know the committee has dues."""
    membership = membership_for_user(user, committee_id, role=Membership.Role.LEAD)
    if not membership.is_treasurer:
        raise PermissionDenied
    return membership


@dataclass(frozen=True)
class DuesSettings:
    currency: str
    grace_months: int
    lapse_months: int


def dues_settings_set(
    *, committee: Committee, data: DuesSettings, by: User, ip: str | None = None
) -> list[str]:
    """Set the currency and the months standing is computed with; the names of the fields
    changed (none: nothing saved, nothing audited). Refused, field by field, saying why."""
    dues_settings_check(committee=committee, data=data)
    values = {
        "currency": data.currency,
        "dues_grace_months": data.grace_months,
        "dues_lapse_months": data.lapse_months,
    }
    changed = [field for field, value in values.items() if getattr(committee, field) != value]
    if not changed:
        return []
    with transaction.atomic():
        for field in changed:
            setattr(committee, field, values[field])
        committee.save(update_fields=changed)
        if {"dues_grace_months", "dues_lapse_months"} & set(changed):
            power_history_changed(committee_id=committee.pk, since=None)
        _audit(committee, by, {"change": "dues_settings", "fields": changed}, ip)
    return changed


def dues_settings_check(*, committee: Committee, data: DuesSettings) -> None:
    errors: dict[str, str] = {}
    if data.currency != committee.currency:
        errors |= _currency_problem(committee, data.currency)
    if not 0 <= data.grace_months <= GRACE_MOST:
        errors["grace_months"] = _("A grace period is from 0 to %(most)s months.") % {
            "most": GRACE_MOST
        }
    elif not max(data.grace_months, 1) <= data.lapse_months <= LAPSE_MOST:
        errors["lapse_months"] = _(
            "A member lapses after %(least)s to %(most)s months behind: no sooner than the "
            "grace period ends."
        ) % {"least": max(data.grace_months, 1), "most": LAPSE_MOST}
    if errors:
        raise ValidationError(errors)


def _currency_problem(committee: Committee, currency: str) -> dict[str, str]:
    """Amounts are kept in minor units of the currency: once dues are paid, or a plan has an
    amount in a currency with other decimals, a change would change what they say."""
    if currency not in CURRENCIES:
        return {"currency": _("Choose one of the currencies listed.")}
    if Payment.objects.filter(committee=committee).exists():
        return {
            "currency": _("Dues were paid in %(currency)s already: it cannot change.")
            % {"currency": committee.currency}
        }
    priced = committee.dues_plans.filter(amount__isnull=False).exists()
    if priced and decimals(currency) != decimals(committee.currency):
        return {
            "currency": _(
                "The plans' amounts are in %(currency)s, whose amounts have another number of "
                "decimals: delete those plans first."
            )
            % {"currency": committee.currency}
        }
    return {}


@dataclass(frozen=True)
class PlanData:
    name: str
    amount: int | None  # minor units (campaigns.power.money.amount_parse); None: sliding scale
    months: int = DuesPlan.Every.MONTH


def plan_add(*, committee: Committee, data: PlanData, by: User, ip: str | None = None) -> DuesPlan:
    """A plan offered to members from now on. Refused: no name, the name of a plan offered
    already, an amount of zero or less, a period other than a month, a quarter or a year."""
    name = data.name.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the plan a name.")
    elif _offered(committee, name).exists():
        errors["name"] = _("A plan named “%(name)s” is offered already.") % {"name": name}
    if data.amount is not None and data.amount <= 0:
        errors["amount"] = _("Enter an amount greater than zero.")
    if data.months not in DuesPlan.Every.values:
        errors["months"] = _("Choose monthly, quarterly or yearly.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        plan = DuesPlan.objects.create(
            committee=committee, name=name, amount=data.amount, months=data.months
        )
        _audit(committee, by, {"change": "plan_added"}, ip, plan)
    return plan


def plan_archive(*, plan: DuesPlan, by: User, ip: str | None = None) -> None:
    """No longer offered to new members; the members on it stay on it."""
    if plan.archived_at is not None:
        return
    plan.archived_at = timezone.now()
    plan.save(update_fields=["archived_at"])
    _audit(plan.committee, by, {"change": "plan_archived"}, ip, plan)


def plan_offer(*, plan: DuesPlan, by: User, ip: str | None = None) -> None:
    """An archived plan offered again (archived by mistake, or brought back)."""
    if plan.archived_at is None:
        return
    if _offered(plan.committee, plan.name).exists():
        raise ValidationError(
            _("A plan named “%(name)s” is offered already.") % {"name": plan.name}, code="name"
        )
    plan.archived_at = None
    plan.save(update_fields=["archived_at"])
    _audit(plan.committee, by, {"change": "plan_offered"}, ip, plan)


def plan_delete(*, plan: DuesPlan, by: User, ip: str | None = None) -> None:
    """A plan added by mistake, that no member is on. One a member has is archived instead:
    it is what they pledged."""
    with transaction.atomic():
        if plan.members.exists():
            raise ValidationError(
                _("Members are on the plan “%(name)s”: archive it instead.") % {"name": plan.name},
                code="has_members",
            )
        _audit(plan.committee, by, {"change": "plan_deleted"}, ip, plan)
        plan.delete()


def plans_offered(committee: Committee) -> QuerySet[DuesPlan]:
    """The plans a new member may choose: not the archived ones."""
    return committee.dues_plans.filter(archived_at=None)


def _offered(committee: Committee, name: str) -> QuerySet[DuesPlan]:
    return plans_offered(committee).filter(name__iexact=name)


def _audit(
    committee: Committee, by: User, detail: dict, ip: str | None, plan: DuesPlan | None = None
) -> None:
    audit_record(
        actor=by,
        kind=AuditEvent.Kind.TREASURER,
        committee=committee,
        subject=plan,
        detail=detail,
        ip=ip,
    )
