"""Receivers that put logins, failed logins, logouts and two-factor changes on the audit trail.

Wiring only: each receiver calls audit_record; MembersConfig.ready() connects them.

Logins come from allauth's `user_logged_in`, sent once a login through /accounts/ is complete
(password, emailed code, two-factor), not from Django's, which every test's force_login sends
too. A failed login records the account it was aimed at only when the email typed is a known
user's, and never the text typed: that field sometimes holds a password or someone else's
address, and an append-only log could never forget it.
"""

from django.http import HttpRequest

from members.audit import audit_record, client_ip, committee_of, user_by_email
from members.models import AuditEvent, User

Kind = AuditEvent.Kind


def on_logged_in(sender, request: HttpRequest, user: User, **kwargs) -> None:
    from allauth.account.authentication import get_authentication_records

    records = get_authentication_records(request, user)
    methods = sorted({record.get("method") for record in records} - {None})
    audit_record(
        actor=user,
        kind=Kind.LOGIN,
        committee=committee_of(user),
        detail={"methods": methods} if methods else None,
        ip=client_ip(request),
    )


def on_login_failed(
    sender, credentials: dict, request: HttpRequest | None = None, **kwargs
) -> None:
    target = user_by_email(credentials.get("email") or credentials.get("username") or "")
    audit_record(
        actor=None,
        kind=Kind.LOGIN_FAILED,
        committee=committee_of(target),
        subject=target,
        detail={"stage": "password"},
        # authenticate() called without a request (the test client's login) sends None.
        ip=client_ip(request) if request is not None else None,
    )


def on_logged_out(sender, request: HttpRequest, user: User | None, **kwargs) -> None:
    if user is None:
        return
    audit_record(actor=user, kind=Kind.LOGOUT, committee=committee_of(user), ip=client_ip(request))


def on_mfa_failed(sender, request: HttpRequest, user: User, authenticator, **kwargs) -> None:
    """A wrong two-factor code: the password was right, so the account is named."""
    audit_record(
        # Anonymous while logging in; signed in when a code is asked again to confirm a change.
        actor=request.user if request.user.is_authenticated else None,
        kind=Kind.LOGIN_FAILED,
        committee=committee_of(user),
        subject=user,
        detail={"stage": "mfa", "type": authenticator.type},
        ip=client_ip(request),
    )


def _mfa_change(change: str):
    def receiver(sender, request: HttpRequest, user: User, authenticator, **kwargs) -> None:
        audit_record(
            actor=user,
            kind=Kind.MFA_CHANGE,
            committee=committee_of(user),
            detail={"change": change, "type": authenticator.type},
            ip=client_ip(request),
        )

    return receiver


on_authenticator_added = _mfa_change("added")
on_authenticator_removed = _mfa_change("removed")
on_authenticator_reset = _mfa_change("reset")
