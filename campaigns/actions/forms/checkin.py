"""Forms for the door: a walk-in nobody had on the list. They validate;
campaigns.actions.services.checkin writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from members.forms_people import PhoneField


class WalkInForm(forms.Form):
    """A name and one way to reach them: enough to follow up after the action."""

    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    phone = PhoneField(label=_("Phone"), required=False)
    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        cleaned = self.cleaned_data
        if "phone" in cleaned and "email" in cleaned and not (cleaned["phone"] or cleaned["email"]):
            raise forms.ValidationError(
                _("Add a phone number or an email, so someone can follow up."), code="no_contact"
            )
        return cleaned


class AttendanceForm(forms.Form):
    """What the turnout page sets for one person; without it, the door's button toggles."""

    CAME, NO_SHOW, CLEAR = "yes", "no", "clear"
    attended = forms.ChoiceField(
        choices=[(CAME, _("Came")), (NO_SHOW, _("No-show")), (CLEAR, _("Not recorded"))],
        required=False,
    )

    def value(self) -> bool | None:
        return {self.CAME: True, self.NO_SHOW: False}.get(self.cleaned_data["attended"])
