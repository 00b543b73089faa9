"""Building the people and things tests talk about, in one place."""

import itertools
import time

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
)

from members.models import Committee, Membership, User

PASSWORD = "a-long-test-password-42"
_seq = itertools.count(1)


def user(*, email: str | None = None, name: str = "", password: str = PASSWORD) -> User:
    email = email or f"person{next(_seq)}@example.org"
    created = User.objects.create_user(email, password, name=name or email.split("@")[0])
    EmailAddress.objects.create(user=created, email=email, primary=True, verified=True)
    return created


def committee(*, name: str | None = None) -> Committee:
    return Committee.objects.create(name=name or f"Committee {next(_seq)}")


def member_of(
    committee: Committee,
    role: Membership.Role,
    *,
    email: str | None = None,
    name: str = "",
    mfa: bool | None = None,
) -> User:
    """A user with a role in the committee. Leads and organizers come with an authenticator
    app already set up (they must have one to see rosters) unless mfa=False."""
    person = user(email=email, name=name)
    Membership.objects.create(committee=committee, user=person, role=role)
    if role != Membership.Role.MEMBER if mfa is None else mfa:
        enrol_totp(person)
    return person


def enrol_totp(person: User) -> str:
    """Set up an authenticator app for the user, as enrolment does; returns its secret."""
    secret = generate_totp_secret()
    TOTP.activate(person, secret)
    return secret


def totp_secret(person: User) -> str:
    """The secret of the user's authenticator app (stored unencrypted by allauth's default)."""
    return Authenticator.objects.get(user=person, type=Authenticator.Type.TOTP).data["secret"]


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows for the secret now (or at a Unix time)."""
    step = int(time.time() if at is None else at) // 30
    return format_hotp_value(hotp_value(secret, step))


def campaign(*, committee: Committee, code_name: str | None = None, kind: str = "workplace"):
    from campaigns.conversations.services.asks import asks_defaults_create
    from campaigns.models import Campaign

    made = Campaign.objects.create(
        committee=committee,
        kind=kind,
        code_name=code_name or f"Campaign {next(_seq)}",
        target="Acme Logistics" if kind == "workplace" else "Skyline Properties",
    )
    asks_defaults_create(campaign=made)  # as campaign_create does
    return made


def site(*, campaign, name: str = "Main site"):
    from campaigns.models import Site

    return Site.objects.create(campaign=campaign, name=name)


def unit(*, site, name: str, parent=None):
    from campaigns.models import Unit

    return Unit.objects.create(site=site, name=name, parent=parent)


def person(*, committee: Committee, given_name: str = "", family_name: str = "", **fields):
    from members.models import Person

    return Person.objects.create(
        committee=committee,
        given_name=given_name or f"Person{next(_seq)}",
        family_name=family_name,
        **fields,
    )


def on_roster(*, campaign, person, unit=None, **fields):
    from campaigns.roster.services import roster_add

    return roster_add(campaign=campaign, person=person, unit=unit, **fields)


def on_team(*, campaign, user: User, role: str = "organizer"):
    from campaigns.models import TeamMember

    return TeamMember.objects.create(campaign=campaign, user=user, role=role)
