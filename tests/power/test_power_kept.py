"""The Power page keeps the months that are over (campaigns.models.PowerMonth). Whatever the
treasurer and the organizers do through the services, in any order, between views, what a
view shows for every month is what counting everything afresh gives; a view that finds a
writer at work counts without keeping."""

from contextlib import suppress
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from campaigns.models import DuesPlan, Member, PowerMonth
from campaigns.power.dues import DuesSettings, dues_settings_set
from campaigns.power.power import power_figures
from campaigns.power.services import (
    MemberData,
    PaymentData,
    member_join,
    member_plan_set,
    member_rejoin,
    member_resign,
    member_update,
    payment_record,
)
from campaigns.roster.history import POWER_LOCK
from tests import factories

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 15, 12, tzinfo=UTC)
TODAY = NOW.date()
days_ago = st.integers(0, 420).map(lambda n: TODAY - timedelta(days=n))


def afresh(committee):
    """The figures with nothing kept: counted from the records as they are."""
    with transaction.atomic():
        saved = transaction.savepoint()
        PowerMonth.objects.filter(committee=committee).delete()
        figures = power_figures(committee=committee, today=TODAY)
        transaction.savepoint_rollback(saved)
    return figures


class Books(RuleBasedStateMachine):
    members = Bundle("members")

    def __init__(self) -> None:
        super().__init__()
        self.committee = factories.committee()
        self.lead = factories.user()
        self.plan = DuesPlan.objects.create(committee=self.committee, name="Monthly", amount=1000)

    def _member(self, member: Member) -> Member:
        return Member.objects.select_related("committee").get(pk=member.pk)

    @rule(target=members, joined=days_ago, on_a_plan=st.booleans())
    def join(self, joined, on_a_plan):
        person = factories.person(committee=self.committee)
        plan = self.plan if on_a_plan else None
        data = MemberData(joined_on=joined)
        return member_join(person=person, data=data, by=self.lead, plan=plan)

    @rule(member=members, paid=days_ago, first=days_ago, months=st.integers(1, 3))
    def pay(self, member, paid, first, months):
        data = PaymentData(
            amount=1000 * months, paid_on=paid, method="cash", first_month=first, months=months
        )
        with suppress(ValidationError):  # a month paid already, say
            payment_record(member=self._member(member), data=data, by=self.lead)

    @rule(member=members, on=days_ago)
    def resign(self, member, on):
        with suppress(ValidationError):  # before they joined
            member_resign(member=self._member(member), on=on, reason="", by=self.lead)

    @rule(member=members)
    def rejoin(self, member):
        member_rejoin(member=self._member(member), by=self.lead)

    @rule(member=members, on_a_plan=st.booleans())
    def plan(self, member, on_a_plan):
        plan = self.plan if on_a_plan else None
        member_plan_set(member=self._member(member), plan=plan, pledge=None, by=self.lead)

    @rule(member=members, joined=days_ago)
    def joined_another_day(self, member, joined):
        with suppress(ValidationError):  # after they resigned
            member_update(member=self._member(member), data=MemberData(joined), by=self.lead)

    @rule(grace=st.integers(0, 2), lapse=st.integers(2, 4))
    def grace_months(self, grace, lapse):
        data = DuesSettings(
            currency=self.committee.currency, grace_months=grace, lapse_months=lapse
        )
        dues_settings_set(committee=self.committee, data=data, by=self.lead)
        self.committee.refresh_from_db()

    @invariant()
    def a_view_shows_what_counting_afresh_gives(self):
        shown = power_figures(committee=self.committee, today=TODAY)
        assert shown.months == afresh(self.committee).months


def test_kept_months_never_differ_from_counting_afresh():
    with time_machine.travel(NOW, tick=False):
        run_state_machine_as_test(
            Books, settings=settings(max_examples=30, stateful_step_count=12, deadline=None)
        )


def test_a_view_keeps_the_months_that_are_over_and_a_back_dated_payment_drops_them(committee):
    plan = DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)
    with time_machine.travel(NOW, tick=False):
        person = factories.person(committee=committee)
        ana = member_join(person=person, data=MemberData(date(2026, 1, 5)), by=None, plan=plan)
        power_figures(committee=committee, today=TODAY)
        assert PowerMonth.objects.filter(committee=committee).count() == 11
        june = PowerMonth.objects.get(committee=committee, month=date(2026, 6, 1))
        assert (june.members, june.good) == (1, 0)

        paid = PaymentData(1000, date(2026, 6, 20), "cash", first_month=date(2026, 6, 1))
        payment_record(member=ana, data=paid, by=None)

        assert list(
            PowerMonth.objects.filter(committee=committee).values_list("month", flat=True)
        ) == [
            date(2026, month, 1) for month in range(1, 6)
        ]  # June on is counted again on the next view
        june = next(
            m
            for m in power_figures(committee=committee, today=TODAY).months
            if m.month == date(2026, 6, 1)
        )
        assert (june.good, june.dues) == (1, 1000)


def test_a_view_that_finds_a_writer_at_work_counts_without_keeping(committee):
    """Another connection holds the committee's lock, as a payment being recorded does."""
    from django.db import connections

    with time_machine.travel(NOW, tick=False):
        other = connections.create_connection("default")
        try:
            with other.cursor() as cursor:
                cursor.execute("BEGIN")
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [POWER_LOCK, committee.pk])
                figures = power_figures(committee=committee, today=TODAY)
                cursor.execute("ROLLBACK")
        finally:
            other.close()

    assert len(figures.months) == 12
    assert not PowerMonth.objects.filter(committee=committee).exists()
    assert connection.in_atomic_block  # the test's own transaction, untouched


def test_power_recount_drops_the_kept_months_of_the_committees_asked(committee, other_committee):
    from io import StringIO

    from django.core.management import call_command

    with time_machine.travel(NOW, tick=False):
        for each in (committee, other_committee):
            power_figures(committee=each, today=TODAY)
        out = StringIO()
        call_command("power_recount", "--committee", str(committee.pk), stdout=out)

    assert not PowerMonth.objects.filter(committee=committee).exists()
    assert PowerMonth.objects.filter(committee=other_committee).count() == 11
    assert "1 committee(s)" in out.getvalue()
