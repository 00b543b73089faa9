"""The snooze link in a nudge email: opaque, it snoozes only what it was made for, for the user
it was sent to; a changed, old-format, too old or deactivated user's link does nothing."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import FollowUp, NudgeSnooze, OutboxMessage
from campaigns.nudges.services.snooze import snooze_link_token
from tests import factories

Kind = OutboxMessage.Kind


def a_nudge(committee, user, kind=Kind.ORGANIZER_DIGEST) -> OutboxMessage:
    return OutboxMessage.objects.create(
        committee=committee,
        kind=kind,
        user=user,
        due_at=timezone.now(),
        next_attempt_at=timezone.now(),
        status=OutboxMessage.Status.SENT,
        sent_at=timezone.now(),
    )


def a_follow_up(campaign, organizer, name: str) -> FollowUp:
    person = factories.person(committee=campaign.committee, given_name=name)
    return FollowUp.objects.create(
        campaign=campaign, person=person, organizer=organizer, due_on=date(2026, 3, 4)
    )


def url(message, follow_up=None) -> str:
    return reverse(
        "nudge_snooze_link", args=[snooze_link_token(message=message, follow_up=follow_up)]
    )


@pytest.fixture
def ninas(committee, team_organizer):
    return a_nudge(committee, team_organizer)


def test_a_link_snoozes_only_its_own_line_for_its_own_user(
    committee, campaign, team_organizer, lead, ninas
):
    ana, bo = (
        a_follow_up(campaign, team_organizer, "Ana"),
        a_follow_up(campaign, team_organizer, "Bo"),
    )
    rosas = a_nudge(committee, lead, Kind.LEAD_DIGEST)

    Client().post(url(ninas, ana))
    Client().post(url(rosas, bo))

    snoozed = NudgeSnooze.objects.order_by("pk").values_list("user", "kind", "follow_up")
    assert list(snoozed) == [
        (team_organizer.pk, Kind.ORGANIZER_DIGEST, ana.pk),
        (lead.pk, Kind.LEAD_DIGEST, bo.pk),
    ]


def test_the_token_carries_no_readable_id(ninas):
    token = snooze_link_token(message=ninas)

    assert ":" not in token
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt="majority.nudge-snooze")


@pytest.mark.parametrize("change", ["tampered", "old format", "too old", "deactivated"])
def test_a_link_that_no_longer_works_snoozes_nothing(ninas, team_organizer, change):
    link = url(ninas)
    later = timezone.now()
    if change == "tampered":
        link = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]
    elif change == "old format":
        old = signing.dumps([ninas.pk, 0], salt="majority.nudge-snooze", compress=False)
        link = reverse("nudge_snooze_link", args=[old])
    elif change == "too old":
        later += timedelta(days=61)
    else:
        team_organizer.is_active = False
        team_organizer.save()

    with time_machine.travel(later):
        shown, pressed = Client().get(link), Client().post(link)

    assert shown.status_code == pressed.status_code == 404
    assert "This link does not work" in shown.content.decode()
    assert not NudgeSnooze.objects.exists()
