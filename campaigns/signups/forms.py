"""Forms for sign-up drives: they parse and label input; the rules live in the services."""

from datetime import date
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.models import Campaign, SignupDrive
from campaigns.signups.services import FRESH_MONTHS, DriveData
from organizing.forms import DateInput

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

THRESHOLDS = ("threshold_interest", "threshold_majority", "threshold_super")


def _percent(label: "StrOrPromise") -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


def text_field_name(language: str) -> str:
    return f"text_{language}"


class DriveForm(forms.Form):
    """A drive's settings and its text in each language the committee offers. With
    `frozen`, someone has signed: the texts show read-only (the service refuses a change)."""

    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=SignupDrive.Kind.choices,
        initial=SignupDrive.Kind.CARD,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    opens_on = forms.DateField(label=gettext_lazy("Opens on"), widget=DateInput())
    closes_on = forms.DateField(label=gettext_lazy("Closes on"), required=False, widget=DateInput())
    threshold_interest = _percent(gettext_lazy("Showing of interest (%)"))
    threshold_majority = _percent(gettext_lazy("Majority (%)"))
    threshold_super = _percent(gettext_lazy("Supermajority (%)"))
    fresh_months = forms.IntegerField(
        label=gettext_lazy("A signature stays fresh for (months)"),
        required=False,
        min_value=1,
        max_value=120,
        initial=FRESH_MONTHS,
        help_text=gettext_lazy(
            "Union cards are usually counted for 12 months. Leave empty: never stale."
        ),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    def __init__(self, *args, frozen: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.frozen = frozen
        for code, name in settings.LANGUAGES:
            field = forms.CharField(
                label=gettext_lazy("The text signed, in %(language)s") % {"language": name},
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 6}),
            )
            if frozen:
                field.widget.attrs["readonly"] = True
            self.fields[text_field_name(code)] = field

    @property
    def text_fields(self) -> list[forms.BoundField]:
        return [self[text_field_name(code)] for code, _name in settings.LANGUAGES]

    @property
    def other_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("opens_on", "closes_on", *THRESHOLDS, "fresh_months")]

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error(
                "closes_on",
                _("A drive closes on or after the day it opens (%(date)s).")
                % {"date": date_format(opens)},
            )
        low, middle, high = (data.get(name) for name in THRESHOLDS)
        if (
            low is not None
            and middle is not None
            and high is not None
            and not low <= middle <= high
        ):
            self.add_error(
                "threshold_majority",
                _("The thresholds go up: showing of interest, then majority, then supermajority."),
            )
        if not any(data.get(field.name, "").strip() for field in self.text_fields):
            self.add_error(
                self.text_fields[0].name,
                _("Write the text people sign, in at least one language."),
            )
        return data

    def drive_data(self) -> DriveData:
        data = self.cleaned_data
        texts = {
            code: data[text_field_name(code)].strip()
            for code, _name in settings.LANGUAGES
            if data[text_field_name(code)].strip()
        }
        return DriveData(
            kind=data["kind"],
            title=data["title"],
            texts=texts,
            opens_on=data["opens_on"],
            closes_on=data["closes_on"],
            thresholds=(
                data["threshold_interest"],
                data["threshold_majority"],
                data["threshold_super"],
            ),
            fresh_months=data["fresh_months"],
            never_stale=data["fresh_months"] is None,
        )

    @staticmethod
    def initial_for(campaign: Campaign, today: date) -> dict:
        return {
            "opens_on": today,
            "threshold_interest": campaign.threshold_interest,
            "threshold_majority": campaign.threshold_majority,
            "threshold_super": campaign.threshold_super,
        }

    @staticmethod
    def initial_from(drive: SignupDrive) -> dict:
        initial = {
            name: getattr(drive, name)
            for name in ("kind", "title", "opens_on", "closes_on", *THRESHOLDS, "fresh_months")
        }
        for text in drive.texts.all():
            initial[text_field_name(text.language)] = text.text
        return initial


class AsOfForm(forms.Form):
    """The day a drive is counted as of (GET): today when empty; a day that cannot be read
    or is still to come says so and counts today."""

    on = forms.DateField(label=gettext_lazy("As of"), required=False, widget=DateInput())

    def __init__(self, data, *, today: date) -> None:
        super().__init__(data, initial={"on": today})
        self.today = today

    def clean_on(self) -> date | None:
        day = self.cleaned_data["on"]
        if day is not None and day > self.today:
            raise forms.ValidationError(
                _("%(date)s is still to come: counted as of today.") % {"date": date_format(day)},
                code="future",
            )
        return day

    @property
    def day(self) -> date:
        if self.is_bound and self.is_valid():
            return self.cleaned_data["on"] or self.today
        return self.today

    @property
    def problem(self) -> str:
        """What was wrong with the day asked for ("" when nothing)."""
        if not self.is_bound or self.is_valid():
            return ""
        [error, *_rest] = self.errors.as_data()["on"]
        if error.code == "future":
            return str(error.messages[0])
        return _("That is not a date: counted as of today.")
