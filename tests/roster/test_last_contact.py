"""Each active roster entry keeps when its person was last talked with on the campaign (the
dashboards' "ever talked with" and "days quiet" read it): whatever happens to the
conversations, it is the latest one's time."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db.models import Max

from campaigns.conversations.services.log import (
    ConversationData,
    conversation_delete,
    conversation_log,
    conversation_update,
)
from campaigns.models import Conversation, RosterEntry
from campaigns.people.services import person_merge, roster_entry_remove
from campaigns.roster.services import roster_add
from members.models import Membership
from tests import factories

NOW = datetime(2026, 12, 4, 5, 30, tzinfo=UTC)


def kept_is_true(campaign) -> None:
    """Every active entry's last contact is its person's latest conversation here."""
    for entry in RosterEntry.objects.filter(campaign=campaign, removed_at=None):
        latest = Conversation.objects.filter(campaign=campaign, person=entry.person).aggregate(
            at=Max("happened_at")
        )["at"]
        assert entry.last_contact_at == latest, entry.person


@pytest.fixture
def world(db):
    with time_machine.travel(NOW, tick=False):
        committee = factories.committee(name="Harbor Tenants")
        campaign = factories.campaign(committee=committee)
        organizer = factories.member_of(committee, Membership.Role.ORGANIZER)
        yield committee, campaign, organizer


def log(campaign, person, organizer, days_ago: float):
    data = ConversationData(happened_at=NOW - timedelta(days=days_ago), channel="door")
    return conversation_log(campaign=campaign, person=person, organizer=organizer, data=data)


def test_logging_editing_deleting_removing_and_merging_keep_the_last_contact(world):
    committee, campaign, organizer = world
    ana, ben = (factories.person(committee=committee, given_name=n) for n in ("Ana", "Ben"))
    ana_entry = factories.on_roster(campaign=campaign, person=ana)
    factories.on_roster(campaign=campaign, person=ben)
    kept_is_true(campaign)  # nobody talked with yet

    latest = log(campaign, ana, organizer, 1)
    earlier = log(campaign, ana, organizer, 5)  # logged later, happened earlier: not the latest
    kept_is_true(campaign)
    ana_entry.refresh_from_db()
    assert ana_entry.last_contact_at == latest.happened_at

    # The latest one was in fact ten days ago; then the one five days ago, now the latest,
    # is deleted.
    data = ConversationData(happened_at=NOW - timedelta(days=10), channel="door")
    conversation_update(conversation=latest, data=data, by=organizer)
    kept_is_true(campaign)
    conversation_delete(conversation=earlier, actor=organizer)
    kept_is_true(campaign)
    ana_entry.refresh_from_db()
    assert ana_entry.last_contact_at == NOW - timedelta(days=10)

    # Off the roster and back: the new entry knows they were talked with.
    roster_entry_remove(entry=ana_entry, reason="moved", actor=organizer)
    roster_add(campaign=campaign, person=ana)
    kept_is_true(campaign)
    assert RosterEntry.objects.get(person=ana, removed_at=None).last_contact_at is not None

    # Ben's duplicate record was talked with more recently: merged, Ben's entry says so.
    ben2 = factories.person(committee=committee, given_name="Ben", family_name="2")
    factories.on_roster(campaign=campaign, person=ben2)
    log(campaign, ben2, organizer, 0.5)
    log(campaign, ben, organizer, 3)
    person_merge(survivor=ben, duplicate=ben2, choices={}, actor=organizer)
    kept_is_true(campaign)
    assert RosterEntry.objects.get(person=ben, removed_at=None).last_contact_at == (
        NOW - timedelta(days=0.5)
    )
