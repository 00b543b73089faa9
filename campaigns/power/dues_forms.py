"""The dues page's forms: they read what the treasurer typed; campaigns.power.dues decides
what may be saved."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import DuesPlan
from campaigns.power.dues import CURRENCIES, GRACE_MOST, LAPSE_MOST, DuesSettings, PlanData
from campaigns.power.money import amount_parse
from members.models import Committee

WHOLE = {"invalid": _("Enter a whole number of months.")}


class DuesSettingsForm(forms.Form):
    currency = forms.ChoiceField(
        label=_("Currency"),
        error_messages={"invalid_choice": _("Choose one of the currencies listed.")},
        help_text=_("Every amount of dues, payments and the ledger is in this currency."),
    )
    grace_months = forms.IntegerField(
        label=_("Grace period (months)"),
        error_messages=WHOLE,
        widget=forms.NumberInput(attrs={"min": 0, "max": GRACE_MOST}),
        help_text=_("A member this many months behind is still in good standing."),
    )
    lapse_months = forms.IntegerField(
        label=_("Lapsed after (months)"),
        error_messages=WHOLE,
        widget=forms.NumberInput(attrs={"min": 1, "max": LAPSE_MOST}),
        help_text=_("A member more than this many months behind has lapsed."),
    )

    def __init__(self, *args, committee: Committee, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial = {
            "currency": committee.currency,
            "grace_months": committee.dues_grace_months,
            "lapse_months": committee.dues_lapse_months,
        }
        # A currency set before this list (by the admin) stays choosable.
        codes = dict.fromkeys([*CURRENCIES, committee.currency])
        field = cast(forms.ChoiceField, self.fields["currency"])
        field.choices = [(code, f"{code} · {CURRENCIES.get(code, code)}") for code in codes]

    def settings(self) -> DuesSettings:
        data = self.cleaned_data
        return DuesSettings(data["currency"], data["grace_months"], data["lapse_months"])


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("e.g. “Monthly”"))
    amount = forms.CharField(label=_("Amount"), required=False, max_length=30)
    months = forms.TypedChoiceField(
        label=_("Paid"),
        choices=DuesPlan.Every.choices,
        coerce=int,
        initial=DuesPlan.Every.MONTH,
    )

    def __init__(self, *args, committee: Committee, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.currency = committee.currency
        self.fields["amount"].help_text = _(
            "In %(currency)s, like 10.00. Leave it empty for a sliding scale: each member "
            "pledges what they can."
        ) % {"currency": committee.currency}

    def clean_amount(self) -> int | None:
        text = self.cleaned_data["amount"].strip()
        return amount_parse(text, self.currency) if text else None

    def plan(self) -> PlanData:
        data = self.cleaned_data
        return PlanData(data["name"], data["amount"], data["months"])
