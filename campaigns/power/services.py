"""Recording the power base: someone joining, their membership changed or ended, and a dues
payment. Every change is audited (never an amount: the audit log is read by leads who are
not all treasurers)."""

from dataclasses import dataclass
from datetime import date
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from psycopg.types.range import Range

from campaigns.models import DuesPlan, Member, Payment
from campaigns.power.standing import month_index, months_later
from campaigns.roster.history import power_history_changed
from members.audit import audit_record
from members.clock import today_for
from members.models import AuditEvent, Person, User

MAX_MONTHS = 24  # one payment covers at most two years


@dataclass(frozen=True)
class MemberData:
    joined_on: date
    joined_how: str = Member.Joined.CARD
    number: str = ""
    pay_method: str = ""


def member_join(
    *,
    person: Person,
    data: MemberData,
    by: User | None,
    plan: DuesPlan | None = None,
    pledge: int | None = None,
    from_join_form: bool = False,
    consent_text: str = "",
    ip: str | None = None,
) -> Member:
    """Record that the person joined the committee. Someone who is a member already is
    left as they are (a public join form never changes what is known of anyone): change
    them with member_update."""
    existing = Member.objects.filter(person=person).first()
    if existing is not None:
        return existing
    _check_member(person, data)
    with transaction.atomic():
        member = Member.objects.create(
            committee_id=person.committee_id,
            person=person,
            joined_on=data.joined_on,
            joined_how=data.joined_how,
            number=data.number.strip(),
            pay_method=data.pay_method,
            plan=plan,
            pledge=pledge if plan is not None and plan.amount is None else None,
            from_join_form=from_join_form,
            consent_text=consent_text,
            recorded_by=by,
        )
        power_history_changed(committee_id=member.committee_id, since=member.joined_on)
        _audit(member, by, "joined", ip)
    return member


def member_update(*, member: Member, data: MemberData, by: User | None, ip: str | None = None):
    """Change how and when they joined, their number, how they pay."""
    _check_member(member.person, data, member=member)
    since = min(member.joined_on, data.joined_on)
    member.joined_on, member.joined_how = data.joined_on, data.joined_how
    member.number, member.pay_method = data.number.strip(), data.pay_method
    with transaction.atomic():
        member.save(update_fields=["joined_on", "joined_how", "number", "pay_method", "updated_at"])
        power_history_changed(committee_id=member.committee_id, since=since)
    _audit(member, by, "changed", ip)


def member_plan_set(
    *, member: Member, plan: DuesPlan | None, pledge: int | None, by: User, ip: str | None = None
) -> None:
    """The member's dues plan (a treasurer's), and on a sliding scale what they pledged."""
    if plan is not None and plan.committee_id != member.committee_id:
        raise ValidationError(_("Choose one of the committee's dues plans."), code="plan")
    member.plan, member.pledge = plan, pledge if plan is not None and plan.amount is None else None
    with transaction.atomic():
        member.save(update_fields=["plan", "pledge", "updated_at"])
        # With a plan or without reads every month since they joined (standing: "no plan").
        power_history_changed(committee_id=member.committee_id, since=member.joined_on)
    _audit(member, by, "plan", ip)


def member_resign(
    *, member: Member, on: date, reason: str, by: User | None, ip: str | None = None
) -> None:
    """They left the committee on `on`: a member until then, resigned from that day."""
    if on < member.joined_on:
        raise ValidationError(_("They cannot resign before they joined."), code="before_joining")
    if on > today_for(member.committee):
        raise ValidationError(_("A resignation cannot be dated in the future."), code="future")
    since = min(on, member.resigned_on or on)
    member.resigned_on, member.resigned_reason = on, reason.strip()
    with transaction.atomic():
        member.save(update_fields=["resigned_on", "resigned_reason", "updated_at"])
        power_history_changed(committee_id=member.committee_id, since=since)
    _audit(member, by, "resigned", ip)


def member_rejoin(*, member: Member, by: User | None, ip: str | None = None) -> None:
    """A resignation recorded by mistake, or someone who came back: a member again."""
    since = member.resigned_on
    member.resigned_on, member.resigned_reason = None, ""
    with transaction.atomic():
        member.save(update_fields=["resigned_on", "resigned_reason", "updated_at"])
        if since is not None:
            power_history_changed(committee_id=member.committee_id, since=since)
    _audit(member, by, "rejoined", ip)


@dataclass(frozen=True)
class PaymentData:
    amount: int  # minor units (campaigns.power.money.amount_parse)
    paid_on: date
    method: str
    first_month: date  # any day of the first month it pays for
    months: int = 1
    note: str = ""


def payment_record(
    *,
    member: Member,
    data: PaymentData,
    by: User | None,
    source: str = Payment.Source.HAND,
    ip: str | None = None,
    audit: bool = True,
) -> Payment:
    """Record dues paid for `months` months from `first_month`. Refused, saying why: an
    amount of zero or less, a date in the future, a period of no month or more than two
    years, or a month already paid."""
    payment_check(member=member, data=data)
    covers = _covers(data)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                committee_id=member.committee_id,
                member=member,
                amount=data.amount,
                paid_on=data.paid_on,
                method=data.method,
                covers=covers,
                note=data.note.strip(),
                source=source,
                recorded_by=by,
            )
            power_history_changed(committee_id=member.committee_id, since=data.paid_on)
    except IntegrityError:  # paid by someone else a moment ago
        raise _overlap(member, covers) from None
    if audit:
        audit_record(
            actor=by,
            kind=AuditEvent.Kind.PAYMENT,
            committee_id=member.committee_id,
            subject=payment,
            detail={"member": member.pk, "person": member.person_id},
            ip=ip,
        )
    return payment


def payment_check(*, member: Member, data: PaymentData) -> None:
    """What payment_record refuses, without writing (a dry run of an import reads it)."""
    if data.amount <= 0:
        raise ValidationError(_("Enter an amount greater than zero."), code="not_positive")
    if data.paid_on > today_for(member.committee):
        raise ValidationError(_("A payment cannot be dated in the future."), code="future")
    if not 1 <= data.months <= MAX_MONTHS:
        raise ValidationError(
            _("A payment covers from 1 to %(most)s months.") % {"most": MAX_MONTHS},
            code="months",
        )
    covers = _covers(data)
    if member.payments.filter(covers__overlap=covers).exists():
        raise _overlap(member, covers)


def payment_first_month(member: Member) -> date:
    """The month a new payment should start at: the first no payment covers after the last
    paid, or the month they joined."""
    last = member.payments.order_by("-covers").values_list("covers", flat=True).first()
    return last.upper if last is not None else member.joined_on.replace(day=1)


def _covers(data: PaymentData) -> Range:
    first = data.first_month.replace(day=1)
    return Range(first, months_later(first, data.months), "[)")


def _overlap(member: Member, covers: Range) -> ValidationError:
    taken_ranges: list[Range] = list(
        member.payments.filter(covers__overlap=covers).values_list("covers", flat=True)
    )
    paid = [
        month
        for taken in taken_ranges
        for month in range(
            max(month_index(_day(taken.lower)), month_index(_day(covers.lower))),
            min(month_index(_day(taken.upper)), month_index(_day(covers.upper))),
        )
    ]
    shown = ", ".join(
        date_format(date(m // 12, m % 12 + 1, 1), "YEAR_MONTH_FORMAT") for m in sorted(paid)
    )
    return ValidationError(
        _("Already paid: %(months)s. Start after it, or cover fewer months.") % {"months": shown},
        code="overlap",
    )


def _day(bound: object) -> date:
    """A bound of a month range (always set: payments cover whole months)."""
    return cast(date, bound)


def _check_member(person: Person, data: MemberData, member: Member | None = None) -> None:
    if data.joined_on > today_for(person.committee):
        raise ValidationError(_("Joining cannot be dated in the future."), code="future")
    number = data.number.strip()
    taken = Member.objects.filter(committee_id=person.committee_id, number=number)
    if number and taken.exclude(person=person).exists():
        raise ValidationError(
            _("Member number %(number)s is someone else's.") % {"number": number}, code="number"
        )
    if member is not None and member.resigned_on and member.resigned_on < data.joined_on:
        raise ValidationError(_("They cannot join after they resigned."), code="after_resigning")


def _audit(member: Member, by: User | None, what: str, ip: str | None) -> None:
    audit_record(
        actor=by,
        kind=AuditEvent.Kind.MEMBER,
        committee_id=member.committee_id,
        subject=member.person,
        detail={"change": what},
        ip=ip,
    )


def member_merge(*, survivor: Person, duplicate: Person) -> None:
    """Two records of one person merged (campaigns.people.services.person_merge): the
    membership is kept, and every payment, never lost. When only the duplicate joined, their
    membership becomes the survivor's; when both did, the survivor's stays, joined at the
    earlier date, with the duplicate's number if it had none, and the duplicate's payments
    move to it. Refused when both paid for the same month: a treasurer sorts that out first."""
    theirs = Member.objects.filter(person=duplicate).first()
    if theirs is None:
        return
    mine = Member.objects.filter(person=survivor).first()
    if mine is None:
        theirs.person = survivor
        theirs.save(update_fields=["person", "updated_at"])
        return
    if any(mine.payments.filter(covers__overlap=p.covers).exists() for p in theirs.payments.all()):
        raise ValidationError(
            _(
                "Both records have dues paid for the same month: the treasurer should sort "
                "that out before they are merged."
            ),
            code="payments_overlap",
        )
    theirs.payments.update(member=mine)
    mine.joined_on = min(mine.joined_on, theirs.joined_on)
    mine.number = mine.number or theirs.number
    theirs.delete()
    mine.save(update_fields=["joined_on", "number", "updated_at"])
    power_history_changed(committee_id=mine.committee_id, since=mine.joined_on)
