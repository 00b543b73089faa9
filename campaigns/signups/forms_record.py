"""The organizer's forms for a paper signature and a signature recorded as revoked. The
dates are checked by the services (campaigns.signups.services), which say why a date does not
fit; the forms only parse what was typed."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import DriveText
from members.models import User
from organizing.forms import DateInput


class PaperSignatureForm(forms.Form):
    """A card or petition signed on paper: when, who collected it, where the paper is kept,
    and (when the drive offers several) the language of the text signed."""

    signed_on = forms.DateField(label=_("Date signed"), widget=DateInput())
    collected_by = forms.ChoiceField(label=_("Collected by"))
    paper_kept_at = forms.CharField(
        label=_("Where the paper is kept"),
        max_length=200,
        required=False,
        help_text=_("For example: the lead's binder, the union office safe."),
    )
    text = forms.ChoiceField(label=_("Language of the text signed"), required=False)

    def __init__(self, *args, team: list[User], texts: list[DriveText], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.team = {str(user.pk): user for user in team}
        self.texts = {str(text.pk): text for text in texts}
        cast(forms.ChoiceField, self.fields["collected_by"]).choices = [
            (key, str(user)) for key, user in self.team.items()
        ]
        if len(texts) > 1:
            field = cast(forms.ChoiceField, self.fields["text"])
            field.required = True
            field.choices = [(key, text.language) for key, text in self.texts.items()]
        else:
            del self.fields["text"]

    def collector(self) -> User:
        return self.team[self.cleaned_data["collected_by"]]

    def chosen_text(self) -> DriveText | None:
        return self.texts.get(self.cleaned_data.get("text") or "")


class RevokedForm(forms.Form):
    """A signature the signer took back, as the organizer heard it: from when, and why."""

    revoked_on = forms.DateField(label=_("Date revoked"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("What they said, in a few words. The signature row stays, marked revoked."),
    )
