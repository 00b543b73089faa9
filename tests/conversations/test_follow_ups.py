"""Closing a follow-up without a conversation: the talk will not happen, and the reason says
why. "Asked not to be contacted" marks the person do-not-contact on every campaign."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.conversations.services.followups import follow_up_close
from campaigns.models import FollowUp
from members.models import Person
from tests import factories


def close_url(follow_up) -> str:
    return reverse("follow_up_close", args=[follow_up.campaign_id, follow_up.pk])


@pytest.fixture
def maria(committee, campaign):
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    factories.on_roster(campaign=campaign, person=person)
    return person


@pytest.fixture
def follow_up(campaign, maria, team_organizer):
    return FollowUp.objects.create(
        campaign=campaign,
        person=maria,
        organizer=team_organizer,
        description="Bring her a card",
        due_on=timezone.localdate() - timedelta(days=2),
    )


@pytest.mark.parametrize(
    "reason", ["done", "moved_away", "quit", "other"], ids=lambda reason: reason
)
def test_it_closes_with_each_reason_and_leaves_contact_alone(
    client, team_organizer, follow_up, maria, reason
):
    client.force_login(team_organizer)

    response = client.post(close_url(follow_up), {"reason": reason, "note": "Left in June"})

    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[maria.pk])
    follow_up.refresh_from_db()
    assert follow_up.closed_at is not None and follow_up.closed_by == team_organizer
    assert follow_up.closed_reason == reason and follow_up.closed_note == "Left in June"
    assert not Person.objects.get(pk=maria.pk).do_not_contact


def test_it_marks_do_not_contact_when_they_asked(client, team_organizer, follow_up, maria):
    client.force_login(team_organizer)

    client.post(close_url(follow_up), {"reason": "do_not_contact", "note": "Said stop calling"})

    maria.refresh_from_db()
    assert maria.do_not_contact
    assert maria.do_not_contact_reason == "Said stop calling"
    assert not FollowUp.objects.filter(pk=follow_up.pk, closed_at=None).exists()


def test_the_service_gives_do_not_contact_a_reason_without_a_note(follow_up, maria, lead):
    follow_up_close(follow_up=follow_up, reason="do_not_contact", by=lead)

    maria.refresh_from_db()
    assert maria.do_not_contact and maria.do_not_contact_reason == "Asked not to be contacted"


def test_it_asks_for_a_note_with_other_and_keeps_the_choice(client, team_organizer, follow_up):
    client.force_login(team_organizer)

    response = client.post(close_url(follow_up), {"reason": "other", "note": "  "})

    assert response.status_code == 422
    page = response.content.decode()
    assert "Say what happened." in page
    assert response.context["form"]["reason"].value() == "other"
    assert FollowUp.objects.get(pk=follow_up.pk).closed_at is None


def test_it_shows_a_confirm_form_and_returns_to_a_safe_next(client, lead, follow_up):
    client.force_login(lead)

    form = client.get(close_url(follow_up))
    back = client.post(close_url(follow_up), {"reason": "done", "next": "/my-list/"})

    assert form.status_code == 200 and "Bring her a card" in form.content.decode()
    assert back["Location"] == "/my-list/"


def test_it_refuses_an_outside_next(client, lead, follow_up, maria):
    client.force_login(lead)

    back = client.post(close_url(follow_up), {"reason": "done", "next": "https://evil.example/"})

    assert back["Location"] == reverse("person_detail", args=[maria.pk])


def test_it_is_404_for_an_organizer_of_another_campaign_a_member_and_an_outsider(
    client, outside_organizer, member, outsider, follow_up
):
    for user in [outside_organizer, member, outsider]:
        client.force_login(user)

        assert client.get(close_url(follow_up)).status_code == 404
        assert client.post(close_url(follow_up), {"reason": "done"}).status_code == 404
    assert FollowUp.objects.get(pk=follow_up.pk).closed_at is None


def test_it_is_404_for_a_follow_up_of_another_campaign_under_this_ones_url(
    client, committee, campaign, lead, follow_up
):
    elm = factories.campaign(committee=committee, code_name="Elm")
    client.force_login(lead)

    url = reverse("follow_up_close", args=[elm.pk, follow_up.pk])

    assert client.post(url, {"reason": "done"}).status_code == 404


def test_closing_twice_changes_nothing(client, team_organizer, lead, follow_up):
    follow_up_close(follow_up=follow_up, reason="quit", by=lead)
    client.force_login(team_organizer)

    client.post(close_url(follow_up), {"reason": "do_not_contact"})

    follow_up.refresh_from_db()
    assert follow_up.closed_reason == "quit" and follow_up.closed_by == lead
    assert not follow_up.person.do_not_contact
