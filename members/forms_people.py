"""Forms for a person's own data, one per section of the person page. They validate; the
services in campaigns.people.services write."""

from typing import cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from members.models import Person, Tag
from members.phones import phone_display, phone_normalize

NONE_CHOSEN = [("", "—")]


class PhoneField(forms.CharField):
    """A phone number as typed ("(555) 123-4567"), cleaned to E.164 ("+15551234567")."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 40)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict:
        return {**super().widget_attrs(widget), "type": "tel", "autocomplete": "tel"}

    def to_python(self, value: str | None) -> str | None:
        text = super().to_python(value)
        return phone_normalize(text) if text else text


class ReachableForm(forms.Form):
    """An email or a phone, at least one: how a public page's visitor can be reached (and
    matched, by the page's service, without saying whether they were)."""

    email = forms.EmailField(
        label=_("Email"), required=False, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    phone = PhoneField(label=_("Phone"), required=False)

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        cleaned = self.cleaned_data
        if not cleaned.get("email") and not cleaned.get("phone") and not self.has_error("phone"):
            raise forms.ValidationError(
                _("Give an email address or a phone number, so organizers can reach you."),
                code="no_contact",
            )
        return cleaned


class PersonDetailsForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    preferred_name = forms.CharField(
        label=_("Preferred name"),
        max_length=100,
        required=False,
        help_text=_("What they like to be called, if not their given name."),
    )
    pronouns = forms.CharField(label=_("Pronouns"), max_length=40, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=NONE_CHOSEN + list(settings.LANGUAGES),
        required=False,
    )
    preferred_channel = forms.ChoiceField(
        label=_("Preferred channel"),
        choices=[*NONE_CHOSEN, *Person.Channel.choices],
        required=False,
    )


class PersonConsentForm(forms.Form):
    email_ok = forms.BooleanField(label=_("Email is OK"), required=False)
    sms_ok = forms.BooleanField(label=_("Text messages are OK"), required=False)
    do_not_contact = forms.BooleanField(
        label=_("Do not contact: no one messages or visits them"), required=False
    )
    do_not_contact_reason = forms.CharField(
        label=_("Why not to contact them"), max_length=200, required=False
    )

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        cleaned = self.cleaned_data
        if not cleaned.get("do_not_contact"):
            cleaned["do_not_contact_reason"] = ""
        return cleaned


class PersonTagsForm(forms.Form):
    tags = forms.ModelMultipleChoiceField(
        label=_("Tags"),
        queryset=Tag.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    new_tags = forms.CharField(
        label=_("New tags"),
        max_length=300,
        required=False,
        help_text=_("Separate several with commas."),
    )

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        tags = cast(forms.ModelMultipleChoiceField, self.fields["tags"])
        tags.queryset = Tag.objects.filter(committee_id=person.committee_id)

    def clean_new_tags(self) -> list[str]:
        names = [name.strip() for name in self.cleaned_data["new_tags"].split(",")]
        names = list(dict.fromkeys(name for name in names if name))
        if any(len(name) > 60 for name in names):
            raise forms.ValidationError(_("A tag is at most 60 characters long."))
        return names


class PersonContactForm(forms.Form):
    """The person's phones and emails: pick the primary, tick the ones to remove, add one."""

    primary_phone = forms.TypedChoiceField(
        label=_("Primary phone"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    remove_phones = forms.TypedMultipleChoiceField(
        label=_("Remove"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    new_phone = PhoneField(label=_("Add a phone"), required=False)
    new_phone_label = forms.CharField(
        label=_("Label"), max_length=30, required=False, help_text=_("For example: mobile, work.")
    )
    primary_email = forms.TypedChoiceField(
        label=_("Primary email"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.RadioSelect,
    )
    remove_emails = forms.TypedMultipleChoiceField(
        label=_("Remove"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    new_email = forms.EmailField(label=_("Add an email"), required=False)

    def __init__(self, *args, person: Person, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        self.phones = list(person.phones.all())
        self.emails = list(person.emails.all())
        phone_choices = [(p.pk, _phone_label(p)) for p in self.phones]
        email_choices = [(e.pk, e.email) for e in self.emails]
        cast(forms.TypedChoiceField, self.fields["primary_phone"]).choices = phone_choices
        cast(forms.TypedMultipleChoiceField, self.fields["remove_phones"]).choices = phone_choices
        cast(forms.TypedChoiceField, self.fields["primary_email"]).choices = email_choices
        cast(forms.TypedMultipleChoiceField, self.fields["remove_emails"]).choices = email_choices
        if not self.is_bound:
            self.initial["primary_phone"] = next((p.pk for p in self.phones if p.is_primary), None)
            self.initial["primary_email"] = next((e.pk for e in self.emails if e.is_primary), None)

    def rows(self, kind: str) -> list[tuple]:
        """(label, primary radio, remove checkbox) per phone or email, for the template."""
        radios = list(self[f"primary_{kind}"])
        boxes = list(self[f"remove_{kind}s"])
        return [(radio.choice_label, radio, box) for radio, box in zip(radios, boxes, strict=True)]

    @property
    def phone_rows(self) -> list[tuple]:
        return self.rows("phone")

    @property
    def email_rows(self) -> list[tuple]:
        return self.rows("email")

    def clean_new_phone(self) -> str:
        number = self.cleaned_data["new_phone"]
        if number and any(p.number == number for p in self.phones):
            raise forms.ValidationError(_("This number is already listed."))
        return number

    def clean_new_email(self) -> str:
        email = self.cleaned_data["new_email"]
        if email and any(e.email.lower() == email.lower() for e in self.emails):
            raise forms.ValidationError(_("This email is already listed."))
        return email


def _phone_label(phone) -> str:
    shown = phone_display(phone.number)
    return f"{shown} · {phone.label}" if phone.label else shown
