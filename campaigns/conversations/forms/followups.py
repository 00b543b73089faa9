"""The form for closing a follow-up without a conversation. It validates;
campaigns.conversations.services.followups writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import FollowUp


class FollowUpCloseForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why close it?"), choices=FollowUp.CloseReason.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=200,
        required=False,
        help_text=_("Required for “Other”: say what happened."),
    )

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        cleaned = self.cleaned_data
        if (
            cleaned.get("reason") == FollowUp.CloseReason.OTHER
            and not cleaned.get("note", "").strip()
        ):
            self.add_error("note", _("Say what happened."))
        return cleaned
