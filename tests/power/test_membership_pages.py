"""The person page's membership: an organizer records that someone joined and sees their
standing, never an amount; the treasurer sets the plan and records payments; a payment that
cannot be is refused with what was typed kept."""

from datetime import date

import pytest
import time_machine
from psycopg.types.range import Range

from campaigns.models import DuesPlan, Member, Payment
from campaigns.power.services import MemberData, member_join
from members.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-12-04 18:00:00+00:00", tick=False):
        yield


@pytest.fixture
def ana(committee, campaign):
    person = factories.person(committee=committee, given_name="Ana", family_name="Lima")
    factories.on_roster(campaign=campaign, person=person)
    return person


@pytest.fixture
def treasurer(committee):
    user = factories.member_of(committee, Membership.Role.LEAD, email="books@example.org")
    Membership.objects.filter(user=user).update(is_treasurer=True)
    return user


@pytest.fixture
def monthly(committee):
    return DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)


def page(client, user, person) -> str:
    client.force_login(user)
    return client.get(f"/people/{person.pk}/").content.decode()


def test_an_organizer_records_that_someone_joined_and_sees_their_standing(
    client, team_organizer, ana
):
    client.force_login(team_organizer)

    response = client.post(
        f"/people/{ana.pk}/membership/",
        {"joined_on": "2026-11-02", "joined_how": "card", "number": "A-17", "pay_method": ""},
    )

    assert response.status_code == 302
    member = Member.objects.get(person=ana)
    assert (member.joined_on, member.number, member.recorded_by) == (
        date(2026, 11, 2),
        "A-17",
        team_organizer,
    )
    shown = page(client, team_organizer, ana)
    assert "Member since" in shown and "A-17" in shown
    assert "No dues plan" in shown  # the treasurer sets one


def test_an_organizer_sees_the_standing_but_never_an_amount(
    client, committee, team_organizer, ana, monthly
):
    member = member_join(
        person=ana, data=MemberData(joined_on=date(2026, 10, 1)), by=None, plan=monthly
    )
    Payment.objects.create(
        committee=committee,
        member=member,
        amount=4321,
        paid_on=date(2026, 10, 1),
        method="cash",
        covers=Range(date(2026, 10, 1), date(2027, 1, 1)),
    )

    shown = page(client, team_organizer, ana)

    assert "In good standing" in shown and "paid until January 2027" in shown
    assert "43.21" not in shown and "10.00" not in shown and "Monthly" not in shown
    assert client.get(f"/people/{ana.pk}/payments/new/").status_code == 404


def test_the_treasurer_sets_the_plan_and_records_a_payment(client, treasurer, ana, monthly):
    client.force_login(treasurer)
    client.post(
        f"/people/{ana.pk}/membership/",
        {
            "joined_on": "2026-12-01",
            "joined_how": "online",
            "number": "",
            "pay_method": "bank",
            "dues-plan": monthly.pk,
            "dues-pledge": "",
        },
    )
    form = client.get(f"/people/{ana.pk}/payments/new/").content.decode()

    response = client.post(
        f"/people/{ana.pk}/payments/new/",
        {
            "amount": "10.00",
            "paid_on": "2026-12-04",
            "method": "bank",
            "first_month": "2026-12",
            "months": "1",
            "note": "",
        },
    )

    assert 'value="10.00"' in form and 'value="2026-12"' in form  # the plan and first month
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.covers.lower, payment.recorded_by) == (
        1000,
        date(2026, 12, 1),
        treasurer,
    )
    shown = page(client, treasurer, ana)
    assert "10.00 USD" in shown and "In good standing" in shown


@pytest.mark.parametrize(
    ("amount", "first_month", "says"),
    [
        ("10.505", "2026-12", "at most 2 decimals"),
        ("0", "2026-12", "greater than zero"),
        ("-10", "2026-12", "greater than zero"),
        ("10", "2026-11", "Already paid: November 2026"),
    ],
)
def test_a_payment_refused_says_why_and_keeps_what_was_typed(
    client, committee, treasurer, ana, amount, first_month, says
):
    member = member_join(person=ana, data=MemberData(joined_on=date(2026, 11, 1)), by=None)
    Payment.objects.create(
        committee=committee,
        member=member,
        amount=1000,
        paid_on=date(2026, 11, 1),
        method="cash",
        covers=Range(date(2026, 11, 1), date(2026, 12, 1)),
    )
    client.force_login(treasurer)

    response = client.post(
        f"/people/{ana.pk}/payments/new/",
        {
            "amount": amount,
            "paid_on": "2026-12-04",
            "method": "cash",
            "first_month": first_month,
            "months": "1",
            "note": "Paid at the meeting",
        },
    )

    shown = response.content.decode()
    assert response.status_code == 422
    assert says in shown
    assert f'value="{amount}"' in shown and 'value="Paid at the meeting"' in shown
    assert Payment.objects.count() == 1


def test_a_payment_in_the_future_is_refused(client, treasurer, ana):
    member_join(person=ana, data=MemberData(joined_on=date(2026, 11, 1)), by=None)
    client.force_login(treasurer)

    response = client.post(
        f"/people/{ana.pk}/payments/new/",
        {
            "amount": "5",
            "paid_on": "2026-12-06",
            "method": "cash",
            "first_month": "2026-12",
            "months": "1",
        },
    )

    assert response.status_code == 422 and "future" in response.content.decode()


def test_a_resignation_and_a_return(client, team_organizer, ana):
    member_join(person=ana, data=MemberData(joined_on=date(2026, 1, 10)), by=None)
    client.force_login(team_organizer)

    refused = client.post(
        f"/people/{ana.pk}/membership/resign/",
        {"resigned_on": "2025-12-01", "resigned_reason": "Moved away"},
    )
    client.post(
        f"/people/{ana.pk}/membership/resign/",
        {"resigned_on": "2026-11-30", "resigned_reason": "Moved away"},
    )
    resigned = page(client, team_organizer, ana)
    client.post(f"/people/{ana.pk}/membership/resign/", {"rejoin": "1"})

    assert refused.status_code == 422 and 'value="Moved away"' in refused.content.decode()
    assert "Resigned" in resigned and "Moved away" in resigned
    assert Member.objects.get(person=ana).resigned_on is None


def test_a_persons_data_shows_their_membership_but_no_amount(client, committee, lead, ana):
    member = member_join(
        person=ana, data=MemberData(joined_on=date(2026, 10, 1), number="A-17"), by=None
    )
    Payment.objects.create(
        committee=committee,
        member=member,
        amount=4321,
        paid_on=date(2026, 10, 1),
        method="cash",
        covers=Range(date(2026, 10, 1), date(2026, 11, 1)),
    )
    client.force_login(lead)

    shown = client.get(f"/people/{ana.pk}/data/").content.decode()

    assert "Membership" in shown and "A-17" in shown and "Payments recorded" in shown
    assert "43.21" not in shown and "4321" not in shown
