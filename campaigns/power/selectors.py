"""What the person page shows of someone's membership: to everyone who may see the person,
whether they joined and their standing; to the committee's treasurer only, their plan,
pledge and payments (amounts are never shown to anyone else)."""

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from campaigns.models import DuesPlan, Member, Payment
from campaigns.power.money import amount_show
from campaigns.power.standing import Standing, month_index, standings
from members.clock import today_for
from members.models import Membership, Person, User


def treasurer_membership(user: User, committee_id: int) -> Membership | None:
    """The user's membership of the committee if they are a lead who keeps its books."""
    return (
        Membership.objects.select_related("committee")
        .filter(user=user, committee_id=committee_id, role=Membership.Role.LEAD, is_treasurer=True)
        .first()
    )


def is_treasurer(user: User, committee_id: int) -> bool:
    return treasurer_membership(user, committee_id) is not None


@dataclass(frozen=True)
class PaymentShown:
    payment: Payment
    amount: str
    first_month: date
    last_month: date


@dataclass(frozen=True)
class PersonMembership:
    member: Member | None
    standing: Standing | None
    treasurer: bool
    plan: str = ""
    pledge: str = ""
    payments: list[PaymentShown] = field(default_factory=list)


PAYMENTS_SHOWN = 12


def person_membership(*, person: Person, user: User) -> PersonMembership:
    """The membership section of the person page for this viewer (who may see the person)."""
    treasurer = is_treasurer(user, person.committee_id)
    member = Member.objects.select_related("plan", "committee").filter(person=person).first()
    if member is None:
        return PersonMembership(member=None, standing=None, treasurer=treasurer)
    committee = member.committee
    standing = standings(
        Member.objects.filter(pk=member.pk), committee=committee, day=today_for(committee)
    ).get(member.pk)
    if not treasurer:
        return PersonMembership(member=member, standing=standing, treasurer=False)
    currency = committee.currency
    return PersonMembership(
        member=member,
        standing=standing,
        treasurer=True,
        plan=_plan_shown(member, currency),
        pledge=amount_show(member.pledge, currency) if member.pledge else "",
        payments=[
            PaymentShown(
                payment=payment,
                amount=amount_show(payment.amount, currency),
                first_month=payment.covers.lower,
                last_month=_last_month(payment.covers.upper),
            )
            for payment in member.payments.order_by("-covers")[:PAYMENTS_SHOWN]
        ],
    )


def _plan_shown(member: Member, currency: str) -> str:
    return plan_label(member.plan, currency) if member.plan else ""


def plan_label(plan: DuesPlan, currency: str) -> str:
    """A plan as a treasurer reads it: "Monthly (10.00 USD, monthly)"."""
    every = str(plan.get_months_display()).lower()
    if plan.amount is None:
        return f"{plan.name} ({_('sliding scale')}, {every})"
    return f"{plan.name} ({amount_show(plan.amount, currency)}, {every})"


def _last_month(upper: date) -> date:
    index = month_index(upper) - 1
    return date(index // 12, index % 12 + 1, 1)
