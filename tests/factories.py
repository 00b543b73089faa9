"""Building the people and things tests talk about, in one place."""

import itertools

from allauth.account.models import EmailAddress

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
    committee: Committee, role: Membership.Role, *, email: str | None = None, name: str = ""
) -> User:
    person = user(email=email, name=name)
    Membership.objects.create(committee=committee, user=person, role=role)
    return person
