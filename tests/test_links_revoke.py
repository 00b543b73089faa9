"""Ending emailed links (members.links.links_revoke): lockdown ends every RSVP link, calendar
address and snooze link of the committee; deactivating a user ends those that let that user
in, and nobody else's. The next email carries a new link that works."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.actions.services.calendar import calendar_feed_get
from campaigns.actions.services.links import rsvp_link_token
from campaigns.models import Action, OutboxMessage, Rsvp
from campaigns.nudges.services.snooze import snooze_link_token
from members.links import links_revoke
from tests import factories

MINE = ("rsvp_links", "calendar_feeds", "snooze_links")


class Links:
    """One person's emailed links: their RSVP link, calendar address and a nudge's snooze."""

    def __init__(self, *, action: Action, person, user) -> None:
        Rsvp.objects.create(action=action, person=person, invited_at=timezone.now())
        self.action, self.person, self.user = action, person, user
        self.rsvp = reverse("rsvp_link", args=[rsvp_link_token(action=action, person=person)])
        self.calendar = reverse("calendar_feed", args=[calendar_feed_get(person=person).key])
        nudge = OutboxMessage.objects.create(
            committee=action.committee,
            kind=OutboxMessage.Kind.QUIET_UNITS,
            user=user,
            due_at=timezone.now(),
            next_attempt_at=timezone.now(),
            status=OutboxMessage.Status.SENT,
            sent_at=timezone.now(),
        )
        self.snooze = reverse("nudge_snooze_link", args=[snooze_link_token(message=nudge)])

    def working(self) -> dict[str, bool]:
        client = Client()
        return {
            "rsvp": client.get(self.rsvp).status_code == 200,
            "calendar": client.get(self.calendar).status_code == 200,
            "snooze": client.get(self.snooze).status_code == 200,
        }


ALL = {"rsvp": True, "calendar": True, "snooze": True}
NONE = {"rsvp": False, "calendar": False, "snooze": False}


def an_action(committee, campaign) -> Action:
    starts = timezone.now() + timedelta(days=3)
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Card signing party",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
    )


@pytest.fixture
def action(committee, campaign):
    return an_action(committee, campaign)


@pytest.fixture
def tomas(action, committee, member):
    person = factories.person(committee=committee, given_name="Tomás", user=member)
    return Links(action=action, person=person, user=member)


@pytest.fixture
def nina(action, committee, organizer):
    person = factories.person(committee=committee, given_name="Nina", user=organizer)
    return Links(action=action, person=person, user=organizer)


@pytest.fixture
def elsewhere(other_committee, outsider):
    """Another committee's links, which nothing here touches."""
    action = an_action(other_committee, factories.campaign(committee=other_committee))
    person = factories.person(committee=other_committee, given_name="Olu", user=outsider)
    return Links(action=action, person=person, user=outsider)


def test_every_link_works_to_begin_with(tomas, nina, elsewhere):
    assert tomas.working() == nina.working() == elsewhere.working() == ALL


def test_lockdown_ends_every_link_of_the_committee(committee, tomas, nina, elsewhere):
    ended = links_revoke(committee=committee)

    assert {name: ended[name] for name in MINE} == dict.fromkeys(MINE, 2)
    assert tomas.working() == nina.working() == NONE
    assert elsewhere.working() == ALL


def test_a_user_loses_only_the_links_that_let_them_in(committee, member, tomas, nina):
    ended = links_revoke(committee=committee, user=member)

    assert {name: ended[name] for name in MINE} == dict.fromkeys(MINE, 1)
    assert tomas.working() == NONE
    assert nina.working() == ALL


def test_the_next_email_carries_a_new_link_that_works(committee, tomas):
    links_revoke(committee=committee)

    again = reverse("rsvp_link", args=[rsvp_link_token(action=tomas.action, person=tomas.person)])

    assert again != tomas.rsvp
    assert Client().get(again).status_code == 200
    assert Client().get(tomas.rsvp).status_code == 404
