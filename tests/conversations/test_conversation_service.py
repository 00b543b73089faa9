"""Logging one-on-ones keeps the current assessment true: latest by when it happened."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from campaigns.conversations.services.log import (
    ConversationData,
    conversation_delete,
    conversation_log,
    conversation_update,
)
from campaigns.models import (
    Ask,
    Conversation,
    FollowUp,
    IssueTag,
    OutboxMessage,
    RosterEntry,
    ScheduledOneOnOne,
)
from members.models import AuditEvent
from tests import factories


@pytest.fixture
def entry(campaign, committee):
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    return factories.on_roster(campaign=campaign, person=person)


def log(entry, organizer, *, days_ago: float, assessment=None, **fields):
    data = ConversationData(
        happened_at=timezone.now() - timedelta(days=days_ago),
        channel="in_person",
        assessment=assessment,
        **fields,
    )
    return conversation_log(
        campaign=entry.campaign, person=entry.person, organizer=organizer, data=data
    )


def current(entry) -> int | None:
    return RosterEntry.objects.get(pk=entry.pk).assessment


def test_the_latest_conversation_by_when_it_happened_sets_the_assessment(entry, team_organizer):
    log(entry, team_organizer, days_ago=1, assessment=2)
    log(entry, team_organizer, days_ago=10, assessment=4)  # typed later, happened earlier

    assert current(entry) == 2


def test_a_conversation_without_an_assessment_keeps_the_last_one(entry, team_organizer):
    log(entry, team_organizer, days_ago=5, assessment=3)
    log(entry, team_organizer, days_ago=1)

    assert current(entry) == 3


def test_editing_and_deleting_recompute_it(entry, team_organizer, lead):
    early = log(entry, team_organizer, days_ago=10, assessment=4)
    late = log(entry, team_organizer, days_ago=1, assessment=2)

    data = ConversationData(happened_at=late.happened_at, channel="phone", assessment=1)
    conversation_update(conversation=late, data=data, by=team_organizer)
    assert current(entry) == 1

    late_id = late.pk
    conversation_delete(conversation=late, actor=lead)
    assert current(entry) == 4
    assert AuditEvent.objects.filter(kind="delete", subject_id=late_id).exists()

    conversation_delete(conversation=early, actor=lead)
    assert current(entry) is None


def test_logging_closes_open_follow_ups_and_plans_the_next(entry, team_organizer):
    first = log(
        entry,
        team_organizer,
        days_ago=3,
        next_step="Bring a card",
        follow_up_on=timezone.localdate(),
    )
    assert FollowUp.objects.get(conversation=first).closed_at is None

    log(
        entry,
        team_organizer,
        days_ago=0,
        schedule_at=timezone.now() + timedelta(days=2),
        schedule_place="Break room",
    )

    assert FollowUp.objects.get(conversation=first).closed_reason == "done"
    assert ScheduledOneOnOne.objects.get(person=entry.person).place == "Break room"


def test_it_records_everything_told_and_the_follow_up_goes_to_the_assigned_organizer(
    entry, team_organizer, lead, campaign
):
    entry.organizer = lead
    entry.save()
    card, meeting = Ask.objects.filter(campaign=campaign)
    parking = IssueTag.objects.create(campaign=campaign, name="Parking")

    talk = log(
        entry,
        team_organizer,
        days_ago=0,
        assessment=2,
        duration_minutes=20,
        issues=[parking],
        new_issue="Heat",
        answers={card.pk: "yes", meeting.pk: "maybe"},
        notes="Night shift",
        next_step="Bring a card",
        follow_up_on=timezone.localdate() + timedelta(days=3),
    )

    saved = Conversation.objects.get(pk=talk.pk)
    assert (saved.organizer, saved.duration_minutes, saved.notes) == (
        team_organizer,
        20,
        "Night shift",
    )
    assert (saved.created_at, saved.updated_at) == (talk.created_at, talk.updated_at)
    assert sorted(tag.name for tag in saved.issues.all()) == ["Heat", "Parking"]
    assert {(a.ask, a.answer) for a in saved.answers.all()} == {(card, "yes"), (meeting, "maybe")}
    assert (saved.assessment_record.level, saved.assessment_record.recorded_by) == (
        2,
        team_organizer,
    )
    follow_up = FollowUp.objects.get(conversation=saved)
    assert (follow_up.organizer, follow_up.description) == (lead, "Bring a card")
    assert follow_up.closed_at is None


def test_the_earliest_open_one_on_one_up_to_a_day_after_the_talk_is_marked_held(
    entry, team_organizer
):
    def meeting(hours: float, **fields) -> ScheduledOneOnOne:
        return ScheduledOneOnOne.objects.create(
            campaign=entry.campaign,
            person=entry.person,
            organizer=team_organizer,
            starts_at=timezone.now() + timedelta(hours=hours),
            **fields,
        )

    cancelled = meeting(-5, cancelled_at=timezone.now())
    later_that_day = meeting(20)
    the_one = meeting(-2)
    next_week = meeting(24 * 7)

    talk = log(entry, team_organizer, days_ago=0)

    held = ScheduledOneOnOne.objects.filter(held_in=talk)
    assert list(held) == [the_one]
    assert ScheduledOneOnOne.objects.get(pk=later_that_day.pk).held_in is None
    assert ScheduledOneOnOne.objects.get(pk=next_week.pk).held_in is None
    assert ScheduledOneOnOne.objects.get(pk=cancelled.pk).held_in is None


def test_answers_and_issues_of_another_campaign_are_not_recorded(entry, team_organizer, committee):
    elsewhere = factories.campaign(committee=committee)
    their_ask = Ask.objects.filter(campaign=elsewhere)[0]
    their_issue = IssueTag.objects.create(campaign=elsewhere, name="Rent")

    talk = log(
        entry, team_organizer, days_ago=0, issues=[their_issue], answers={their_ask.pk: "yes"}
    )

    assert not talk.issues.exists()
    assert not talk.answers.exists()


def test_someone_taken_off_the_roster_meanwhile_gets_nothing_logged(entry, team_organizer):
    first = log(entry, team_organizer, days_ago=2, follow_up_on=timezone.localdate())
    RosterEntry.objects.filter(pk=entry.pk).update(removed_at=timezone.now())  # another tab
    data = ConversationData(
        happened_at=timezone.now(),
        channel="phone",
        assessment=1,
        new_issue="Heat",
        follow_up_on=timezone.localdate(),
    )

    with pytest.raises(ValidationError) as refused:
        conversation_log(
            campaign=entry.campaign,
            person=entry.person,
            organizer=team_organizer,
            data=data,
            entry=entry,  # as the view read it, before the removal
        )

    assert refused.value.code == "not_on_roster"
    assert list(Conversation.objects.all()) == [first]
    assert FollowUp.objects.get().closed_at is None
    assert not IssueTag.objects.filter(name="Heat").exists()
    assert current(entry) is None


def test_a_leader_flag_in_a_conversation_marks_the_roster(entry, team_organizer):
    log(entry, team_organizer, days_ago=0, is_leader=True)

    assert RosterEntry.objects.get(pk=entry.pk).is_leader


def test_an_entry_passed_in_from_another_campaign_is_not_the_one_assessed(
    entry, team_organizer, committee
):
    elsewhere = factories.on_roster(
        campaign=factories.campaign(committee=committee), person=entry.person
    )
    data = ConversationData(happened_at=timezone.now(), channel="in_person", assessment=2)

    conversation_log(
        campaign=entry.campaign,
        person=entry.person,
        organizer=team_organizer,
        data=data,
        entry=elsewhere,
    )

    assert current(entry) == 2
    assert current(elsewhere) is None


@pytest.mark.django_db(transaction=True)
def test_two_organizers_logging_at_once_are_both_saved(campaign, committee, lead):
    person = factories.person(committee=committee, given_name="Kwame")
    entry = factories.on_roster(campaign=campaign, person=person)
    barrier = threading.Barrier(2)
    now = timezone.now()

    def log_as(level: int, minutes_ago: int) -> None:
        barrier.wait()
        try:
            data = ConversationData(
                happened_at=now - timedelta(minutes=minutes_ago), channel="door", assessment=level
            )
            conversation_log(campaign=campaign, person=person, organizer=lead, data=data)
        finally:
            connection.close()

    threads = [threading.Thread(target=log_as, args=args) for args in [(2, 5), (3, 60)]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert person.conversations.count() == 2
    assert current(entry) == 2  # the one that happened last, whichever committed last


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("first", "second", "expected"), [((2, 5), (3, 60), 2), ((3, 60), (2, 5), 2)]
)
def test_whichever_commits_first_the_later_conversation_wins(
    campaign, committee, lead, first, second, expected
):
    """The first log holds the roster row until it commits; the second waits on it and then
    re-checks against what the first left, so commit order never beats when things happened."""
    person = factories.person(committee=committee, given_name="Kwame")
    entry = factories.on_roster(campaign=campaign, person=person)
    now = timezone.now()
    first_logged, release = threading.Event(), threading.Event()

    def log_as(level: int, minutes_ago: int, *, hold: bool) -> None:
        data = ConversationData(
            happened_at=now - timedelta(minutes=minutes_ago), channel="door", assessment=level
        )
        try:
            with transaction.atomic():
                conversation_log(campaign=campaign, person=person, organizer=lead, data=data)
                if hold:
                    first_logged.set()
                    release.wait(10)
        finally:
            connection.close()

    holder = threading.Thread(target=log_as, args=first, kwargs={"hold": True})
    holder.start()
    assert first_logged.wait(10)
    waiter = threading.Thread(target=log_as, args=second, kwargs={"hold": False})
    waiter.start()
    waiter.join(0.5)
    assert waiter.is_alive(), "the second log should wait for the first one's row lock"
    release.set()
    holder.join()
    waiter.join()

    assert person.conversations.count() == 2
    assert current(entry) == expected


def test_scheduling_the_next_one_on_one_plans_the_organizers_reminder_an_hour_before(
    entry, team_organizer
):
    starts = timezone.now() + timedelta(days=2)

    log(entry, team_organizer, days_ago=0, schedule_at=starts, schedule_place="Break room")

    (reminder,) = OutboxMessage.objects.filter(kind=OutboxMessage.Kind.ONE_ON_ONE_REMINDER)
    assert (reminder.user, reminder.person) == (team_organizer, entry.person)
    assert reminder.due_at == starts - timedelta(hours=1)


def test_no_reminder_for_a_one_on_one_less_than_an_hour_away(entry, team_organizer):
    log(entry, team_organizer, days_ago=0, schedule_at=timezone.now() + timedelta(minutes=30))

    assert not OutboxMessage.objects.filter(kind=OutboxMessage.Kind.ONE_ON_ONE_REMINDER).exists()


# --- What cannot be true is refused, whoever writes it ------------------------------------------


@time_machine.travel(datetime(2026, 12, 3, 23, 0, tzinfo=UTC), tick=False)
def test_a_talk_dated_in_the_future_is_refused_so_it_cannot_freeze_the_assessment(
    entry, team_organizer
):
    typo = ConversationData(
        happened_at=datetime(2099, 12, 3, 17, 0, tzinfo=UTC), channel="phone", assessment=5
    )
    fast_clock = ConversationData(
        happened_at=timezone.now() + timedelta(minutes=9), channel="phone", assessment=1
    )

    with pytest.raises(ValidationError) as refused:
        conversation_log(
            campaign=entry.campaign, person=entry.person, organizer=team_organizer, data=typo
        )
    conversation_log(
        campaign=entry.campaign, person=entry.person, organizer=team_organizer, data=fast_clock
    )

    assert refused.value.code == "future"
    assert Conversation.objects.get().assessment == 1
    assert current(entry) == 1


def test_an_update_into_the_future_is_refused_and_changes_nothing(entry, team_organizer):
    talk = log(entry, team_organizer, days_ago=1, assessment=2, notes="Break room")
    data = ConversationData(
        happened_at=timezone.now() + timedelta(days=365), channel="phone", assessment=5
    )

    with pytest.raises(ValidationError):
        conversation_update(conversation=talk, data=data, by=team_organizer)

    talk.refresh_from_db()
    assert (talk.assessment, talk.notes, talk.channel) == (2, "Break room", "in_person")
    assert current(entry) == 2


@pytest.mark.parametrize("minutes", [-5, 0, 601])
def test_minutes_outside_one_to_six_hundred_are_refused(entry, team_organizer, minutes):
    with pytest.raises(ValidationError) as refused:
        log(entry, team_organizer, days_ago=1, duration_minutes=minutes)

    assert refused.value.code == "duration"
    assert not Conversation.objects.exists()


def test_a_follow_up_due_before_the_talk_is_refused(entry, team_organizer):
    three_days_ago = timezone.localdate() - timedelta(days=3)

    with pytest.raises(ValidationError) as refused:
        log(entry, team_organizer, days_ago=1, follow_up_on=three_days_ago, next_step="Call")

    assert refused.value.code == "follow_up_before"
    assert not FollowUp.objects.exists()
