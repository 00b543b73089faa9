"""API tokens: made and revoked by a committee lead, found from what a client sends.

A token is 'mjt_' and 43 random characters. Only its SHA-256 is stored (it is random and
long, so a slow hash would buy nothing), with its first characters to tell tokens apart."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from campaigns.models import ApiToken, Campaign
from members.audit import audit_record
from members.models import AuditEvent, Committee, User

PREFIX = "mjt_"
USED_EVERY = timedelta(minutes=1)  # last use is written at most this often


def token_create(
    *,
    committee: Committee,
    name: str,
    access: str,
    extras: Iterable[str],
    campaigns: Iterable[Campaign],
    by: User,
    ip: str | None = None,
) -> tuple[ApiToken, str]:
    """A new token and the token itself, which is never stored or shown again."""
    raw = PREFIX + secrets.token_urlsafe(32)
    campaigns = list(campaigns)
    with transaction.atomic():
        token = ApiToken.objects.create(
            committee=committee,
            name=name,
            access=access,
            extras=sorted(set(extras)),
            prefix=raw[:12],
            key_hash=_digest(raw),
            created_by=by,
        )
        token.campaigns.set(campaigns)
        audit_record(
            actor=by,
            kind=AuditEvent.Kind.API_TOKEN,
            committee=committee,
            subject=token,
            detail={
                "change": "created",
                "name": name,
                "access": access,
                "extras": token.extras,
                "campaigns": [campaign.pk for campaign in campaigns],
            },
            ip=ip,
        )
    return token, raw


def token_revoke(*, token: ApiToken, by: User, ip: str | None = None) -> None:
    """From now on the token answers 401 to everything; the row stays for the record."""
    if token.revoked_at is not None:
        return
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=by,
            kind=AuditEvent.Kind.API_TOKEN,
            committee_id=token.committee_id,
            subject=token,
            detail={"change": "revoked", "name": token.name},
            ip=ip,
        )


def token_for(raw: str) -> ApiToken | None:
    """The live token a client sent, or None (unknown, revoked, or not one of ours)."""
    if not raw.startswith(PREFIX) or len(raw) > 100:
        return None
    return (
        ApiToken.objects.select_related("committee")
        .filter(key_hash=_digest(raw), revoked_at=None)
        .first()
    )


def token_used(token: ApiToken, ip: str | None) -> None:
    """Note when and from where the token was last used, at most once a minute."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now, last_used_ip=ip)
        token.last_used_at, token.last_used_ip = now, ip


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()
