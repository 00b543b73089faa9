"""`manage.py conversations_in_future`: the rows logged before the future was refused are
reported, with what an admin needs to find them, and never changed."""

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from campaigns.models import Conversation
from tests import factories

NOW = datetime(2026, 12, 4, 4, 30, tzinfo=UTC)  # late on the 3rd in Chicago


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def talk(campaign, person, organizer, at: datetime) -> Conversation:
    """Written straight to the table, as rows from before the check were."""
    return Conversation.objects.create(
        campaign=campaign, person=person, organizer=organizer, happened_at=at, channel="phone"
    )


def run() -> str:
    out = StringIO()
    call_command("conversations_in_future", stdout=out)
    return out.getvalue()


def test_it_lists_each_future_talk_and_fails_without_changing_it(
    committee, campaign, team_organizer
):
    maria = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    typo = talk(campaign, maria, team_organizer, datetime(2099, 12, 3, 17, 0, tzinfo=UTC))
    talk(campaign, maria, team_organizer, NOW - timedelta(days=1))
    talk(campaign, maria, team_organizer, NOW + timedelta(minutes=5))  # a phone's fast clock
    out = StringIO()

    with pytest.raises(CommandError, match="1 conversation") as failed:
        call_command("conversations_in_future", stdout=out)

    assert failed.value.returncode == 1
    (line,) = out.getvalue().splitlines()
    assert f"campaign {campaign.code_name}" in line
    assert f"person {maria.pk}" in line
    assert "2099-12-03T17:00:00+00:00" in line
    assert team_organizer.email in line
    assert "Maria" not in line  # an id, not a name, in a terminal or a log
    typo.refresh_from_db()
    assert typo.happened_at == datetime(2099, 12, 3, 17, 0, tzinfo=UTC)
    assert Conversation.objects.count() == 3


def test_it_says_so_and_succeeds_when_there_are_none(committee, campaign, team_organizer):
    maria = factories.person(committee=committee)
    talk(campaign, maria, team_organizer, NOW - timedelta(hours=2))

    assert run() == "No conversation is dated in the future.\n"
