"""The form a committee lead makes an API token with."""

import secrets
from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import ApiToken, Campaign
from members.models import Committee

WHOLE, CHOSEN = "whole", "chosen"


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What it is for, e.g. “Action Network sync”."),
    )
    scope = forms.ChoiceField(
        label=_("What it may reach"),
        choices=[(WHOLE, _("The whole committee")), (CHOSEN, _("Only the campaigns chosen"))],
        initial=WHOLE,
        widget=forms.RadioSelect,
    )
    campaigns = forms.ModelMultipleChoiceField(
        label=_("Campaigns"),
        queryset=Campaign.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    access = forms.ChoiceField(
        label=_("Access"),
        choices=ApiToken.Access.choices,
        initial=ApiToken.Access.READ,
        widget=forms.RadioSelect,
    )
    extras = forms.MultipleChoiceField(
        label=_("Fields beyond OSDI's it may read"),
        choices=ApiToken.Extra.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Notes are never given to a token."),
    )

    # Names this filling of the form: sent twice (a double tap, a reload that posts again),
    # it makes one token (campaigns.api.views.tokens).
    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)

    def __init__(self, *args, committee: Committee, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["once"].initial = secrets.token_urlsafe(16)
        cast(
            forms.ModelMultipleChoiceField, self.fields["campaigns"]
        ).queryset = Campaign.objects.filter(committee=committee).order_by("code_name")

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("scope") == CHOSEN and not data.get("campaigns"):
            self.add_error("campaigns", _("Choose at least one campaign."))
        if data.get("scope") == WHOLE:
            data["campaigns"] = []
        return data
