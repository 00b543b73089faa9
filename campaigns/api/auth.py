"""Who is calling the API: a committee's token, sent as Action Network's clients send theirs
(`OSDI-API-Token`), or as `Authorization: Bearer`. Every use is limited per token (429 with
Retry-After); a read-only token may not write."""

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext as _
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from campaigns.api.tokens import token_for, token_used
from campaigns.models import ApiToken
from members.audit import client_ip


def sent_token(request: Request) -> str:
    """The token as the client sent it, or ""."""
    token = request.headers.get("OSDI-API-Token", "")
    if not token:
        scheme, _space, value = request.headers.get("Authorization", "").partition(" ")
        token = value if scheme.lower() == "bearer" else ""
    return token.strip()


class TokenAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiToken] | None:
        raw = sent_token(request)
        if not raw:
            return None
        token = token_for(raw)
        if token is None:
            raise AuthenticationFailed(_("This API token is not valid: it is unknown or revoked."))
        token_used(token, client_ip(request))
        return AnonymousUser(), token

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'  # a 401, not a 403, for a call with no token


class HasToken(BasePermission):
    """A live token; one that only reads may not write."""

    message = _("This API token may only read.")

    def has_permission(self, request: Request, view: object) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        return request.method in SAFE_METHODS or token.writes


class TokenThrottle(SimpleRateThrottle):
    """API_RATE requests per token (default 120 a minute), counted in Redis."""

    scope = "token"

    def get_rate(self) -> str:
        return settings.API_RATE

    def get_cache_key(self, request: Request, view: object) -> str | None:
        token = request.auth
        return f"api-throttle:{token.pk}" if isinstance(token, ApiToken) else None
