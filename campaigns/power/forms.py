"""The person page's membership and dues forms."""

from datetime import date
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.models import DuesPlan, Member, PayMethod, PowerTarget
from campaigns.power.money import amount_parse
from campaigns.power.selectors import plan_label
from campaigns.power.services import MAX_MONTHS
from organizing.forms import DateInput


class MonthInput(forms.DateInput):
    """<input type="month">: the browser's month picker, which sends "2026-12"."""

    input_type = "month"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs, format="%Y-%m")


class AmountField(forms.CharField):
    """Money as the reader types it, cleaned to minor units of `currency`."""

    def __init__(self, *, currency: str = "USD", **kwargs) -> None:
        self.currency = currency
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value: str) -> int | None:
        text = super().clean(value)
        return amount_parse(text, self.currency) if text else None


class PlanChoiceField(forms.ModelChoiceField):
    currency = "USD"

    def label_from_instance(self, obj: DuesPlan) -> str:
        return plan_label(obj, self.currency)


class MemberForm(forms.Form):
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())
    joined_how = forms.ChoiceField(label=_("How they joined"), choices=Member.Joined.choices)
    number = forms.CharField(label=_("Member number"), max_length=20, required=False)
    pay_method = forms.ChoiceField(
        label=_("Pays by"), choices=[("", "—"), *PayMethod.choices], required=False
    )


class PlanForm(forms.Form):
    """The treasurer's part: the plan and, on a sliding scale, the pledge."""

    plan = PlanChoiceField(label=_("Dues plan"), queryset=DuesPlan.objects.none(), required=False)
    pledge = AmountField(
        label=_("Pledge each period"),
        required=False,
        help_text=_("On a sliding scale: what they said they would pay."),
    )

    def __init__(self, *args, member: Member | None, currency: str, committee_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        plans = DuesPlan.objects.filter(committee_id=committee_id, archived_at=None)
        if member is not None and member.plan_id:
            plans = plans | DuesPlan.objects.filter(pk=member.plan_id)
        field = self.fields["plan"]
        assert isinstance(field, PlanChoiceField)  # noqa: S101 - declared above
        field.queryset = plans.order_by("months", "name")
        field.currency = currency
        pledge = self.fields["pledge"]
        assert isinstance(pledge, AmountField)  # noqa: S101 - declared above
        pledge.currency = currency

    def clean(self) -> dict:
        data = super().clean() or {}
        plan = data.get("plan")
        if plan is not None and plan.amount is None and not data.get("pledge"):
            self.add_error("pledge", _("On a sliding scale, enter what they pledged."))
        return data


class ResignForm(forms.Form):
    resigned_on = forms.DateField(label=_("Resigned on"), widget=DateInput())
    resigned_reason = forms.CharField(label=_("Why they resigned"), max_length=200, required=False)


class PaymentForm(forms.Form):
    amount = AmountField(label=_("Amount"))
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    method = forms.ChoiceField(label=_("Method"), choices=PayMethod.choices)
    first_month = forms.DateField(
        label=_("First month it pays for"),
        widget=MonthInput(),
        input_formats=["%Y-%m", "%Y-%m-%d"],
    )
    months = forms.IntegerField(
        label=_("Months it covers"), min_value=1, max_value=MAX_MONTHS, initial=1
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, currency: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        amount = self.fields["amount"]
        assert isinstance(amount, AmountField)  # noqa: S101 - declared above
        amount.currency = currency

    def clean_first_month(self) -> date:
        value = self.cleaned_data["first_month"]
        if not isinstance(value, date):
            raise ValidationError(_("Choose a month."))
        return value.replace(day=1)


class PowerTargetForm(forms.ModelForm):
    """A target for one of the Power page's measures: a number of people, or for dues an
    amount a month in the committee's currency. A rung's measure only while the committee's
    ladder has that rung."""

    target = forms.CharField(
        label=_("how many"),
        max_length=20,
        help_text=_("A number of people; for dues, an amount."),
    )

    class Meta:
        model = PowerTarget
        fields = ["measure", "target", "by"]
        widgets = {"by": DateInput()}

    def __init__(self, *args, today: date, currency: str, rungs: set[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.today, self.currency = today, currency
        Measure = PowerTarget.Measure
        ladder = {Measure.ACTIVE, Measure.LEADER, Measure.ORGANIZER}
        measure = cast(forms.ChoiceField, self.fields["measure"])
        measure.choices = [
            (value, label)
            for value, label in PowerTarget.Measure.choices
            if value not in ladder or value in rungs
        ]

    def clean_by(self) -> date:
        by = self.cleaned_data["by"]
        if by <= self.today:
            raise ValidationError(_("A target is for a day still to come."))
        return by

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        typed, measure = cleaned.get("target"), cleaned.get("measure")
        if typed is None or measure is None:
            return cleaned
        try:
            if measure == PowerTarget.Measure.DUES:
                cleaned["target"] = amount_parse(typed, self.currency)
            else:
                cleaned["target"] = _how_many(typed)
        except ValidationError as error:
            self.add_error("target", error)
        return cleaned


def _how_many(typed: str) -> int:
    number = forms.IntegerField(localize=True).clean(typed)
    if number < 1:
        raise ValidationError(_("Aim for at least one."))
    return number
