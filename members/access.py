"""The access helpers every view goes through.

An outsider gets the same 404 as a missing id, so a URL never confirms that something exists;
someone inside with too small a role gets 403.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from members.models import Membership, User


def membership_for_user(
    user: User, committee_id: int, *, role: Membership.Role = Membership.Role.MEMBER
) -> Membership:
    """The user's membership of the committee, if their role is at least `role`."""
    if not user.is_authenticated:
        raise Http404
    membership = (
        Membership.objects.select_related("committee")
        .filter(user=user, committee_id=committee_id)
        .first()
    )
    if membership is None:
        raise Http404
    if not membership.has_role(role):
        raise PermissionDenied
    return membership


def organizing_membership(user: User, committee_id: int) -> Membership:
    """The membership of a lead or organizer of the committee: a committee-wide page of
    theirs (the overview, the Power page). Anyone else, a member of it too, gets 404."""
    membership = (
        Membership.objects.select_related("committee")
        .filter(
            user=user,
            committee_id=committee_id,
            role__in=[Membership.Role.LEAD, Membership.Role.ORGANIZER],
        )
        .first()
        if user.is_authenticated
        else None
    )
    if membership is None:
        raise Http404
    return membership
