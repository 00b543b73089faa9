"""seed_demo's power base: members in every standing, a treasurer with a ledger, trainings
that move the ladder, targets; the demo lead sees the Power page and the books. Seeded once
for the module (it takes seconds), committed, and flushed after."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Action, DuesPlan, LedgerEntry, Member, Payment, PowerTarget, Rsvp
from campaigns.power.power import power_figures
from campaigns.power.standing import Kind, standings
from members.clock import today_for
from members.models import Committee, Membership, User
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("seed_demo", demo_server=True, stdout=io.StringIO())
        yield Committee.objects.get(name="Riverside Workers Committee")
        call_command("flush", interactive=False)


def test_the_demo_has_members_in_every_standing(demo):
    today = today_for(demo)
    members = Member.objects.filter(committee=demo)

    kinds = [s.kind for s in standings(members, committee=demo, day=today).values()]

    assert 240 <= members.count() <= 260
    assert {Kind.GOOD, Kind.BEHIND, Kind.LAPSED, Kind.RESIGNED} <= set(kinds)
    assert kinds.count(Kind.GOOD) > len(kinds) / 2  # most are paid up
    assert set(members.values_list("joined_how", flat=True)) >= {"card", "online", "action"}
    assert members.filter(joined_on__lt=today - timedelta(days=2 * 365)).exists()
    assert members.filter(joined_on__gt=today - timedelta(days=60)).exists()
    assert members.filter(person__user__email="member@majority.test").exists()
    assert Payment.objects.filter(committee=demo, paid_on__lt=today - timedelta(days=365)).exists()
    plans = DuesPlan.objects.filter(committee=demo)
    assert {1000, 500, None} <= set(plans.values_list("amount", flat=True))  # and a sliding scale


def test_the_demo_lead_is_the_treasurer_and_keeps_a_ledger(demo, client):
    lead = User.objects.get(email="lead@majority.test")
    ledger = LedgerEntry.objects.filter(committee=demo)

    assert Membership.objects.get(user=lead, committee=demo).is_treasurer
    assert ledger.filter(kind="income").exists() and ledger.filter(kind="expense").exists()
    assert ledger.exclude(reverses=None).count() == 1  # a mistake, corrected
    factories.enrol_totp(lead)
    client.force_login(lead)
    response = client.get(reverse("treasury", args=[demo.pk]))
    assert response.status_code == 200
    assert "Copy Corner" in response.content.decode()


def test_the_demo_ladder_moves_with_trainings(demo, client):
    today = today_for(demo)
    trained = Rsvp.objects.filter(action__kind=Action.Kind.TRAINING, attended=True)

    figures = power_figures(committee=demo, today=today)

    assert trained.filter(action__starts_at__lt=timezone.now() - timedelta(days=180)).exists()
    active, leader, _organizer = figures.ladder
    assert active.now > 0 and leader.now > 0
    assert len(set(active.counts)) > 2  # up and down over the year
    assert figures.months[0].members < figures.now.members  # the committee grew
    assert PowerTarget.objects.filter(committee=demo).count() == 2
    lead = User.objects.get(email="lead@majority.test")
    factories.enrol_totp(lead)
    client.force_login(lead)
    response = client.get(reverse("power", args=[demo.pk]))
    assert response.status_code == 200
    assert response.context["dues_now"].endswith("USD")  # amounts: the lead keeps the books


def test_running_it_again_adds_nothing_to_the_power_base(demo):
    counts = [
        model.objects.count() for model in (Member, Payment, LedgerEntry, PowerTarget, DuesPlan)
    ]

    call_command("seed_demo", demo_server=True, stdout=io.StringIO())

    assert [
        model.objects.count() for model in (Member, Payment, LedgerEntry, PowerTarget, DuesPlan)
    ] == counts
