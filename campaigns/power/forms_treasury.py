"""The treasurer's form: money in or out, as typed, read in the committee's currency."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import LedgerEntry
from campaigns.power.money import amount_parse, amount_show
from campaigns.power.treasury import EntryData
from members.clock import today_for
from members.models import Committee
from organizing.forms import DateInput

Category = LedgerEntry.Category


def category_choices() -> list:
    """Grouped, so the one list says whether it is money in or out."""
    income = [(c.value, c.label) for c in Category if c in LedgerEntry.INCOME_CATEGORIES]
    expense = [(c.value, c.label) for c in Category if c not in LedgerEntry.INCOME_CATEGORIES]
    return [
        ("", _("Choose…")),
        (_("Money in"), income),
        (_("Money out"), expense),
    ]


class EntryForm(forms.Form):
    category = forms.ChoiceField(label=gettext_lazy("What"))
    amount = forms.CharField(
        label=gettext_lazy("Amount"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    on = forms.DateField(label=gettext_lazy("Date"), widget=DateInput())
    party = forms.CharField(
        label=gettext_lazy("From or to"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("Who gave the money, or who was paid."),
    )
    receipt = forms.CharField(
        label=gettext_lazy("Receipt reference"),
        max_length=100,
        required=False,
        help_text=gettext_lazy("The number on the receipt or invoice, or where it is filed."),
    )
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)

    def __init__(self, data=None, *, committee: Committee) -> None:
        super().__init__(data, initial={"on": today_for(committee)})
        self.committee = committee
        self.fields["category"].choices = category_choices()  # type: ignore[attr-defined]
        self.fields["amount"].help_text = _("In %(currency)s, like %(example)s.") % {
            "currency": committee.currency,
            "example": amount_show(1050, committee.currency),
        }

    def clean_amount(self) -> int:
        return amount_parse(self.cleaned_data["amount"], self.committee.currency)

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day > today_for(self.committee):
            raise ValidationError(_("An entry cannot be dated in the future."), code="future")
        return day

    def data_for_service(self) -> EntryData:
        data = self.cleaned_data
        return EntryData(
            category=data["category"],
            amount=data["amount"],
            on=data["on"],
            party=data["party"],
            note=data["note"],
            receipt=data["receipt"],
        )


class ReverseForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Why"),
        max_length=500,
        required=False,
        help_text=gettext_lazy("Kept with the correction, for whoever reads the books later."),
    )
