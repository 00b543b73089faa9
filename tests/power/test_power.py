"""The Power page: members, good standing and dues at the end of each of the last twelve
months, as of then; each campaign's roster as members; money to leads only; a bounded number
of queries; "this month" is the committee's."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg.types.range import Range

from campaigns.models import Action, DuesPlan, Member, Payment, PowerTarget, Rsvp
from campaigns.power.power import power_figures, targets_shown
from campaigns.power.standing import months_later
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 15)


def member(committee, name: str, joined: date, plan=None, resigned: date | None = None):
    person = factories.person(committee=committee, given_name=name)
    return Member.objects.create(
        committee=committee, person=person, joined_on=joined, plan=plan, resigned_on=resigned
    )


def pay(member, paid_on: date, first: date, months: int = 1, amount: int = 1000):
    return Payment.objects.create(
        committee=member.committee,
        member=member,
        amount=amount,
        paid_on=paid_on,
        method="cash",
        covers=Range(first, months_later(first, months)),
    )


def came_to_the_november_meeting(someone: Member, lead) -> None:
    starts = datetime(2026, 11, 20, 18, 0, tzinfo=UTC)
    meeting = Action.objects.create(
        committee=someone.committee,
        title="General meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        created_by=lead,
    )
    Rsvp.objects.create(action=meeting, person=someone.person, response="yes", attended=True)


@pytest.fixture
def monthly(committee):
    return DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)


def test_each_month_counts_members_and_standing_as_of_its_end(committee, monthly):
    ana = member(committee, "Ana", date(2026, 1, 10), monthly)
    pay(ana, date(2026, 1, 10), date(2026, 1, 1), months=6, amount=6000)  # through June
    ben = member(committee, "Ben", date(2026, 9, 1), monthly, resigned=date(2026, 11, 20))
    pay(ben, date(2026, 9, 2), date(2026, 9, 1), months=1)
    member(committee, "Cleo", date(2025, 1, 1))  # no plan, no payment

    figures = power_figures(committee=committee, today=TODAY)

    by_month = {m.month: m for m in figures.months}
    assert [m.month for m in figures.months][0] == date(2026, 1, 1)
    assert figures.now.day == TODAY and len(figures.months) == 12
    june, july, august = (by_month[date(2026, m, 1)] for m in (6, 7, 8))
    assert (june.members, june.good) == (2, 1)  # Ana paid through June; Cleo has no plan
    assert (july.good, july.behind) == (1, 0)  # July unpaid: within the grace month
    assert (august.good, august.behind) == (0, 1)
    assert by_month[date(2026, 9, 1)].members == 3  # Ben joined
    assert by_month[date(2026, 11, 1)].members == 2  # and resigned on the 20th
    assert figures.now.lapsed == 1  # Ana: July to December unpaid
    assert by_month[date(2026, 1, 1)].dues == 6000 and by_month[date(2026, 9, 1)].dues == 1000


@settings(max_examples=15)
@given(
    payments=st.lists(
        st.tuples(
            st.dates(min_value=date(2025, 6, 1), max_value=TODAY),
            st.integers(min_value=1, max_value=500_000),
        ),
        max_size=12,
    )
)
def test_dues_per_month_add_up_to_the_payments_exactly(payments):
    """Counted, then read as kept: the same totals."""
    committee = factories.committee()  # each example its own
    someone = member(committee, "Ana", date(2025, 1, 1))
    for i, (paid_on, amount) in enumerate(payments):
        pay(someone, paid_on, date(2030 + i // 12, i % 12 + 1, 1), amount=amount)

    counted = power_figures(committee=committee, today=TODAY)
    kept = power_figures(committee=committee, today=TODAY)

    window = [amount for paid_on, amount in payments if paid_on >= date(2026, 1, 1)]
    assert sum(m.dues for m in counted.months) == sum(window)
    assert kept.months == counted.months


def test_each_campaign_counts_its_roster_members_and_good_standing(committee, campaign, monthly):
    oak = factories.campaign(committee=committee, code_name="Oak")
    ana = member(committee, "Ana", date(2026, 12, 1), monthly)  # this month: in grace
    factories.on_roster(campaign=campaign, person=ana.person)
    factories.on_roster(campaign=oak, person=ana.person)
    cleo = member(committee, "Cleo", date(2025, 1, 1), monthly)  # never paid: lapsed
    factories.on_roster(campaign=campaign, person=cleo.person)
    factories.on_roster(campaign=campaign, person=factories.person(committee=committee))

    figures = power_figures(committee=committee, today=TODAY)

    rows = {
        row.campaign.code_name: (row.roster, row.members, row.good) for row in figures.campaigns
    }
    assert rows == {"Harbor": (3, 2, 1), "Oak": (1, 1, 1)}


def test_it_costs_the_same_queries_for_any_number_of_members(committee, campaign, monthly):
    """The issue's bound: at most 15 queries, whatever the size."""

    def queries() -> int:
        power_figures(committee=committee, today=TODAY)  # the default rungs made once
        with CaptureQueriesContext(connection) as captured:
            power_figures(committee=committee, today=TODAY)
        return len(captured.captured_queries)

    def add(n: int) -> None:
        for i in range(n):
            someone = member(committee, f"P{i}", date(2026, 1, 1), monthly)
            pay(someone, date(2026, 2, 1), date(2026, 1, 1), months=i % 12 + 1)
            factories.on_roster(campaign=campaign, person=someone.person)

    add(3)
    few = queries()
    add(30)

    assert queries() == few <= 15


def test_leads_see_dues_organizers_the_counts_only(client, committee, lead, organizer, monthly):
    ana = member(committee, "Ana", date(2026, 11, 1), monthly)
    pay(ana, date(2026, 12, 2), date(2026, 11, 1), months=2, amount=2345)

    with time_machine.travel("2026-12-15 12:00:00+00:00", tick=False):
        client.force_login(lead)
        for_lead = client.get(f"/committees/{committee.pk}/power/").content.decode()
        client.force_login(organizer)
        for_organizer = client.get(f"/committees/{committee.pk}/power/").content.decode()

    assert "23.45 USD" in for_lead and "Dues collected" in for_lead
    assert "23.45" not in for_organizer and "Dues" not in for_organizer
    assert "In good standing" in for_organizer


def test_this_month_is_the_committees(client, committee, lead):
    """At noon UTC on December 31 it is already January 1 in Kiritimati (UTC+14)."""
    committee.time_zone = "Pacific/Kiritimati"
    committee.save()

    with time_machine.travel("2026-12-31 12:00:00+00:00", tick=False):
        client.force_login(lead)
        shown = client.get(f"/committees/{committee.pk}/power/").content.decode()

    assert "January 2027" in shown and "January 2026" not in shown


def test_a_target_says_whether_this_pace_reaches_it(committee, monthly):
    """Two members joined each month since June: 14 by December; 26 by June at this pace."""
    for month in range(6, 13):
        for n in range(2):
            member(committee, f"M{month}{n}", date(2026, month, 1))
    reachable = PowerTarget(committee=committee, measure="members", target=25, by=date(2027, 6, 30))
    too_far = PowerTarget(committee=committee, measure="members", target=40, by=date(2027, 6, 30))

    figures = power_figures(committee=committee, today=TODAY)
    on, off = targets_shown(figures=figures, targets=[reachable, too_far])

    assert (on.now, on.projected, on.on_track) == (14, 26, True)
    assert (off.projected, off.on_track) == (26, False)


def test_a_lead_sets_a_target_and_a_bad_one_keeps_what_was_typed(client, committee, lead):
    client.force_login(lead)
    url = f"/committees/{committee.pk}/power/targets/"

    with time_machine.travel("2026-12-15 12:00:00+00:00", tick=False):
        client.force_login(lead)
        refused = client.post(url, {"measure": "good", "target": "300", "by": "2026-12-01"})
        client.post(url, {"measure": "good", "target": "300", "by": "2027-06-30"})
        shown = client.get(f"/committees/{committee.pk}/power/").content.decode()

    assert refused.status_code == 422
    assert "A target is for a day still to come." in refused.content.decode()
    assert 'value="300"' in refused.content.decode()
    assert PowerTarget.objects.get().target == 300
    assert "300 members in good standing by" in shown and "Not on track" in shown


def test_the_ladder_counts_who_stood_on_each_rung_at_each_months_end(committee, lead):
    """Ana came to a meeting on November 20: active in November and December (90 days),
    not before."""
    ana = member(committee, "Ana", date(2026, 1, 1))
    came_to_the_november_meeting(ana, lead)

    figures = power_figures(committee=committee, today=TODAY)

    active = next(row for row in figures.ladder if row.rung.kind == "active")
    assert active.counts[-3:] == [0, 1, 1] and active.now == 1


def test_a_target_can_be_any_measure_on_the_page(committee, lead, monthly):
    """Active members from the ladder's rung; dues from the months already over (December
    has only just begun collecting)."""
    ana = member(committee, "Ana", date(2026, 1, 1), monthly)
    for month in range(1, 13):
        pay(ana, date(2026, month, 2), date(2026, month, 1), amount=1000 * month)
    came_to_the_november_meeting(ana, lead)
    by = date(2027, 6, 30)
    active = PowerTarget(committee=committee, measure="active", target=2, by=by)
    dues = PowerTarget(committee=committee, measure="dues", target=15_000, by=by)

    figures = power_figures(committee=committee, today=TODAY)
    on_the_ladder, money = targets_shown(figures=figures, targets=[active, dues])

    assert (on_the_ladder.now, on_the_ladder.projected) == (1, 2)  # +1 in six months
    assert money.now == 11_000  # November's dues
    assert money.projected == 11_000 + 7 * 1000 and money.on_track  # +1,000 a month


def test_a_dues_target_is_an_amount_and_for_leads_only(client, committee, lead, organizer):
    url = f"/committees/{committee.pk}/power/targets/"

    with time_machine.travel("2026-12-15 12:00:00+00:00", tick=False):
        client.force_login(lead)
        refused = client.post(url, {"measure": "dues", "target": "20.555", "by": "2027-06-30"})
        client.post(url, {"measure": "dues", "target": "2,000", "by": "2027-06-30"})
        client.post(url, {"measure": "leader", "target": "12", "by": "2027-06-30"})
        for_lead = client.get(f"/committees/{committee.pk}/power/").content.decode()
        client.force_login(organizer)
        for_organizer = client.get(f"/committees/{committee.pk}/power/").content.decode()

    assert refused.status_code == 422 and 'value="20.555"' in refused.content.decode()
    assert "decimal" in refused.content.decode()
    assert PowerTarget.objects.get(measure="dues").target == 200_000  # minor units
    assert "2,000.00 USD dues collected in a month by Wednesday, June 30, 2027" in for_lead
    assert "12 leaders by Wednesday, June 30, 2027" in for_lead
    assert "12 leaders by" in for_organizer
    assert "2,000.00" not in for_organizer and "dues collected" not in for_organizer


def test_a_target_on_a_rung_the_ladder_no_longer_has_is_refused_or_left_out(
    client, committee, lead
):
    from campaigns.models import LadderRung
    from campaigns.power.ladder import ladder_rungs

    ladder_rungs(committee)
    PowerTarget.objects.create(committee=committee, measure="organizer", target=3, by=TODAY)
    LadderRung.objects.filter(committee=committee, kind="organizer").delete()
    url = f"/committees/{committee.pk}/power/targets/"

    with time_machine.travel("2026-12-15 12:00:00+00:00", tick=False):
        client.force_login(lead)
        refused = client.post(url, {"measure": "organizer", "target": "3", "by": "2027-06-30"})
        page = client.get(f"/committees/{committee.pk}/power/").content.decode()

    assert refused.status_code == 422 and "Select a valid choice" in refused.content.decode()
    assert "3 organizers by" not in page
