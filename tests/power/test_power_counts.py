"""The Power page's counts come from the database (campaigns.power.counts), the rules for
one person from Python (campaigns.power.standing, campaigns.power.ladder). On generated
records the two must agree on every month-end: the count of each standing, the dues of each
month, each campaign's roster today, and who stands on each rung."""

from collections import Counter
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from psycopg.types.range import Range

from campaigns.models import (
    Action,
    AssessmentRecord,
    Conversation,
    DuesPlan,
    LadderRung,
    Member,
    Payment,
    RosterEntry,
    Rsvp,
    TeamMember,
)
from campaigns.power.counts import rung_counts, standing_counts
from campaigns.power.ladder import ladder_rungs, ladders
from campaigns.power.power import month_ends
from campaigns.power.standing import months_later, standings
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 15)
DAYS = month_ends(TODAY, 12)
CHICAGO = ZoneInfo("America/Chicago")
PEOPLE = 5
EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

some_day = st.dates(min_value=date(2025, 6, 1), max_value=TODAY)
# Moments near midnight in Chicago, where its day and UTC's differ.
some_moment = st.builds(
    lambda day, minutes: (
        datetime.combine(day, time(0, 0), tzinfo=CHICAGO) + timedelta(minutes=minutes)
    ),
    some_day,
    st.sampled_from([5, 60 * 12, 60 * 23 + 50]),
)
membership = st.one_of(
    st.none(),
    st.tuples(some_day, st.one_of(st.none(), st.integers(0, 400)), st.booleans()),
)


def _committee(grace: int = 1, lapse: int = 3):
    committee = factories.committee()
    committee.time_zone = "America/Chicago"
    committee.dues_grace_months, committee.dues_lapse_months = grace, lapse
    committee.save()
    return committee


def _member(committee, person, drawn) -> Member | None:
    """Joined on a day, resigned some days later or not, with a plan or without."""
    if drawn is None:
        return None
    joined_on, resigned_after, has_plan = drawn
    plan = DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)
    return Member.objects.create(
        committee=committee,
        person=person,
        joined_on=joined_on,
        resigned_on=None if resigned_after is None else joined_on + timedelta(resigned_after),
        plan=plan if has_plan else None,
    )


# Each member's payments: (paid on, months covered), covering one stretch after another
# from a first month, so they never overlap; paid in any order.
payments = st.lists(st.tuples(some_day, st.integers(1, 12), st.integers(1, 50_000)), max_size=6)


@EXAMPLES
@given(
    people=st.lists(st.tuples(membership, payments), min_size=1, max_size=PEOPLE),
    first=st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 12, 1)),
    grace=st.integers(0, 2),
    lapse=st.integers(0, 4),
    on_roster=st.lists(st.booleans(), min_size=PEOPLE, max_size=PEOPLE),
)
def test_standings_and_dues_agree_with_each_members_standing(
    people, first, grace, lapse, on_roster
):
    committee = _committee(grace, lapse)
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    paid_in: Counter[date] = Counter()
    for i, (drawn, paid) in enumerate(people):
        person = factories.person(committee=committee)
        if on_roster[i]:
            factories.on_roster(campaign=campaign, person=person)
        member = _member(committee, person, drawn)
        if member is None:
            continue
        start = first.replace(day=1)
        for paid_on, months, amount in paid:
            covers = Range(start, months_later(start, months))
            start = covers.upper
            Payment.objects.create(
                committee=committee,
                member=member,
                amount=amount,
                paid_on=paid_on,
                method="cash",
                covers=covers,
            )
            paid_in[paid_on.replace(day=1)] += amount

    counts = standing_counts(committee=committee, days=DAYS)

    members = Member.objects.filter(committee=committee)
    for day, kinds in zip(DAYS, counts.days, strict=True):
        expected = Counter(
            s.kind for s in standings(members, committee=committee, day=day).values()
        )
        assert kinds == dict(expected), day
    assert counts.dues == [paid_in[day.replace(day=1)] for day in DAYS]
    today = standings(members, committee=committee, day=TODAY)
    rostered = RosterEntry.objects.filter(campaign=campaign, removed_at=None)
    on_it = Counter(
        today[m.pk].kind
        for m in members.filter(person__roster_entries__in=rostered)
        if m.pk in today
    )
    assert counts.campaigns.get(campaign.pk, {}) == dict(on_it)


# One person's records for the ladder: places on the campaigns' rosters (in a unit or not,
# flagged a leader now and then, organized by one of the people, themselves included), with
# conversations saying "leader" and assessments about when they were put there; actions
# attended, missed or cancelled; places on campaign teams. Days fall on and beside the edges
# the rules draw: the active window's last day, the first day on the roster.
def _around(moment: datetime) -> st.SearchStrategy[datetime]:
    return st.builds(
        lambda days, minutes: moment + timedelta(days=days, minutes=minutes),
        st.sampled_from([-1, 0, 0, 30]) | st.integers(-2, 200),
        st.sampled_from([0, 0, 1, -1]),
    )


place = st.fixed_dictionaries(
    {
        "campaign": st.integers(0, 1),
        "unit": st.sampled_from([None, 0, 0]),
        "leader": st.sampled_from([False, False, False, True]),
        "added": some_moment,
        "removed_after": st.one_of(st.none(), st.integers(0, 300)),
        "organizer": st.sampled_from([None, "self"]) | st.integers(0, PEOPLE - 1),
    }
).flatmap(
    lambda drawn: st.fixed_dictionaries(
        {
            **{key: st.just(value) for key, value in drawn.items()},
            "said_leader": st.lists(_around(drawn["added"]), max_size=2),
            "assessed": st.lists(
                st.tuples(
                    st.sampled_from([drawn["added"], drawn["added"] + timedelta(days=30)])
                    | _around(drawn["added"]),
                    st.sampled_from([1, 1, 2, 3]),
                ),
                max_size=3,
            ),
        }
    )
)


def person_records(window: int) -> st.SearchStrategy[dict]:
    came_on = st.builds(
        lambda day, edge, at: datetime.combine(day - timedelta(days=window + edge), at, CHICAGO),
        st.sampled_from(DAYS),
        st.sampled_from([-1, 0, 1, -40]),
        st.sampled_from([time(0, 5), time(23, 50)]),
    )
    return st.fixed_dictionaries(
        {
            "member": membership,
            "came": st.lists(
                st.tuples(
                    came_on | some_moment,
                    st.booleans(),  # a training
                    st.sampled_from([True, True, False, None]),  # attended
                    st.sampled_from([False, False, False, True]),  # cancelled
                ),
                max_size=4,
            ),
            "places": st.lists(place, max_size=2, unique_by=lambda p: p["campaign"]),
            "teams": st.lists(
                st.tuples(st.integers(0, 1), some_moment), max_size=2, unique_by=lambda t: t[0]
            ),
        }
    )


@settings(EXAMPLES, max_examples=100)
@given(
    data=st.data(),
    window=st.integers(1, 120),
    trainings=st.integers(0, 2),
    trained_rung=st.sampled_from([LadderRung.Kind.ACTIVE, LadderRung.Kind.LEADER]),
)
def test_rung_counts_agree_with_each_persons_ladder(data, window, trainings, trained_rung):
    people = data.draw(st.lists(person_records(window), min_size=PEOPLE, max_size=PEOPLE))
    committee = _committee()
    campaigns = [factories.campaign(committee=committee, code_name=n) for n in ("Oak", "Elm")]
    units = [[factories.unit(site=factories.site(campaign=c), name="A")] for c in campaigns]
    ladder_rungs(committee)
    LadderRung.objects.filter(committee=committee, kind=LadderRung.Kind.ACTIVE).update(days=window)
    LadderRung.objects.filter(committee=committee, kind=trained_rung).update(trainings=trainings)
    persons = []
    for records in people:
        person = factories.person(committee=committee)
        person.user = factories.user()
        person.save()
        _member(committee, person, records["member"])
        persons.append(person)
    for person, records in zip(persons, people, strict=True):
        _records(committee, campaigns, units, persons, person, records)
    rungs = [rung for rung in ladder_rungs(committee) if rung.kind != LadderRung.Kind.MEMBER]

    counts = rung_counts(committee=committee, rungs=rungs, days=DAYS)

    ids = [person.pk for person in persons]
    for i, day in enumerate(DAYS):
        on = Counter(
            step.rung.pk
            for ladder in ladders(ids, committee=committee, day=day).values()
            for step in ladder.steps
            if step.holds
        )
        assert [counts[rung.pk][i] for rung in rungs] == [on[rung.pk] for rung in rungs], day


def _records(committee, campaigns, units, persons, person, records) -> None:
    for starts, training, attended, cancelled in records["came"]:
        action = Action.objects.create(
            committee=committee,
            title="Meeting",
            kind=Action.Kind.TRAINING if training else Action.Kind.COMMITTEE_MEETING,
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
            time_zone="America/Chicago",
            cancelled_at=starts if cancelled else None,
        )
        Rsvp.objects.create(action=action, person=person, attended=attended)
    for drawn in records["places"]:
        campaign = campaigns[drawn["campaign"]]
        unit = None if drawn["unit"] is None else units[drawn["campaign"]][drawn["unit"]]
        organizer = {None: None, "self": person.user}.get(drawn["organizer"])
        if isinstance(drawn["organizer"], int):
            organizer = persons[drawn["organizer"]].user
        removed = drawn["removed_after"]
        entry = RosterEntry.objects.create(
            campaign=campaign,
            person=person,
            unit=unit,
            is_leader=drawn["leader"],
            organizer=organizer,
            added_at=drawn["added"],
            removed_at=None if removed is None else drawn["added"] + timedelta(days=removed),
        )
        for moment in drawn["said_leader"]:
            Conversation.objects.create(
                campaign=campaign, person=person, happened_at=moment, channel="in_person",
                is_leader=True,
            )  # fmt: skip
        for moment, level in drawn["assessed"]:
            AssessmentRecord.objects.create(roster_entry=entry, level=level, happened_at=moment)
    for campaign_index, moment in records["teams"]:
        team = TeamMember.objects.create(
            campaign=campaigns[campaign_index], user=person.user, role="organizer"
        )
        TeamMember.objects.filter(pk=team.pk).update(added_at=moment)
