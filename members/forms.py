from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.utils.text import capfirst
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from members.models import Membership, User


def language_choices() -> list[tuple[str, str]]:
    """Each language in its own name ("English", "Español"): a reader who does not speak the
    page's language still finds theirs."""
    return [
        (code, capfirst(get_language_info(code)["name_local"]))
        for code, _name in settings.LANGUAGES
    ]


class LanguageSelect(forms.Select):
    """Each option marked as its own language, so a screen reader says "Español" in Spanish."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        option["attrs"]["lang"] = value
        return option


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.ORGANIZER
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=language_choices,
        widget=LanguageSelect,
        required=False,  # the committee's default
        initial=settings.LANGUAGE_CODE,
        help_text=_("Also the language Majority speaks to them until they choose another."),
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class TreasurerForm(forms.Form):
    """Whether a lead keeps the books: the confirmation's button says which (sent twice, it
    changes nothing the second time)."""

    treasurer = forms.TypedChoiceField(
        label=_("Treasurer"),
        choices=[("yes", _("Treasurer")), ("no", _("Not treasurer"))],
        coerce=lambda value: value == "yes",
        widget=forms.HiddenInput,
        error_messages={"required": _("Choose whether they keep the books.")},
    )


class InvitationAcceptForm(forms.Form):
    """A new account for an invited person: their email is the invitation's and is proven."""

    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict:
        super().clean()  # Form.clean returns self.cleaned_data, which the stub types as Optional
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = User(email=self.email, name=cleaned.get("name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignupExtraForm(forms.Form):
    """Asked on allauth's signup page (open only when SIGNUP_OPEN is on)."""

    name = forms.CharField(label=_("Your name"), max_length=150)

    def signup(self, request, user: User) -> None:
        user.name = self.cleaned_data["name"]
        user.save(update_fields=["name"])


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), choices=language_choices, widget=forms.RadioSelect
    )
