"""The join page's forms: the public one a visitor fills in, and the lead's wording."""

from typing import cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import escape, format_html
from django.utils.translation import gettext_lazy as _

from campaigns.models import DuesPlan, PayMethod
from campaigns.models.joining import text_digest
from campaigns.power.join import JoinData
from campaigns.power.money import amount_parse, amount_show
from members.forms_people import ReachableForm
from members.models import Committee


class PlanChoice(forms.ModelChoiceField):
    currency = "USD"  # the committee's (JoinForm sets it)

    def label_from_instance(self, obj: DuesPlan) -> str:
        every = obj.get_months_display()
        if obj.amount is None:
            return _("%(plan)s: you choose the amount (%(every)s)") % {
                "plan": obj.name,
                "every": every,
            }
        amount = amount_show(obj.amount, self.currency)
        return f"{obj.name}: {amount} ({every})"


class JoinForm(ReachableForm):
    """Who joins and how they pay. The plan, pledge and method are asked only of a committee
    with dues plans; the pledge only counts on a sliding scale."""

    field_order = ["name", "email", "phone", "language", "email_ok", "sms_ok", "plan", "pledge"]

    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(label=_("Language you prefer"), choices=settings.LANGUAGES)
    email_ok = forms.BooleanField(label=_("You may email me"), required=False)
    sms_ok = forms.BooleanField(label=_("You may send me text messages"), required=False)
    plan = PlanChoice(
        label=_("Your dues"),
        queryset=DuesPlan.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose how much you will pay.")},
    )
    pledge = forms.CharField(label=_("Your pledge each time"), max_length=20, required=False)
    pay_method = forms.ChoiceField(
        label=_("How you will pay"),
        choices=PayMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you will pay.")},
    )
    # The wording the page showed (its language and digest, hidden inputs the template
    # writes): what is kept is what was read.
    shown_language = forms.CharField(widget=forms.HiddenInput, required=False)
    shown_digest = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args, committee: Committee, plans: list[DuesPlan], wording: str, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.committee, self.wording = committee, wording
        if not plans:
            for name in ["plan", "pledge", "pay_method"]:
                del self.fields[name]
            return
        plan = cast(PlanChoice, self.fields["plan"])
        plan.queryset = DuesPlan.objects.filter(pk__in=[p.pk for p in plans])
        plan.currency = committee.currency
        if len(plans) == 1:
            plan.initial = plans[0].pk
        self.fields["pledge"].help_text = _(
            "On a sliding scale only: what you will pay each time, in %(currency)s. "
            "For example 15 or 7.50."
        ) % {"currency": escape(committee.currency)}  # help is shown as HTML
        self.fields["pledge"].widget.attrs["inputmode"] = "decimal"

    def clean(self) -> dict:
        try:
            cleaned = super().clean()
        except ValidationError as error:  # no email and no phone: said beside the email
            self.add_error("email", error)
            cleaned = self.cleaned_data
        if cleaned.get("shown_digest") != text_digest(self.wording):
            raise ValidationError(
                _(
                    "The wording on this page changed while you were filling it in. Read it "
                    "again below, then send the form."
                ),
                code="wording",
            )
        plan = cleaned.get("plan")
        cleaned["pledge_minor"] = None
        if plan is not None and plan.amount is None:
            self._pledge(cleaned)
        return cleaned

    def _pledge(self, cleaned: dict) -> None:
        typed = (cleaned.get("pledge") or "").strip()
        if not typed:
            self.add_error("pledge", _("On a sliding scale, say how much you will pay."))
            return
        try:
            cleaned["pledge_minor"] = amount_parse(typed, self.committee.currency)
        except ValidationError as error:
            self.add_error("pledge", error)

    def data_for_service(self) -> JoinData:
        data = self.cleaned_data
        return JoinData(
            name=" ".join(data["name"].split()),
            email=data["email"].strip(),
            phone=data["phone"] or "",
            language=data["language"],
            email_ok=data["email_ok"],
            sms_ok=data["sms_ok"],
            wording=self.wording,
            plan=data.get("plan"),
            pledge=data.get("pledge_minor"),
            pay_method=data.get("pay_method", ""),
        )


class JoinTextsForm(forms.Form):
    """One wording per language; empty shows the standard one."""

    def __init__(self, *args, standard: dict[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for code, name in settings.LANGUAGES:
            self.fields[code] = forms.CharField(
                label=_("Wording in %(language)s") % {"language": name},
                required=False,
                max_length=2000,
                # The wording is in its own language whatever the page's.
                widget=forms.Textarea(attrs={"rows": 4, "lang": code}),
                help_text=_("Leave empty to show the standard wording: %(standard)s")
                % {  # help is shown as HTML
                    "standard": format_html('“<span lang="{}">{}</span>”', code, standard[code])
                },
            )
