"""My list: an organizer's follow-ups, this week's one-on-ones, people gone quiet and people
not yet assessed, across their campaigns, assigned to them and nobody else."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.conversations.selectors.mylist import my_list_build
from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import Conversation, FollowUp, RosterEntry, ScheduledOneOnOne
from campaigns.roster.services import roster_remove
from members.models import Membership
from tests import factories

URL = "/my-list/"


def local(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def harbor_person(campaign, committee, team_organizer):
    def make(name: str, **fields) -> RosterEntry:
        person = factories.person(committee=committee, given_name=name, family_name="Lopez")
        return factories.on_roster(
            campaign=campaign, person=person, organizer=fields.pop("organizer", team_organizer)
        )

    return make


def follow_up(entry, organizer, due_on: date, **fields) -> FollowUp:
    return FollowUp.objects.create(
        campaign=entry.campaign, person=entry.person, organizer=organizer, due_on=due_on, **fields
    )


def talk(entry, organizer, when: datetime, assessment=None) -> Conversation:
    data = ConversationData(happened_at=when, channel="in_person", assessment=assessment)
    return conversation_log(
        campaign=entry.campaign, person=entry.person, organizer=organizer, data=data
    )


def names(rows) -> list[str]:
    return [row.person.given_name for row in rows]


@pytest.mark.django_db
def test_it_lists_overdue_follow_ups_first_then_those_due_today(harbor_person, team_organizer):
    today = timezone.localdate()
    follow_up(harbor_person("Late"), team_organizer, today - timedelta(days=3))
    follow_up(harbor_person("Today"), team_organizer, today)
    follow_up(harbor_person("Tomorrow"), team_organizer, today + timedelta(days=1))
    closed = follow_up(harbor_person("Closed"), team_organizer, today)
    FollowUp.objects.filter(pk=closed.pk).update(closed_at=timezone.now())

    my = my_list_build(team_organizer)

    assert names(my.follow_ups) == ["Late", "Today"]
    assert [f.days_late for f in my.follow_ups] == [3, 0]
    assert my.overdue_count == 1


@pytest.mark.django_db
def test_it_shows_late_follow_ups_in_words_with_a_log_button(client, harbor_person, team_organizer):
    today = timezone.localdate()
    follow_up(harbor_person("Late"), team_organizer, today - timedelta(days=3), description="Card")
    client.force_login(team_organizer)

    page = client.get(URL).content.decode()

    assert "3 days late: Card" in page
    assert "Late Lopez" in page
    assert "Harbor" in page


@pytest.mark.django_db
def test_a_next_step_is_shown_as_typed_once_escaped(client, harbor_person, team_organizer):
    entry = harbor_person("Maria")
    follow_up(entry, team_organizer, timezone.localdate(), description="Bring <b>O'Hara</b>")
    client.force_login(team_organizer)

    page = client.get(URL).content.decode()

    assert "Due today: Bring &lt;b&gt;O&#x27;Hara&lt;/b&gt;" in page


@pytest.mark.django_db
def test_today_follows_the_committee_time_zone(committee, harbor_person, team_organizer):
    committee.time_zone = "Pacific/Kiritimati"  # UTC+14: already tomorrow there, most days
    committee.save(update_fields=["time_zone"])
    today = timezone.localdate(timezone=ZoneInfo("Pacific/Kiritimati"))
    follow_up(harbor_person("Due"), team_organizer, today)

    assert names(my_list_build(team_organizer).follow_ups) == ["Due"]
    assert my_list_build(team_organizer).today == today


@pytest.mark.django_db
def test_it_leaves_out_other_organizers_items_and_removed_people(
    campaign, harbor_person, team_organizer, lead
):
    today = timezone.localdate()
    theirs = harbor_person("Theirs", organizer=lead)
    follow_up(theirs, lead, today)
    gone = harbor_person("Gone")
    follow_up(gone, team_organizer, today)
    roster_remove(entry=gone, reason="Quit")

    my = my_list_build(team_organizer)

    assert names(my.follow_ups) == []
    assert names(my.quiet.rows) == []
    assert names(my.unassessed.rows) == []


@pytest.mark.django_db
def test_it_leaves_out_campaigns_the_user_no_longer_sees(campaign, harbor_person, team_organizer):
    entry = harbor_person("Maria")
    follow_up(entry, team_organizer, timezone.localdate())
    campaign.team.filter(user=team_organizer).delete()  # taken off Harbor's team

    my = my_list_build(team_organizer)

    assert (my.follow_ups, my.quiet.total, my.unassessed.total) == ([], 0, 0)


@pytest.mark.django_db
def test_it_lists_this_weeks_one_on_ones_not_held_or_cancelled(harbor_person, team_organizer):
    today = timezone.localdate()
    for name, day, extra in [
        ("Tonight", today, {}),
        ("Friday", today + timedelta(days=3), {}),
        ("NextMonth", today + timedelta(days=30), {}),
        ("Yesterday", today - timedelta(days=1), {}),
        ("Cancelled", today + timedelta(days=1), {"cancelled_at": timezone.now()}),
    ]:
        entry = harbor_person(name)
        ScheduledOneOnOne.objects.create(
            campaign=entry.campaign,
            person=entry.person,
            organizer=team_organizer,
            starts_at=local(day, 18),
            **extra,
        )

    my = my_list_build(team_organizer)

    assert names(my.scheduled) == ["Tonight", "Friday"]
    assert [s.is_today for s in my.scheduled] == [True, False]


@pytest.mark.django_db
def test_quiet_means_twenty_one_days_by_the_committees_calendar(
    settings, committee, harbor_person, team_organizer
):
    settings.TIME_ZONE = "America/Chicago"  # for local() below
    committee.time_zone = "America/Chicago"
    committee.save(update_fields=["time_zone"])
    today = timezone.localdate()
    talk(harbor_person("Twenty"), team_organizer, local(today - timedelta(days=20), 0, 1))
    talk(harbor_person("TwentyOne"), team_organizer, local(today - timedelta(days=21), 23, 59))
    harbor_person("Never")

    my = my_list_build(team_organizer)

    assert names(my.quiet.rows) == ["Never", "TwentyOne"]
    assert [e.days_quiet for e in my.quiet.rows] == [None, 21]


@pytest.mark.django_db
def test_a_talk_on_another_campaign_does_not_count(
    committee, campaign, harbor_person, team_organizer
):
    entry = harbor_person("Maria")
    other = factories.campaign(committee=committee, code_name="Oak")
    factories.on_roster(campaign=other, person=entry.person)
    talk_on_oak = ConversationData(happened_at=timezone.now(), channel="phone")
    conversation_log(
        campaign=other, person=entry.person, organizer=team_organizer, data=talk_on_oak
    )

    assert names(my_list_build(team_organizer).quiet.rows) == ["Maria"]


@pytest.mark.django_db
def test_it_lists_unassessed_people_and_caps_long_sections(harbor_person, team_organizer):
    for i in range(5):
        harbor_person(f"New{i}")
    talk(harbor_person("Assessed"), team_organizer, timezone.now(), assessment=2)

    my = my_list_build(team_organizer, cap=3)

    assert len(my.unassessed.rows) == 3
    assert (my.unassessed.total, my.unassessed.more) == (5, 2)
    assert "Assessed" not in names(my.quiet.rows + my.unassessed.rows)


@pytest.mark.django_db
def test_after_logging_the_person_leaves_the_list(client, harbor_person, team_organizer):
    entry = harbor_person("Maria")
    follow_up(entry, team_organizer, timezone.localdate())
    client.force_login(team_organizer)
    assert "Maria Lopez" in client.get(URL).content.decode()

    talk(entry, team_organizer, timezone.now(), assessment=2)

    page = client.get(URL).content.decode()
    assert "Maria Lopez" not in page
    assert "No follow-ups due" in page


@pytest.mark.django_db
def test_each_log_opens_in_place_and_is_a_plain_link_without_javascript(
    client, harbor_person, team_organizer
):
    entry = harbor_person("Maria")
    follow_up(entry, team_organizer, timezone.localdate())  # due, never talked with, unassessed
    client.force_login(team_organizer)

    page = client.get(URL).content.decode()

    log = reverse("conversation_new", args=[entry.campaign_id, entry.person_id])
    assert page.count(f'href="{log}?next=/my-list/"') == 3
    assert page.count(f'hx-get="{log}?next=/my-list/&amp;in_place=my_list"') == 3
    # Each Log fills the slot under its own row, never another's.
    for slot in ["mylist-log-follow-ups-1", "mylist-log-quiet-1", "mylist-log-unassessed-1"]:
        assert f'hx-target="#{slot}"' in page
        assert f'<div class="mylist-slot" id="{slot}"></div>' in page
    assert "js/log-draft.js" in page
    assert "js/mylist.js" in page


def build(campaign, committee, organizer, people: int, talks_each: int) -> None:
    persons = [factories.person(committee=committee, given_name=f"P{i}") for i in range(people)]
    entries = RosterEntry.objects.bulk_create(
        RosterEntry(campaign=campaign, person=p, organizer=organizer) for p in persons
    )
    now = timezone.now()
    Conversation.objects.bulk_create(
        Conversation(
            campaign=campaign,
            person_id=e.person_id,
            organizer=organizer,
            happened_at=now - timedelta(days=7 * t + i % 40),
            channel="phone",
        )
        for i, e in enumerate(entries)
        for t in range(talks_each)
    )
    FollowUp.objects.bulk_create(
        FollowUp(campaign=campaign, person_id=e.person_id, organizer=organizer, due_on=now.date())
        for e in entries[::3]
    )
    ScheduledOneOnOne.objects.bulk_create(
        ScheduledOneOnOne(
            campaign=campaign, person_id=e.person_id, organizer=organizer, starts_at=now
        )
        for e in entries[::5]
    )


@pytest.mark.django_db
@pytest.mark.parametrize("people,talks_each", [(5, 1), (120, 4)])
def test_the_queries_do_not_grow_with_the_data(
    client, django_assert_max_num_queries, campaign, committee, team_organizer, people, talks_each
):
    build(campaign, committee, team_organizer, people, talks_each)
    client.force_login(team_organizer)

    with django_assert_max_num_queries(14):
        response = client.get(URL)

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_member_gets_404(client, member):
    client.force_login(member)

    assert client.get(URL).status_code == 404


@pytest.mark.django_db
def test_an_organizer_on_no_campaign_gets_404(client, committee):
    client.force_login(factories.member_of(committee, Membership.Role.ORGANIZER))

    assert client.get(URL).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
