"""The access helper every view uses: outsiders get 404, too small a role gets 403."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from members.access import membership_for_user
from members.models import Membership


def test_it_returns_the_membership_of_someone_on_the_committee(lead, committee):
    membership = membership_for_user(lead, committee.pk, role=Membership.Role.LEAD)

    assert membership.committee == committee


def test_it_gives_an_outsider_the_same_404_as_a_missing_committee(outsider, committee):
    with pytest.raises(Http404):
        membership_for_user(outsider, committee.pk)
    with pytest.raises(Http404):
        membership_for_user(outsider, committee.pk + 1000)


def test_it_gives_anonymous_visitors_a_404(committee):
    with pytest.raises(Http404):
        membership_for_user(AnonymousUser(), committee.pk)


@pytest.mark.parametrize(
    ("persona", "needed", "allowed"),
    [
        ("member", Membership.Role.MEMBER, True),
        ("member", Membership.Role.ORGANIZER, False),
        ("organizer", Membership.Role.ORGANIZER, True),
        ("organizer", Membership.Role.LEAD, False),
        ("lead", Membership.Role.LEAD, True),
        ("lead", Membership.Role.MEMBER, True),
    ],
)
def test_it_forbids_roles_below_the_one_needed(request, committee, persona, needed, allowed):
    user = request.getfixturevalue(persona)

    if allowed:
        assert membership_for_user(user, committee.pk, role=needed)
    else:
        with pytest.raises(PermissionDenied):
            membership_for_user(user, committee.pk, role=needed)


def test_a_user_has_one_role_per_committee(lead, committee):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Membership.objects.create(committee=committee, user=lead, role=Membership.Role.MEMBER)
