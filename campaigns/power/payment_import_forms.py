"""Forms of the payment import: the file, then which column holds what."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.imports.forms import ImportUploadForm
from campaigns.power.payment_files import FIELDS, MATCH_FIELDS


class PaymentUploadForm(ImportUploadForm):
    """The roster import's file field (size, type), named for payments."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].label = _("Payments file (CSV)")


class PaymentMappingForm(forms.Form):
    """One select per field of ours, listing the file's columns; and whether lines that
    match no member are left out rather than stopping the import."""

    def __init__(self, *args, columns: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *((name, name) for name in columns)]
        for name, label in FIELDS.items():
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)
        self.fields["skip_unmatched"] = forms.BooleanField(
            label=_("Leave out lines that match no member (they are listed, not imported)"),
            required=False,
        )

    def clean(self):
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        data = self.cleaned_data
        for name in ("amount", "paid_on"):
            if not data.get(name):
                self.add_error(name, _("Choose the column that holds it."))
        if not any(data.get(name) for name in MATCH_FIELDS):
            self.add_error(
                "number",
                _("Choose a column to find members by: member number, email or phone."),
            )
        return data

    def mapping(self) -> dict[str, str]:
        return {name: self.cleaned_data[name] for name in FIELDS if self.cleaned_data.get(name)}

    def map_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in FIELDS]
