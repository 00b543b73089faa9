"""Forms of the roster import: the file, then which column holds what."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.imports.csv_formats import FIELDS, MAX_BYTES
from campaigns.imports.services import NAME_FIELDS


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file (CSV)"),
        allow_empty_file=True,
        help_text=_(
            "Up to 20,000 rows and 5 MB. The first line names the columns; comma, semicolon "
            "or tab between them."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("This file is larger than 5 MB. Split it into smaller files.")
            )
        return upload


class ImportMappingForm(forms.Form):
    """One select per field of ours, listing the file's columns."""

    def __init__(self, *args, columns: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *((name, name) for name in columns)]
        for name, label in FIELDS.items():
            self.fields[name] = forms.ChoiceField(label=label, choices=choices, required=False)

    def clean(self):
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        data = self.cleaned_data
        if not any(data.get(name) for name in NAME_FIELDS):
            self.add_error(
                "full_name",
                _("Choose the column with people's names: a full name, or given and family names."),
            )
        return data

    def mapping(self) -> dict[str, str]:
        return {name: column for name, column in self.cleaned_data.items() if column}
