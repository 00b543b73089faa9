"""How allauth fits this app: signup only by invitation unless the committee opens it, and
its emails in our words, naming the site by SITE_NAME."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from members.language import supported

# The other ways to confirm it is you, in our words (allauth says "Send me a sign-in code").
REAUTHENTICATION_WORDS = {
    "reauthenticate": _("Type your password"),
    "reauthenticate_by_code": _("Email me a code"),
    "mfa_reauthenticate": _("Use your authenticator app or a recovery code"),
    "mfa_reauthenticate:webauthn": _("Use a passkey or security key"),
}


@dataclass(frozen=True)
class EmailSite:
    """What allauth's email templates read as `current_site`.

    Without django.contrib.sites allauth names the site by the request's host ("Hello from
    127.0.0.1:8101!"); our emails name it by the SITE_NAME setting and link to SITE_URL.
    """

    name: str
    domain: str
    url: str


def email_site() -> EmailSite:
    return EmailSite(
        name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc, url=settings.SITE_URL
    )


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return settings.SIGNUP_OPEN

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """In the user's language when the email is to a user (a reset asked for from a
        browser in another language included), else in the page's."""
        site = email_site()
        language = supported(getattr(context.get("user"), "language", "")) or get_language()
        with translation.override(language):
            super().send_mail(
                template_prefix,
                email,
                {**context, "current_site": site, "SIGNUP_OPEN": settings.SIGNUP_OPEN},
            )

    def get_reauthentication_methods(self, user: AbstractBaseUser | AnonymousUser) -> list[dict]:
        methods = super().get_reauthentication_methods(user)
        for method in methods:
            method["description"] = REAUTHENTICATION_WORDS.get(method["id"], method["description"])
        return methods
