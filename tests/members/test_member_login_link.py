"""A member's login finds their name on the roster by the email they verified, so the
invitations sent to that address are on My actions the first time they log in."""

from django.urls import reverse

from campaigns.access import person_of_user
from members.models import PersonEmail
from tests import factories


def person_with_email(committee, email, name="Mia"):
    person = factories.person(committee=committee, given_name=name)
    PersonEmail.objects.create(person=person, email=email, is_primary=True)
    return person


def test_it_links_the_one_person_with_the_members_verified_email(client, committee, member):
    mia = person_with_email(committee, member.email.upper())
    client.force_login(member)

    page = client.get(reverse("my_actions"))

    mia.refresh_from_db()
    assert mia.user == member
    assert "not linked" not in page.content.decode()


def test_it_links_nobody_when_two_people_share_the_address(committee, member):
    person_with_email(committee, member.email, "Mia")
    person_with_email(committee, member.email, "Mía")

    assert person_of_user(member) is None


def test_it_never_links_a_person_of_another_committee(committee, other_committee, member):
    person_with_email(other_committee, member.email)

    assert person_of_user(member) is None


def test_an_unverified_address_links_nothing(committee):
    from members.models import Membership

    user = factories.member_of(committee, Membership.Role.MEMBER, email="ana@example.org")
    user.emailaddress_set.update(verified=False)
    person_with_email(committee, "ana@example.org")

    assert person_of_user(user) is None
