"""Reads of users, memberships and invitations."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from members.models import ROLE_RANK, Committee, Invitation, Membership, Person, User
from members.teams import campaign_teammates
from organizing.link_keys import LinkUnreadable, link_open

INVITATION_PURPOSE = "invitation"


def membership_primary(user: User) -> Membership | None:
    """The membership the navigation shows: one deployment serves one committee by default."""
    if not user.is_authenticated:
        return None
    return user.memberships.select_related("committee").order_by("pk").first()


def invitation_from_token(token: str) -> Invitation | None:
    """The pending invitation a link points at, or None if the link is bad, expired, ended
    (lockdown) or used. Links of the old signed format (readable ids) no longer work."""
    try:
        (pk,), issued = link_open(token, purpose=INVITATION_PURPOSE, count=1)
    except LinkUnreadable:
        return None
    if issued < timezone.now() - timedelta(days=settings.INVITATION_MAX_AGE_DAYS):
        return None
    return (
        Invitation.objects.select_related("committee", "invited_by")
        .filter(Q(link_cutoff__isnull=True) | Q(link_cutoff__lt=issued), pk=pk, accepted_at=None)
        .first()
    )


def invitations_unsent(*, max_attempts: int = 8) -> list[int]:
    """Invitations whose email has not gone out and is not being sent now (a lost task)."""
    quiet_since = timezone.now() - timedelta(minutes=5)
    return list(
        Invitation.objects.filter(
            Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lt=quiet_since),
            sent_at__isnull=True,
            accepted_at__isnull=True,
            send_attempts__lt=max_attempts,
            created_at__lt=quiet_since,
        ).values_list("pk", flat=True)
    )


def user_by_email(email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def team_members(committee) -> list[Membership]:
    """Leads first, then organizers, then members; by name within a role."""
    memberships = committee.memberships.select_related("user").order_by("user__name", "user__email")
    return sorted(memberships, key=lambda m: -ROLE_RANK[m.role])


def team_visible(membership: Membership) -> list[Membership]:
    """The Team page as one user may read it: a lead sees every login of the committee; an
    organizer sees the committee's leads and the teams of their own campaigns, not every
    member and organizer of the committee."""
    team = team_members(membership.committee)
    if membership.is_lead:
        return team
    mine = campaign_teammates(committee=membership.committee, user=membership.user)
    mine.add(membership.user_id)
    return [m for m in team if m.is_lead or m.user_id in mine]


def invitations_pending(committee) -> list[Invitation]:
    return list(
        committee.invitations.filter(accepted_at=None)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def person_matching(
    *,
    committee: Committee,
    email: str = "",
    phone: str = "",
    among: QuerySet[Person] | None = None,
) -> Person | None:
    """The committee's person with this email (in any case) or, failing that, this phone
    (in E.164). Email first: a phone may be a household's, an email rarely is.

    `among` narrows the search (to the people someone may see): whether a match is shown to
    the one who typed is the caller's decision (campaigns.roster.matching)."""
    people = (among if among is not None else Person.objects.all()).filter(committee=committee)
    people = people.order_by("pk")
    if email:
        found = people.filter(emails__email__iexact=email).first()
        if found is not None:
            return found
    if phone:
        return people.filter(phones__number=phone).first()
    return None
