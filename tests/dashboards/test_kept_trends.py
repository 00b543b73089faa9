"""The kept weekly figures never drift from the history they summarise.

`reference` below says, in plain Python over the raw rows (roster entries, assessment records,
conversations), what every figure of every week must be. A Hypothesis state machine then drives
a small campaign of a Los Angeles committee through the services the app really uses, in a
random order: one-on-ones logged back-dated by up to six weeks (with or without an assessment),
edited and deleted; assessments recorded from the roster; people taken off the roster and put
back, moved between units, made leaders or not, merged, imported from a file; units deleted.
Between steps the clock moves forward, so weeks complete, often to a Sunday evening in Los
Angeles, which is already Monday in UTC. After every step the beat's trends_refresh runs, and
then every kept row (campaigns.models.TrendWeek) must equal the reference, every figure the
reference has for a completed week must be kept, and the dashboard's reader (trends) must give
the reference's figures for every week up to this one (this week computed live), for the whole
campaign and for unit scopes.

Definitions (as of the end of week w: just before the next local Monday 00:00):
- an entry is on the roster iff added_at < end and not removed before it; the figures use its
  unit and leader flag of today;
- its level: of its records ordered by (happened_at, id), the one whose span
  [max(happened_at, added_at), min(next record's happened_at, removed_at)) holds the moment;
- contacted: on the roster, and the person had a conversation in the campaign by then;
- conversations: those that happened in the week, in the unit of the person's latest entry
  (highest id) in the campaign; the whole campaign's row counts them all.
"""

import contextlib
import io
import itertools
from collections import Counter, defaultdict
from dataclasses import astuple, dataclass, field, fields
from datetime import UTC, date, datetime, time, timedelta
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from campaigns.conversations.services.log import (
    ConversationData,
    conversation_delete,
    conversation_log,
    conversation_update,
)
from campaigns.dashboards.selectors import DashboardFilters, dashboard_places, unit_table
from campaigns.dashboards.selectors.coverage import Places
from campaigns.dashboards.selectors.trends import WeekPoint, trends, week_number, week_start
from campaigns.dashboards.services import trends_refresh
from campaigns.imports.services import import_commit, import_upload
from campaigns.manage.services import unit_delete
from campaigns.models import (
    AssessmentRecord,
    Campaign,
    Conversation,
    RosterEntry,
    TrendWeek,
    Unit,
)
from campaigns.people.services import person_merge, roster_entry_remove, roster_entry_update
from campaigns.roster.services import assessment_record, roster_add
from members.models import Membership, Person, PersonEmail
from tests import factories

TZ = ZoneInfo("America/Los_Angeles")
# A Wednesday. Daylight saving time began on Sunday 8 March 2026, so the six weeks a log may be
# back-dated by reach back into standard time (Los Angeles is UTC-8 there, UTC-7 after).
START = datetime(2026, 3, 18, 10, 0, tzinfo=TZ)
NEVER = datetime.max.replace(tzinfo=UTC)
WHOLE = "whole"  # the key of the whole campaign's figures; a unit's is its id (None: unplaced)
SITES = {"North Yard": ["Dock", "Gate"], "South Yard": ["Kitchen", "Shop"]}
_emails = itertools.count(1)


# --- The reference -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    """A week's kept figures for one unit (or the whole campaign)."""

    roster: int = 0
    contacted: int = 0
    level1: int = 0
    level2: int = 0
    level3: int = 0
    level4: int = 0
    level5: int = 0
    leaders: int = 0
    conversations: int = 0

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(*(a + b for a, b in zip(astuple(self), astuple(other), strict=True)))

    @property
    def assessed(self) -> int:
        return self.level1 + self.level2 + self.level3 + self.level4 + self.level5

    @property
    def supporters(self) -> int:
        return self.level1 + self.level2

    def get(self, name: str) -> int:
        return getattr(self, name)


KEPT = [f.name for f in fields(Figures)]
SHOWN = ["roster", "contacted", "assessed", "supporters", "leaders", "conversations"]
ZERO = Figures()


def week_end(week: int) -> datetime:
    """The moment week `week` is over: the next Monday, 00:00 in the committee's zone."""
    return datetime.combine(week_start(week + 1), time(), tzinfo=TZ)


def week_of(moment: datetime) -> int:
    return week_number(moment.astimezone(TZ).date())


@dataclass
class History:
    """The campaign's raw rows, read once per check."""

    entries: list[RosterEntry]  # by id
    records: dict[int, list[AssessmentRecord]]  # entry id -> its records by (happened_at, id)
    conversations: list[Conversation]
    weeks: dict[int, dict[object, Figures]] = field(default_factory=dict)  # worked out once

    def at_end_of(self, week: int) -> dict[object, Figures]:
        if week not in self.weeks:
            self.weeks[week] = reference(self, week)
        return self.weeks[week]

    @classmethod
    def of(cls, campaign_id: int) -> "History":
        records: dict[int, list[AssessmentRecord]] = defaultdict(list)
        for record in AssessmentRecord.objects.filter(
            roster_entry__campaign_id=campaign_id
        ).order_by("happened_at", "pk"):
            records[record.roster_entry_id].append(record)
        return cls(
            entries=list(RosterEntry.objects.filter(campaign_id=campaign_id).order_by("pk")),
            records=records,
            conversations=list(Conversation.objects.filter(campaign_id=campaign_id)),
        )

    def first_week(self) -> int | None:
        moments = [e.added_at for e in self.entries]
        moments += [r.happened_at for rs in self.records.values() for r in rs]
        moments += [c.happened_at for c in self.conversations]
        return week_of(min(moments)) if moments else None


def on_roster(entry: RosterEntry, end: datetime) -> bool:
    return entry.added_at < end and (entry.removed_at is None or entry.removed_at >= end)


def level_at(entry: RosterEntry, records: list[AssessmentRecord], end: datetime) -> int | None:
    """The level whose span holds the moment just before `end`, if any."""
    for n, record in enumerate(records):
        following = records[n + 1].happened_at if n + 1 < len(records) else NEVER
        starts = max(record.happened_at, entry.added_at)
        ends = min(following, entry.removed_at or NEVER)
        if starts < end <= ends:
            return record.level
    return None


def reference(history: History, week: int) -> dict[object, Figures]:
    """Every unit's figures as of the end of `week` (None: unplaced), and WHOLE's."""
    end = week_end(week)
    begins = week_end(week - 1)
    talked = {c.person_id for c in history.conversations if c.happened_at < end}
    counts: dict[object, Counter] = defaultdict(Counter)
    for entry in history.entries:
        if not on_roster(entry, end):
            continue
        unit = counts[entry.unit_id]
        unit["roster"] += 1
        unit["contacted"] += entry.person_id in talked
        unit["leaders"] += entry.is_leader
        level = level_at(entry, history.records.get(entry.pk, []), end)
        if level is not None:
            unit[f"level{level}"] += 1
    latest_unit = {entry.person_id: entry.unit_id for entry in history.entries}  # by id
    for conversation in history.conversations:
        if begins <= conversation.happened_at < end:
            counts[latest_unit.get(conversation.person_id)]["conversations"] += 1
    figures = {unit: Figures(**count) for unit, count in counts.items()}
    figures[WHOLE] = sum(figures.values(), ZERO)
    return figures


def scoped(figures: dict[object, Figures], units: list[int] | None) -> Figures:
    if units is None:
        return figures[WHOLE]
    return sum((figures.get(unit, ZERO) for unit in units), ZERO)


def differences(actual: dict[str, int], expected: Figures) -> str:
    return ", ".join(
        f"{name} {value} (history: {expected.get(name)})"
        for name, value in actual.items()
        if value != expected.get(name)
    )


# --- Checking the kept rows and the reader against it ------------------------------------------


def kept_rows_check(campaign_id: int, history: History) -> None:
    """Every kept row equals the reference; every nonzero figure of a completed week is kept;
    nothing is kept for this week or later."""
    current = week_of(timezone.now())
    kept: dict[tuple[object, int], Figures] = {}
    for kept_week in TrendWeek.objects.filter(campaign_id=campaign_id):
        unit = WHOLE if kept_week.whole else kept_week.unit_id
        assert not (kept_week.whole and kept_week.unit_id), f"a whole row with a unit: {unit}"
        assert (unit, kept_week.week) not in kept, f"two kept rows for {unit}, {kept_week.week}"
        kept[unit, kept_week.week] = Figures(**{name: getattr(kept_week, name) for name in KEPT})
    late = sorted({week_start(week) for _, week in kept if week >= current})
    assert not late, f"figures kept for weeks not over yet: {late}"
    weeks = [week for _, week in kept]
    first = min([*weeks, history.first_week() or current])
    for week in range(first, current):
        expected = history.at_end_of(week)
        for key in {*expected, *(unit for unit, w in kept if w == week)}:
            row = kept.get((key, week), ZERO)
            assert row == expected.get(key, ZERO), (
                f"kept week of {week_start(week)}, {unit_label(key)}: "
                f"{differences(row.__dict__, expected.get(key, ZERO))}"
            )


def reader_check(
    campaign: Campaign, history: History, places: Places, filters: DashboardFilters
) -> None:
    """What the dashboard reads for every week up to this one is the reference's: the kept
    weeks, and this one worked out live from the roster as the dashboard does."""
    current = week_of(timezone.now())
    units = scope_of([place.unit for place in places.units], filters)
    live = unit_table(campaign=campaign, filters=filters, places=places)
    weeks = trends(
        campaign_ids=[campaign.pk], tz=TZ, now={campaign.pk: live.total}, units=units, last=current
    ).get(campaign.pk, [])
    got = {point.week: point for point in weeks}
    assert len(got) == len(weeks), "a week twice"
    assert max(got, default=current) <= current, "a week after this one"
    first = min([*got, history.first_week() or current])
    for week in range(first, current + 1):
        expected = scoped(history.at_end_of(week), units)
        point = got.get(week, WeekPoint(week, 0, 0, 0, 0))
        actual = {name: getattr(point, name) for name in SHOWN}
        actual |= {f"level{n}": count for n, count in enumerate(point.levels, start=1)}
        assert all(value == expected.get(name) for name, value in actual.items()), (
            f"shown week of {week_start(week)}"
            f"{' (this week, live)' if week == current else ''}, {filters}: "
            f"{differences(actual, expected)}"
        )


def scope_of(units: list[Unit], filters: DashboardFilters) -> list[int] | None:
    """The units a filter shows: a site's, or a unit and those under it."""
    if filters.site_id is not None:
        return [unit.pk for unit in units if unit.site_id == filters.site_id]
    if filters.unit_id is None:
        return None
    under: set[int] = set()
    more = {filters.unit_id}
    while more:
        under |= more
        more = {unit.pk for unit in units if unit.parent_id in more}
    return sorted(under)


def unit_label(key: object) -> str:
    if key == WHOLE:
        return "whole campaign"
    if not isinstance(key, int):
        return "unplaced"
    unit = Unit.objects.filter(pk=key).first()
    return f"unit {key} ({unit.name if unit else 'deleted'})"


# --- A campaign driven through the services ----------------------------------------------------

PICK = st.integers(min_value=0, max_value=63)  # an index into whatever list is there
LEVEL = st.none() | st.integers(min_value=1, max_value=5)
# A moment of a past week, as organizers back-date logs: any day, and the hours where the local
# and the UTC dates differ (16:00 onwards in Los Angeles) or a week just begins or ends.
WHEN = st.tuples(
    st.integers(min_value=0, max_value=6),  # weeks back
    st.integers(min_value=0, max_value=6),  # Monday .. Sunday
    st.sampled_from([0, 9, 16, 17, 23]),
    st.sampled_from([0, 1, 59]),
)


class KeptTrends(RuleBasedStateMachine):
    """One example: a committee in Los Angeles, a campaign of two sites and four units, eight
    people put on the roster over three weeks, a lead and an organizer. Each example runs in
    a savepoint rolled back at its end, under its own clock."""

    def __init__(self) -> None:
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        self.clock = time_machine.travel((START - timedelta(weeks=3)).astimezone(UTC), tick=False)
        self.traveller = self.clock.start()
        committee = factories.committee(name="Harbor Committee")
        committee.time_zone = str(TZ)
        committee.save(update_fields=["time_zone"])
        self.lead = factories.member_of(committee, Membership.Role.LEAD, mfa=False)
        self.organizer = factories.member_of(committee, Membership.Role.ORGANIZER, mfa=False)
        self.campaign = factories.campaign(committee=committee, code_name="Harbor")
        factories.on_team(campaign=self.campaign, user=self.organizer)
        self.sites = {}
        for name, unit_names in SITES.items():
            site = factories.site(campaign=self.campaign, name=name)
            self.sites[name] = site
            for unit_name in unit_names:
                factories.unit(site=site, name=unit_name)
        units = self.units()
        for n in range(8):
            if n in (5, 7):  # two join later
                self.traveller.shift(timedelta(days=8, hours=5))
            person = factories.person(committee=committee, given_name=f"Worker{n}")
            PersonEmail.objects.create(person=person, email=f"worker{n}@example.org")
            roster_add(campaign=self.campaign, person=person, unit=([None, *units])[n % 5])
        self.traveller.move_to(START.astimezone(UTC))
        self.steps = 0

    def teardown(self) -> None:
        self.clock.stop()
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    # What is there now.

    def units(self) -> list[Unit]:
        return list(Unit.objects.filter(site__campaign=self.campaign).order_by("pk"))

    def active(self) -> list[RosterEntry]:
        return list(
            RosterEntry.objects.filter(campaign=self.campaign, removed_at=None)
            .select_related("person")
            .order_by("pk")
        )

    def people(self) -> list[Person]:
        return list(Person.objects.filter(committee=self.campaign.committee_id).order_by("pk"))

    def conversations(self) -> list[Conversation]:
        return list(
            Conversation.objects.filter(campaign=self.campaign)
            .select_related("campaign__committee", "person")
            .order_by("pk")
        )

    def moment(self, when: tuple[int, int, int, int]) -> datetime:
        """A local moment of a week up to six back; never in the future."""
        weeks_back, weekday, hour, minute = when
        now = timezone.now()
        day = week_start(week_of(now) - weeks_back) + timedelta(days=weekday)
        return min(datetime.combine(day, time(hour, minute), tzinfo=TZ), now)

    def unit_or_none(self, pick: int) -> Unit | None:
        units = self.units()
        return ([None, *units])[pick % (len(units) + 1)]

    # The services.

    @precondition(lambda self: self.active())
    @rule(who=PICK, when=WHEN, level=LEVEL, leader=st.booleans())
    def log(self, who, when, level, leader):
        entries = self.active()
        entry = entries[who % len(entries)]
        conversation_log(
            campaign=self.campaign,
            person=entry.person,
            organizer=self.organizer,
            data=ConversationData(
                happened_at=self.moment(when),
                channel="in_person",
                assessment=level,
                is_leader=leader,
            ),
        )

    @precondition(lambda self: self.conversations())
    @rule(which=PICK, when=WHEN, level=LEVEL)
    def edit_log(self, which, when, level):
        conversations = self.conversations()
        conversation = conversations[which % len(conversations)]
        data = ConversationData(
            happened_at=self.moment(when), channel=conversation.channel, assessment=level
        )
        with contextlib.suppress(ValidationError):  # refused if the person is off the roster
            conversation_update(conversation=conversation, data=data, by=self.lead)

    @precondition(lambda self: self.conversations())
    @rule(which=PICK)
    def delete_log(self, which):
        conversations = self.conversations()
        conversation_delete(conversation=conversations[which % len(conversations)], actor=self.lead)

    @precondition(lambda self: self.active())
    @rule(who=PICK, when=WHEN, level=st.integers(min_value=1, max_value=5))
    def assess(self, who, when, level):
        entries = self.active()
        assessment_record(
            entry=entries[who % len(entries)],
            level=level,
            happened_at=self.moment(when),
            recorded_by=self.organizer,
        )

    @precondition(lambda self: self.active())
    @rule(who=PICK)
    def take_off(self, who):
        entries = self.active()
        roster_entry_remove(entry=entries[who % len(entries)], reason="moved away", actor=self.lead)

    def off_roster(self) -> list[Person]:
        return list(
            Person.objects.filter(committee=self.campaign.committee_id)
            .exclude(roster_entries__campaign=self.campaign, roster_entries__removed_at=None)
            .order_by("pk")
        )

    @precondition(lambda self: self.off_roster())
    @rule(who=PICK, unit=PICK)
    def put_back(self, who, unit):
        off = self.off_roster()
        roster_add(campaign=self.campaign, person=off[who % len(off)], unit=self.unit_or_none(unit))

    @precondition(lambda self: self.active())
    @rule(who=PICK, unit=PICK, leader=st.booleans())
    def place(self, who, unit, leader):
        entries = self.active()
        entry = entries[who % len(entries)]
        roster_entry_update(
            entry=entry,
            unit=self.unit_or_none(unit),
            title=entry.title,
            shift=entry.shift,
            is_leader=leader,
            organizer=entry.organizer,
        )

    @precondition(lambda self: len(self.people()) > 3)
    @rule(survivor=PICK, duplicate=PICK)
    def merge(self, survivor, duplicate):
        people = self.people()
        keep, other = people[survivor % len(people)], people[duplicate % len(people)]
        if keep != other:
            person_merge(survivor=keep, duplicate=other, choices={}, actor=self.lead)

    @rule(who=st.lists(PICK, min_size=1, max_size=3), unit=PICK, leader=st.booleans(),
          newcomer=st.booleans())  # fmt: skip
    def import_file(self, who, unit, leader, newcomer):
        """A file of people by email: the known ones get a new entry if off the roster, else
        only their blanks filled; a newcomer is added. A unit path may name a new unit."""
        people = self.people()
        chosen = list(dict.fromkeys(people[n % len(people)] for n in who))
        paths = [f"{site}/{name}" for site, names in SITES.items() for name in names]
        path = [*paths, "North Yard/Night crew", ""][unit % (len(paths) + 2)]
        yes = "yes" if leader else "no"
        lines = ["name,email,unit,leader"]
        for person in chosen:
            email = person.emails.order_by("pk").first()
            if email is not None:
                lines.append(f"{person.given_name},{email.email},{path},{yes}")
        if newcomer:
            lines.append(f"Newcomer,newcomer{next(_emails)}@example.org,{path},{yes}")
        if len(lines) == 1:
            return
        batch = import_upload(
            campaign=self.campaign,
            uploaded_by=self.lead,
            filename="roster.csv",
            data="\n".join(lines).encode(),
        )
        report = import_commit(batch_id=batch.pk, actor=self.lead)
        assert report.committed, report.errors

    @precondition(lambda self: self.units())
    @rule(which=PICK, to=PICK)
    def delete_unit(self, which, to):
        units = self.units()
        unit = units[which % len(units)]
        others = [None, *(u for u in units if u.site_id == unit.site_id and u.pk != unit.pk)]
        unit_delete(unit=unit, move_people_to=others[to % len(others)], actor=self.lead)

    # The clock.

    @rule(days=st.integers(min_value=0, max_value=6), hours=st.integers(min_value=0, max_value=23))
    def wait(self, days, hours):
        self.traveller.shift(timedelta(days=days, hours=hours))

    @rule(hour=st.sampled_from([17, 20, 23]), minute=st.sampled_from([0, 59]))
    def wait_for_sunday_evening(self, hour, minute):
        """Sunday evening in Los Angeles: Monday already in UTC, the week not over here."""
        now = timezone.now().astimezone(TZ)
        sunday = now.date() + timedelta(days=(6 - now.weekday()) % 7 or 7)
        moment = datetime.combine(sunday, time(hour, minute), tzinfo=TZ)
        self.traveller.move_to(moment.astimezone(UTC))

    @rule(minutes=st.sampled_from([0, 1, 90]))
    def wait_for_monday(self, minutes):
        now = timezone.now().astimezone(TZ)
        monday = week_start(week_of(now) + 1)
        moment = datetime.combine(monday, time(), tzinfo=TZ) + timedelta(minutes=minutes)
        self.traveller.move_to(moment.astimezone(UTC))

    # After every step, as the beat would.

    @invariant()
    def kept_figures_are_the_history(self):
        trends_refresh()
        history = History.of(self.campaign.pk)
        kept_rows_check(self.campaign.pk, history)
        places = dashboard_places(self.campaign)
        reader_check(self.campaign, history, places, DashboardFilters())
        scopes = [DashboardFilters(site_id=site.pk) for site in self.sites.values()]
        scopes += [DashboardFilters(unit_id=place.unit.pk) for place in places.units]
        reader_check(self.campaign, history, places, scopes[self.steps % len(scopes)])
        self.steps += 1


@pytest.mark.django_db
def test_the_kept_figures_are_the_history_after_any_steps():
    run_state_machine_as_test(
        KeptTrends,
        settings=hypothesis_settings(max_examples=30, stateful_step_count=25, deadline=None),
    )


# --- Stories ------------------------------------------------------------------------------------
#
# The campaign of the state machine, driven by hand. Its eight workers joined on Wednesday
# 25 February 2026 (Worker0 to Worker4), Thursday 5 March (Worker5, Worker6) and Friday
# 13 March (Worker7), in no unit, Dock, Gate, Kitchen, Shop, no unit, Dock, Gate; it is now
# Wednesday 18 March, 10:00 in Los Angeles. `who` counts the people on the roster by entry.


@pytest.fixture
def harbor(db):
    machine = KeptTrends()
    yield machine
    machine.teardown()


def kept_rows(campaign: Campaign) -> set[tuple]:
    return set(
        TrendWeek.objects.filter(campaign=campaign).values_list("unit", "whole", "week", *KEPT)
    )


def test_dashboard_rebuild_gives_the_same_rows_twice_and_mends_a_drifted_one(harbor):
    harbor.log(who=1, when=(2, 1, 9, 0), level=2, leader=False)
    harbor.assess(who=3, when=(1, 6, 23, 59), level=4)
    harbor.place(who=2, unit=3, leader=True)
    harbor.take_off(who=5)
    harbor.wait_for_sunday_evening(hour=20, minute=0)
    harbor.log(who=0, when=(0, 6, 17, 0), level=1, leader=False)  # Sunday, Monday in UTC
    harbor.wait_for_monday(minutes=1)

    call_command("dashboard_rebuild", stdout=io.StringIO())
    first = kept_rows(harbor.campaign)
    TrendWeek.objects.filter(campaign=harbor.campaign, whole=True).update(roster=99)
    call_command("dashboard_rebuild", stdout=io.StringIO())
    call_command("dashboard_rebuild", stdout=io.StringIO())

    assert kept_rows(harbor.campaign) == first
    mondays = {week_start(week) for _, _, week, *_ in first}
    assert mondays == {date(2026, 2, 23), date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)}
    kept_rows_check(harbor.campaign.pk, History.of(harbor.campaign.pk))


class WeekRows(HTMLParser):
    """The dashboard's table of numbers, week by week: {Monday: [its cells' text]}."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, list[str]] = {}
        self.cells: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr" and dict(attrs).get("data-week"):
            self.cells = self.rows.setdefault(dict(attrs)["data-week"], [])
        elif tag == "td" and self.cells is not None:
            self.cells.append("")

    def handle_endtag(self, tag):
        if tag == "tr":
            self.cells = None

    def handle_data(self, data):
        if self.cells:
            self.cells[-1] += data


def week_rows(client, campaign: Campaign) -> dict[str, list[str]]:
    response = client.get(reverse("campaign_dashboard", args=[campaign.pk]))
    assert response.status_code == 200
    parser = WeekRows()
    parser.feed(response.content.decode())
    return {week: [" ".join(cell.split()) for cell in cells] for week, cells in parser.rows.items()}


def test_a_back_dated_log_is_on_the_dashboard_before_the_beat_runs(client, harbor):
    factories.enrol_totp(harbor.lead)
    client.force_login(harbor.lead)
    trends_refresh()  # the beat kept the weeks up to last week
    assert week_rows(client, harbor.campaign)["2026-03-02"] == ["7", "0% (0)", "0% (0)", "0"]

    # Worker1 (Dock), on Tuesday 3 March at 9:00, logged two weeks later as a supporter.
    harbor.log(who=1, when=(2, 1, 9, 0), level=2, leader=False)

    rows = week_rows(client, harbor.campaign)
    assert rows["2026-03-02"] == ["7", "14% (1)", "14% (1)", "1"]
    assert rows["2026-03-09"] == ["8", "12% (1)", "12% (1)", "0"]
    assert rows["2026-03-16"] == ["8", "12% (1)", "12% (1)", "0"]  # this week, live


def test_a_leader_found_in_a_talk_from_before_they_joined_keeps_the_talk_in_its_week(harbor):
    """Worker0 joined on 25 February; a talk of Monday 16 February that finds them a leader
    counts in the week of 16 February."""
    trends_refresh()
    harbor.log(who=0, when=(4, 0, 0, 0), level=None, leader=True)

    trends_refresh()

    kept_rows_check(harbor.campaign.pk, History.of(harbor.campaign.pk))


def test_someone_put_back_in_another_unit_takes_their_past_talks_there(harbor):
    """Worker0, unplaced, talked with on Tuesday 3 March, is taken off the roster and put back
    in Kitchen: their talks count in the unit of their latest entry, Kitchen, in every week."""
    harbor.log(who=0, when=(2, 1, 9, 0), level=2, leader=False)
    harbor.take_off(who=0)
    trends_refresh()
    harbor.put_back(who=0, unit=3)

    trends_refresh()

    kept_rows_check(harbor.campaign.pk, History.of(harbor.campaign.pk))
