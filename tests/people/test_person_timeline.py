"""The person page's one-on-ones: the conversations of each campaign the viewer may see,
newest first by when they happened, the assessment over time, the open follow-up and the
talks scheduled — with notes kept to their author and the leads where the campaign says so.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import Ask, IssueTag, ScheduledOneOnOne
from members.models import Membership
from tests import factories


def page_url(person) -> str:
    return reverse("person_detail", args=[person.pk])


def log(campaign, person, organizer, *, days_ago: float, **fields):
    data = ConversationData(
        happened_at=timezone.now() - timedelta(days=days_ago), channel="in_person", **fields
    )
    return conversation_log(campaign=campaign, person=person, organizer=organizer, data=data)


@pytest.fixture
def maria(committee, campaign):
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    factories.on_roster(campaign=campaign, person=person)
    return person


@pytest.fixture
def oak(outside_organizer):
    return outside_organizer.campaign_roles.get().campaign


@pytest.fixture
def second_organizer(committee, campaign):
    """Another organizer on Harbor's team: sees the talks, not restricted notes."""
    user = factories.member_of(
        committee, Membership.Role.ORGANIZER, email="sam@example.org", name="Sam Reyes"
    )
    factories.on_team(campaign=campaign, user=user)
    return user


def test_it_lists_conversations_newest_first_by_when_they_happened(
    client, campaign, team_organizer, maria
):
    log(campaign, maria, team_organizer, days_ago=2, assessment=3, next_step="Talk again")
    log(campaign, maria, team_organizer, days_ago=20, assessment=4, notes="First talk")
    log(campaign, maria, team_organizer, days_ago=9, assessment=2, notes="Back-dated talk")
    client.force_login(team_organizer)

    page = client.get(page_url(maria)).content.decode()

    newest = page.index("Talk again")
    assert newest < page.index("Back-dated talk") < page.index("First talk")
    trend = page[page.index("Assessment over time") :]
    assert trend.index(">4<") < trend.index(">2<") < trend.index(">3<"), "oldest first"


def test_it_shows_what_was_said(client, campaign, team_organizer, maria):
    wages = IssueTag.objects.create(campaign=campaign, name="Wages")
    card = Ask.objects.create(campaign=campaign, text="Sign a card")
    log(
        campaign,
        maria,
        team_organizer,
        days_ago=1,
        duration_minutes=15,
        issues=[wages],
        answers={card.pk: "maybe"},
        is_leader=True,
        notes="Worried about her hours",
    )
    client.force_login(team_organizer)

    page = client.get(page_url(maria)).content.decode()

    assert "In person" in page and "15 minutes" in page and "Nina Okafor" in page
    assert "Wages" in page and "Sign a card" in page and "Maybe" in page
    assert "Not assessed" in page and "Leader noted" in page
    assert "Worried about her hours" in page


def test_it_keeps_restricted_notes_to_their_author_and_leads(
    client, campaign, team_organizer, second_organizer, lead, maria
):
    campaign.notes_restricted = True
    campaign.save()
    log(campaign, maria, team_organizer, days_ago=1, assessment=2, notes="Her sister is sick")

    for reader in [team_organizer, lead]:
        client.force_login(reader)
        assert "Her sister is sick" in client.get(page_url(maria)).content.decode()

    client.force_login(second_organizer)
    page = client.get(page_url(maria)).content.decode()
    assert "Her sister is sick" not in page
    assert "Notes and the next step are visible to their author and leads." in page
    assert "2 · Supporter" in page, "the conversation itself is still shown"


def test_restricted_notes_cover_the_next_step_wherever_it_is_shown(
    client, committee, campaign, team_organizer, second_organizer, lead, maria
):
    """The next step is typed in the same one-on-one as the notes: the person page, the
    committee overview and the close-a-follow-up page keep it to its author (who must do it)
    and the leads; other organizers still see that a follow-up is due."""
    campaign.notes_restricted = True
    campaign.save()
    talk = log(
        campaign,
        maria,
        team_organizer,
        days_ago=6,
        next_step="Ask about her immigration lawyer",
        follow_up_on=timezone.localdate() - timedelta(days=2),
    )
    follow_up = talk.follow_ups.get()
    pages = [
        page_url(maria),
        reverse("committee_overview", args=[committee.pk]),
        reverse("follow_up_close", args=[campaign.pk, follow_up.pk]),
    ]

    def seen_by(user) -> list[bool]:
        client.force_login(user)
        texts = [client.get(url).content.decode() for url in pages]
        assert all("Maria" in text for text in texts), "the follow-up itself is shown"
        return ["immigration lawyer" in text for text in texts]

    assert seen_by(team_organizer) == [True, True, True]
    assert seen_by(lead) == [True, True, True]
    assert seen_by(second_organizer) == [False, False, False]
    campaign.notes_restricted = False
    campaign.save()
    assert seen_by(second_organizer) == [True, True, True]


def test_it_shows_no_conversation_of_a_campaign_the_viewer_is_not_on(
    client, campaign, oak, team_organizer, outside_organizer, maria
):
    factories.on_roster(campaign=oak, person=maria)
    log(campaign, maria, team_organizer, days_ago=1, notes="Harbor secret")
    log(
        oak,
        maria,
        outside_organizer,
        days_ago=1,
        notes="Oak talk",
        follow_up_on=timezone.localdate(),
    )
    client.force_login(outside_organizer)

    page = client.get(page_url(maria)).content.decode()

    assert "Oak talk" in page
    assert "Harbor secret" not in page and "Harbor" not in page


def test_it_shows_the_open_follow_up_overdue_and_the_scheduled_talks(
    client, campaign, team_organizer, maria
):
    soon = timezone.now() + timedelta(days=2)
    log(
        campaign,
        maria,
        team_organizer,
        days_ago=5,
        next_step="Bring her a card",
        follow_up_on=timezone.localdate() - timedelta(days=1),
        schedule_at=soon,
        schedule_place="Break room",
    )
    follow_up = maria.follow_ups.get()
    client.force_login(team_organizer)

    page = client.get(page_url(maria)).content.decode()

    assert "Overdue" in page and "Bring her a card" in page
    assert reverse("follow_up_close", args=[campaign.pk, follow_up.pk]) in page
    assert "Break room" in page and "with <bdi>Nina Okafor</bdi>" in page


def test_it_hides_cancelled_and_past_scheduled_talks(client, campaign, team_organizer, maria):
    for days, cancelled in [(-3, None), (3, timezone.now())]:
        ScheduledOneOnOne.objects.create(
            campaign=campaign,
            person=maria,
            organizer=team_organizer,
            starts_at=timezone.now() + timedelta(days=days),
            place=f"Place {days}",
            cancelled_at=cancelled,
        )
    client.force_login(team_organizer)

    page = client.get(page_url(maria)).content.decode()

    assert "Place -3" not in page and "Place 3" not in page


def test_it_reads_many_conversations_in_a_fixed_number_of_queries(
    client, campaign, team_organizer, maria, django_assert_max_num_queries
):
    wages = IssueTag.objects.create(campaign=campaign, name="Wages")
    card = Ask.objects.create(campaign=campaign, text="Sign a card")
    for days in range(12):
        log(
            campaign,
            maria,
            team_organizer,
            days_ago=days + 1,
            assessment=days % 5 + 1,
            issues=[wages],
            answers={card.pk: "yes"},
            follow_up_on=timezone.localdate(),
        )
    client.force_login(team_organizer)

    # 21: the page also lists their actions and the messages sent to them (one query each),
    # and the open sign-up drives (one; two more with any: the statuses and the signatures).
    with django_assert_max_num_queries(23):  # 21, and the membership section's two
        response = client.get(page_url(maria))

    assert len(response.context["activity"][0].conversations) == 12


def test_a_lead_restricts_notes_in_the_campaign_settings(client, campaign, lead):
    client.force_login(lead)
    url = reverse("campaign_edit", args=[campaign.pk])
    settings = {
        "kind": campaign.kind,
        "target": campaign.target,
        "code_name": campaign.code_name,
        "status": campaign.status,
        "threshold_interest": 30,
        "threshold_majority": 50,
        "threshold_super": 67,
    }

    form = client.get(url).content.decode()
    client.post(url, {**settings, "notes_restricted": "on"})
    campaign.refresh_from_db()
    restricted = campaign.notes_restricted
    client.post(url, settings)
    campaign.refresh_from_db()

    assert "Conversation notes only for their author and leads" in form
    assert restricted and not campaign.notes_restricted
