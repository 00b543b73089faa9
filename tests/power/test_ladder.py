"""The leadership ladder as of any day: member, active within the window, leader by flag or
by leading others, organizer on a team; trainings required; dates in the committee's zone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from campaigns.models import (
    Action,
    AssessmentRecord,
    Conversation,
    LadderRung,
    Member,
    RosterEntry,
    Rsvp,
    TeamMember,
)
from campaigns.power.ladder import (
    OPEN,
    Facts,
    ladder_rungs,
    ladders,
    person_ladder,
    runs,
    step_on,
)
from members.models import Person
from tests import factories

Kind = LadderRung.Kind
CHICAGO = ZoneInfo("America/Chicago")
DAY = date(2026, 6, 30)  # the day the ladder is read, unless a test says otherwise
JOINED = date(2025, 1, 6)


@pytest.fixture(autouse=True)
def _now():
    """Rows made in a test (a roster entry, a team place) are dated early in 2026, before
    DAY, unless the test dates them itself."""
    with time_machine.travel(datetime(2026, 1, 2, 12, tzinfo=CHICAGO), tick=False):
        yield


@pytest.fixture
def committee(committee):
    committee.time_zone = "America/Chicago"
    committee.save(update_fields=["time_zone"])
    return committee


def joined(committee, name="Ana", *, on=JOINED, resigned_on=None) -> Person:
    person = factories.person(committee=committee, given_name=name)
    Member.objects.create(committee=committee, person=person, joined_on=on, resigned_on=resigned_on)
    return person


def came(person, day: date, *, kind=Action.Kind.COMMITTEE_MEETING, at=time(18, 0), **fields):
    """The person attended an action that started on `day` at `at`, Chicago time."""
    starts = datetime.combine(day, at, tzinfo=CHICAGO)
    action = Action.objects.create(
        committee=person.committee,
        title=str(kind),
        kind=kind,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        time_zone="America/Chicago",
        **fields,
    )
    return Rsvp.objects.create(action=action, person=person, attended=True)


def at(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=CHICAGO)


def stands(person, day=DAY) -> str | None:
    now = person_ladder(person=person, day=day).now
    return now.rung.kind if now else None


def reached(person, day=DAY) -> dict[str, date]:
    return {s.rung.kind: s.reached_on for s in person_ladder(person=person, day=day).reached}


def test_it_gives_a_committee_without_a_ladder_the_four_default_rungs_once(committee):
    first = ladder_rungs(committee)
    again = ladder_rungs(committee)

    assert [(r.kind, r.label, r.days, r.trainings) for r in first] == [
        ("member", "Member", 90, 0),
        ("active", "Active", 90, 0),
        ("leader", "Leader", 90, 0),
        ("organizer", "Organizer", 90, 0),
    ]
    assert [r.pk for r in again] == [r.pk for r in first]


@pytest.mark.parametrize(
    ("days_before", "kind"),
    [(0, "active"), (89, "active"), (90, "member"), (91, "member")],
)
def test_active_means_came_to_an_action_in_the_last_90_days(committee, days_before, kind):
    ana = joined(committee)
    came(ana, DAY - timedelta(days=days_before))

    assert stands(ana) == kind


def test_a_committees_own_window_and_names_are_used(committee):
    ladder_rungs(committee)
    LadderRung.objects.filter(committee=committee, kind=Kind.ACTIVE).update(
        days=30, name="Showing up"
    )
    ana = joined(committee)
    came(ana, DAY - timedelta(days=40))
    ben = joined(committee, "Ben")
    came(ben, DAY - timedelta(days=29))

    assert (stands(ana), stands(ben)) == ("member", "active")
    assert person_ladder(person=ben, day=DAY).now.rung.label == "Showing up"


def test_a_cancelled_action_or_a_no_show_is_not_coming(committee):
    ana = joined(committee)
    came(ana, DAY - timedelta(days=3), cancelled_at=at(DAY - timedelta(days=5)))
    no_show = came(ana, DAY - timedelta(days=2))
    no_show.attended = False
    no_show.save()

    assert stands(ana) == "member"


def test_an_action_counts_on_its_day_in_the_committees_zone(committee):
    ana = joined(committee)
    # 11:30 pm in Chicago on the first: already the second in UTC.
    came(ana, date(2026, 4, 1), at=time(23, 30))

    assert reached(ana)["active"] == date(2026, 4, 1)
    assert stands(ana, date(2026, 6, 29)) == "active"  # 89 days later
    assert stands(ana, date(2026, 6, 30)) == "member"


def test_moved_up_dates_are_the_first_days_each_rung_held(committee, campaign):
    ana = joined(committee)
    came(ana, date(2025, 2, 10))
    came(ana, date(2026, 5, 1))
    entry = factories.on_roster(campaign=campaign, person=ana)
    RosterEntry.objects.filter(pk=entry.pk).update(added_at=at(date(2025, 3, 1)))
    _said_a_leader(campaign, ana, date(2025, 9, 15))

    found = person_ladder(person=ana, day=DAY)

    assert found.now.rung.kind == "leader"
    assert reached(ana) == {
        "member": JOINED,
        "active": date(2025, 2, 10),
        "leader": date(2025, 9, 15),
    }
    # active again since May, after a gap: "since" is the current run, not the first
    assert [(s.rung.kind, s.since) for s in found.steps if s.holds] == [
        ("member", JOINED),
        ("active", date(2026, 5, 1)),
        ("leader", date(2025, 9, 15)),
    ]


def _said_a_leader(campaign, person, day):
    """A conversation that marked them a leader, as the log form does."""
    RosterEntry.objects.filter(campaign=campaign, person=person).update(is_leader=True)
    return Conversation.objects.create(
        campaign=campaign, person=person, happened_at=at(day), channel="in_person", is_leader=True
    )


def test_a_leader_flag_set_without_a_conversation_counts_from_the_roster(committee, campaign):
    ana = joined(committee)
    entry = factories.on_roster(campaign=campaign, person=ana, is_leader=True)
    RosterEntry.objects.filter(pk=entry.pk).update(added_at=at(date(2026, 2, 2)))

    assert reached(ana)["leader"] == date(2026, 2, 2)
    assert stands(ana, date(2026, 2, 1)) == "member"


def test_a_flag_taken_off_or_a_removal_ends_leading(committee, campaign):
    ana, ben = joined(committee), joined(committee, "Ben")
    _said_a_leader(campaign, ana, date(2026, 1, 5))
    factories.on_roster(campaign=campaign, person=ben, is_leader=True)
    RosterEntry.objects.filter(person=ana).update(is_leader=False)  # a lead took it off
    RosterEntry.objects.filter(person=ben).update(
        added_at=at(date(2026, 1, 1)), removed_at=at(date(2026, 3, 1))
    )

    assert stands(ana) == "member"
    assert (stands(ben, date(2026, 2, 28)), stands(ben, date(2026, 3, 1))) == ("leader", "member")


def test_leading_others_in_their_unit_makes_a_leader(committee, campaign):
    """A worker with a login assigned to organize a co-worker of their own unit; a worker
    assessed a 1 ("leader, organizing others") until the next assessment."""
    floor = factories.unit(site=factories.site(campaign=campaign), name="Floor 2")
    other = factories.unit(site=floor.site, name="Floor 3")
    ana, ben = joined(committee), joined(committee, "Ben")
    ana.user = factories.user()
    ana.save()
    factories.on_roster(campaign=campaign, person=ana, unit=floor)
    mine = factories.on_roster(campaign=campaign, person=ben, unit=floor, organizer=ana.user)
    elsewhere = factories.person(committee=committee)
    factories.on_roster(campaign=campaign, person=elsewhere, unit=other, organizer=ana.user)
    RosterEntry.objects.filter(pk=mine.pk).update(added_at=at(date(2026, 4, 1)))
    entry = RosterEntry.objects.get(person=ben)
    for day, level in [(date(2026, 3, 1), 1), (date(2026, 5, 1), 2)]:
        AssessmentRecord.objects.create(roster_entry=entry, level=level, happened_at=at(day))

    assert reached(ana)["leader"] == date(2026, 4, 1)
    assert stands(ben, date(2026, 4, 30)) == "leader"
    assert stands(ben, date(2026, 5, 1)) == "member"
    mine.organizer = None
    mine.save()
    assert stands(ana) == "member"  # organizing someone in another unit is not their unit


def test_a_rung_can_ask_for_trainings_attended(committee, campaign):
    ladder_rungs(committee)
    LadderRung.objects.filter(committee=committee, kind=Kind.LEADER).update(trainings=2)
    ana = joined(committee)
    factories.on_roster(campaign=campaign, person=ana, is_leader=True)
    came(ana, date(2026, 1, 10), kind=Action.Kind.TRAINING)
    came(ana, date(2026, 2, 20), kind=Action.Kind.RALLY)  # not a training
    came(ana, date(2026, 3, 15), kind=Action.Kind.TRAINING)

    assert stands(ana, date(2026, 3, 14)) == "active"
    assert stands(ana, date(2026, 3, 15)) == "leader"
    assert reached(ana)["leader"] == date(2026, 3, 15)


def test_an_organizer_is_on_a_campaign_team_from_the_day_they_were_added(
    committee, campaign, team_organizer
):
    nina = joined(committee, "Nina")
    nina.user = team_organizer
    nina.save()
    TeamMember.objects.filter(user=team_organizer).update(added_at=at(date(2026, 3, 3)))

    assert stands(nina, date(2026, 3, 2)) == "member"
    assert stands(nina, date(2026, 3, 3)) == "organizer"
    assert reached(nina)["organizer"] == date(2026, 3, 3)


def test_a_resigned_member_drops_off_the_ladder_and_keeps_their_history(committee, team_organizer):
    nina = joined(committee, "Nina", resigned_on=date(2026, 6, 1))
    nina.user = team_organizer
    nina.save()
    TeamMember.objects.filter(user=team_organizer).update(added_at=at(date(2026, 1, 1)))

    assert stands(nina, date(2026, 5, 31)) == "organizer"
    assert stands(nina, date(2026, 6, 1)) is None
    assert reached(nina, date(2026, 6, 1))["organizer"] == date(2026, 1, 1)


def test_the_ladder_starts_when_someone_joins(committee, campaign):
    walk_in = factories.person(committee=committee, given_name="Walk-in")
    came(walk_in, DAY - timedelta(days=2))
    factories.on_roster(campaign=campaign, person=walk_in, is_leader=True)
    late = joined(committee, "Late", on=DAY + timedelta(days=1))
    came(late, DAY - timedelta(days=2))

    assert stands(walk_in) is None and reached(walk_in) == {}
    assert stands(late) is None
    assert reached(late, DAY + timedelta(days=1)) == {
        "member": DAY + timedelta(days=1),
        "active": DAY + timedelta(days=1),
    }


def test_another_committees_records_do_not_count(committee, other_committee):
    ana = joined(committee)
    elsewhere = Action.objects.create(
        committee=other_committee, title="x", starts_at=at(DAY), ends_at=at(DAY)
    )
    Rsvp.objects.create(action=elsewhere, person=ana, attended=True)

    assert stands(ana) == "member"


def _busy_people(committee, campaign, count: int) -> list[int]:
    """People with every kind of record the ladder reads."""
    site = factories.site(campaign=campaign, name=f"Site {count}")
    unit = factories.unit(site=site, name=f"Unit {count}")
    ids = []
    for i in range(count):
        person = joined(committee, f"P{count}-{i}")
        person.user = factories.user()
        person.save()
        came(person, DAY - timedelta(days=i + 1))
        came(person, DAY - timedelta(days=i + 200), kind=Action.Kind.TRAINING)
        entry = factories.on_roster(campaign=campaign, person=person, unit=unit, is_leader=True)
        AssessmentRecord.objects.create(roster_entry=entry, level=1, happened_at=at(DAY))
        _said_a_leader(campaign, person, DAY - timedelta(days=3))
        other = factories.person(committee=committee)
        factories.on_roster(campaign=campaign, person=other, unit=unit, organizer=person.user)
        TeamMember.objects.create(campaign=campaign, user=person.user, role="organizer")
        ids.append(person.pk)
    return ids


def test_the_queries_do_not_grow_with_the_people(
    committee, campaign, django_assert_max_num_queries
):
    few = _busy_people(committee, campaign, 2)
    many = _busy_people(committee, campaign, 12)
    ladder_rungs(committee)

    with django_assert_max_num_queries(7):
        found_few = ladders(few, committee=committee, day=DAY)
    with django_assert_max_num_queries(7):
        found_many = ladders(many, committee=committee, day=DAY)

    assert {f.now.rung.kind for f in [*found_few.values(), *found_many.values()]} == {"organizer"}


def test_the_partial_shows_where_they_stand_and_when_they_moved_up(committee, campaign):
    ana = joined(committee)
    came(ana, date(2026, 6, 12))

    html = render_to_string(
        "campaigns/power/_ladder.html", {"ladder": person_ladder(person=ana, day=DAY)}
    )

    assert "Leadership ladder" in html
    assert "Now: <strong>Active</strong>, since Friday, June 12" in html
    assert "first reached Monday, January 6, 2025" in html  # joined
    assert html.count("not yet") == 2  # leader, organizer


def test_the_partial_says_so_for_someone_not_a_member(committee):
    walk_in = factories.person(committee=committee, given_name="Walk-in")

    html = render_to_string(
        "campaigns/power/_ladder.html", {"ladder": person_ladder(person=walk_in, day=DAY)}
    )

    assert "Not on the ladder: the ladder starts when someone joins the committee." in html
    assert html.count("not yet") == 4


# Properties of the computation itself, on facts made up by Hypothesis (no database).

START = date(2024, 1, 1)
DAYS = st.integers(min_value=0, max_value=900).map(lambda n: START + timedelta(days=n))
SPANS = st.tuples(DAYS, st.integers(min_value=1, max_value=400)).map(
    lambda s: (s[0], s[0] + timedelta(days=s[1]))
)
FACTS = st.builds(
    Facts,
    member=st.tuples(DAYS, st.one_of(st.just(OPEN), DAYS)).filter(lambda m: m[0] <= m[1]),
    came=st.lists(DAYS, max_size=6),
    trained=st.lists(DAYS, max_size=3),
    leading=st.lists(SPANS, max_size=3),
    teams=st.lists(DAYS, max_size=2),
)
RUNGS = st.builds(
    LadderRung,
    kind=st.sampled_from(Kind.values),
    days=st.integers(min_value=1, max_value=200),
    trainings=st.integers(min_value=0, max_value=3),
)


@given(facts=FACTS, rung=RUNGS, day=DAYS, later=st.integers(min_value=0, max_value=500))
def test_reading_a_later_day_never_changes_when_they_moved_up(facts, rung, day, later):
    then = step_on(rung, facts, day)
    afterwards = step_on(rung, facts, day + timedelta(days=later))

    if afterwards.reached_on is not None and afterwards.reached_on <= day:
        assert then.reached_on == afterwards.reached_on
    else:
        assert then.reached_on is None
    assert then.since is None or then.reached_on <= then.since <= day


@given(facts=FACTS, days=st.integers(min_value=1, max_value=200), after=st.integers(0, 400))
def test_active_ends_a_window_after_the_last_action(facts, days, after):
    """Nothing that happened after the last action attended: `days` days after it, nobody
    is active; within the window, a member (who needs no training) is."""
    rung = LadderRung(kind=Kind.ACTIVE, days=days, trainings=0)
    last = max(facts.came, default=None)
    if last is None:
        assert runs(rung, facts) == []
        return
    day = last + timedelta(days=after)
    member = facts.member[0] <= day < facts.member[1]

    assert step_on(rung, facts, day).holds == (after < days and member)
