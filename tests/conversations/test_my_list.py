"""My list: an organizer's follow-ups, one-on-ones, people not yet assessed and people gone
quiet, across their campaigns, assigned to them and nobody else; each person once, in the most
urgent section they belong to, ten at a time."""

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.conversations.selectors.mylist import (
    DUE_TODAY,
    OVERDUE,
    QUIET,
    THIS_WEEK,
    TODAY,
    UNASSESSED,
    my_list_build,
)
from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import Conversation, FollowUp, RosterEntry, ScheduledOneOnOne
from campaigns.roster.services import assessment_record, roster_remove
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


def assessed(entry, level: int = 3) -> RosterEntry:
    """Assessed without a conversation (at the door, by another organizer's word)."""
    assessment_record(entry=entry, level=level, happened_at=timezone.now(), recorded_by=None)
    return entry


def sections(user) -> dict[str, list[str]]:
    """Each section's names, the empty ones left out."""
    my = my_list_build(user)
    return {section.slug: names(section.rows) for section in my.sections if section.rows}


@pytest.mark.django_db
def test_it_lists_overdue_follow_ups_first_then_those_due_today(harbor_person, team_organizer):
    today = timezone.localdate()
    follow_up(harbor_person("Late"), team_organizer, today - timedelta(days=3))
    follow_up(harbor_person("Today"), team_organizer, today)
    follow_up(harbor_person("Tomorrow"), team_organizer, today + timedelta(days=1))
    closed = follow_up(harbor_person("Closed"), team_organizer, today)
    FollowUp.objects.filter(pk=closed.pk).update(closed_at=timezone.now())

    my = my_list_build(team_organizer)

    assert names(my.section(OVERDUE).rows) == ["Late"]
    assert names(my.section(DUE_TODAY).rows) == ["Today"]
    assert [f.days_late for f in my.follow_ups] == [3, 0]


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

    assert names(my_list_build(team_organizer).section(DUE_TODAY).rows) == ["Due"]
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

    assert sections(team_organizer) == {}


@pytest.mark.django_db
def test_it_leaves_out_campaigns_the_user_no_longer_sees(campaign, harbor_person, team_organizer):
    entry = harbor_person("Maria")
    follow_up(entry, team_organizer, timezone.localdate())
    campaign.team.filter(user=team_organizer).delete()  # taken off Harbor's team

    assert [section.total for section in my_list_build(team_organizer).sections] == [0] * 6


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
        entry = assessed(harbor_person(name))
        ScheduledOneOnOne.objects.create(
            campaign=entry.campaign,
            person=entry.person,
            organizer=team_organizer,
            starts_at=local(day, 18),
            **extra,
        )

    my = my_list_build(team_organizer)

    assert names(my.section(TODAY).rows) == ["Tonight"]
    assert names(my.section(THIS_WEEK).rows) == ["Friday"]


@pytest.mark.django_db
def test_quiet_means_twenty_one_days_by_the_committees_calendar(
    settings, committee, harbor_person, team_organizer
):
    settings.TIME_ZONE = "America/Chicago"  # for local() below
    committee.time_zone = "America/Chicago"
    committee.save(update_fields=["time_zone"])
    today = timezone.localdate()
    talk(harbor_person("Twenty"), team_organizer, local(today - timedelta(days=20), 0, 1), 3)
    talk(harbor_person("TwentyOne"), team_organizer, local(today - timedelta(days=21), 23, 59), 3)
    assessed(harbor_person("Never"))

    quiet = my_list_build(team_organizer).section(QUIET)

    assert names(quiet.rows) == ["Never", "TwentyOne"]
    assert [e.days_quiet for e in quiet.rows] == [None, 21]


@pytest.mark.django_db
def test_a_talk_on_another_campaign_does_not_count(
    committee, campaign, harbor_person, team_organizer
):
    entry = assessed(harbor_person("Maria"))
    other = factories.campaign(committee=committee, code_name="Oak")
    factories.on_roster(campaign=other, person=entry.person)
    talk_on_oak = ConversationData(happened_at=timezone.now(), channel="phone")
    conversation_log(
        campaign=other, person=entry.person, organizer=team_organizer, data=talk_on_oak
    )

    assert names(my_list_build(team_organizer).section(QUIET).rows) == ["Maria"]


@pytest.mark.django_db
def test_it_lists_unassessed_people_and_pages_long_sections(harbor_person, team_organizer):
    for i in range(5):
        harbor_person(f"New{i}")
    talk(harbor_person("Assessed"), team_organizer, timezone.now(), assessment=2)

    unassessed = my_list_build(team_organizer, size=3).section(UNASSESSED)

    assert names(unassessed.rows) == ["New0", "New1", "New2"]
    assert (unassessed.total, unassessed.more) == (5, 2)
    assert sections(team_organizer) == {UNASSESSED: [f"New{i}" for i in range(5)]}


@pytest.mark.django_db
def test_after_logging_the_person_leaves_the_list(client, harbor_person, team_organizer):
    entry = harbor_person("Maria")
    follow_up(entry, team_organizer, timezone.localdate())
    client.force_login(team_organizer)
    assert "Maria Lopez" in client.get(URL).content.decode()

    talk(entry, team_organizer, timezone.now(), assessment=2)

    page = client.get(URL).content.decode()
    assert "Maria Lopez" not in page
    assert "Nothing to do right now" in page


@pytest.mark.django_db
def test_each_log_opens_in_place_and_is_a_plain_link_without_javascript(
    client, harbor_person, team_organizer
):
    maria = harbor_person("Maria")
    follow_up(maria, team_organizer, timezone.localdate())  # due, never talked with, unassessed
    kwame = harbor_person("Kwame")  # never talked with, unassessed
    client.force_login(team_organizer)

    page = client.get(URL).content.decode()

    for entry in (maria, kwame):
        log = reverse("conversation_new", args=[entry.campaign_id, entry.person_id])
        assert page.count(f'href="{log}?next=/my-list/"') == 1  # once: in one section
        assert page.count(f'hx-get="{log}?next=/my-list/&amp;in_place=my_list"') == 1
    # Each Log fills the slot under its own row, never another's.
    for slot in ["mylist-log-due-today-1", "mylist-log-unassessed-1"]:
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

    # Six sections, one query each; one for the supporters who have not signed (three with a
    # drive running: tests/conversations/test_my_list_unsigned.py); one for the members behind
    # on dues (two with members among mine: tests/power/test_dues_reminders.py).
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


def one_on_one(entry, organizer, when: datetime) -> ScheduledOneOnOne:
    return ScheduledOneOnOne.objects.create(
        campaign=entry.campaign, person=entry.person, organizer=organizer, starts_at=when
    )


@pytest.mark.django_db
def test_each_person_shows_once_in_the_most_urgent_section(harbor_person, team_organizer):
    today = timezone.localdate()
    # Overdue AND unassessed AND never talked with AND a one-on-one today: overdue only.
    everything = harbor_person("Everything")
    follow_up(everything, team_organizer, today - timedelta(days=2))
    one_on_one(everything, team_organizer, local(today, 23, 30))
    # A one-on-one today and a follow-up due today, unassessed: the one-on-one.
    meeting = harbor_person("Meeting")
    one_on_one(meeting, team_organizer, local(today, 0, 30))
    follow_up(meeting, team_organizer, today)
    # Due today, unassessed, a one-on-one on Friday: due today.
    due = harbor_person("Due")
    follow_up(due, team_organizer, today)
    one_on_one(due, team_organizer, local(today + timedelta(days=3)))
    # Unassessed with a one-on-one this week: unassessed.
    new = harbor_person("New")
    one_on_one(new, team_organizer, local(today + timedelta(days=2)))
    # Assessed, never talked with, two one-on-ones this week: this week, once, the earliest.
    week = assessed(harbor_person("Week"))
    one_on_one(week, team_organizer, local(today + timedelta(days=5)))
    one_on_one(week, team_organizer, local(today + timedelta(days=1)))
    # Assessed, never talked with, nothing planned: quiet.
    assessed(harbor_person("Quiet"))

    my = my_list_build(team_organizer)

    assert sections(team_organizer) == {
        OVERDUE: ["Everything"],
        TODAY: ["Meeting"],
        DUE_TODAY: ["Due"],
        UNASSESSED: ["New"],
        THIS_WEEK: ["Week"],
        QUIET: ["Quiet"],
    }
    assert [section.total for section in my.sections] == [1, 1, 1, 1, 1, 1]
    assert my.section(THIS_WEEK).rows[0].starts_at == local(today + timedelta(days=1))


@pytest.mark.django_db
def test_the_page_shows_the_sections_in_order_each_with_its_count_and_a_jump_link(
    client, harbor_person, team_organizer
):
    today = timezone.localdate()
    for i in range(3):
        follow_up(harbor_person(f"Late{i}"), team_organizer, today - timedelta(days=1))
    for i in range(2):
        harbor_person(f"New{i}")
    client.force_login(team_organizer)

    page = client.get(URL).content.decode()

    overdue = page.index(
        '<h2 id="mylist-overdue-h">Overdue follow-ups <span class="mylist-count">3'
    )
    unassessed = page.index('Not assessed yet <span class="mylist-count">2</span></h2>')
    assert overdue < unassessed
    assert page.count("<details open>") == 2  # each section folds away; empty ones not shown
    assert '<a href="#mylist-overdue">Overdue <span class="mylist-count">3</span></a>' in page
    assert '<a href="#mylist-unassessed">Not assessed <span class="mylist-count">2</span>' in page
    assert 'href="#mylist-quiet"' not in page


def many_unassessed(harbor_person, count: int) -> None:
    for i in range(1, count + 1):
        harbor_person(f"P{i:02}")


@pytest.mark.django_db
def test_a_long_section_shows_ten_and_links_to_the_rest(client, harbor_person, team_organizer):
    many_unassessed(harbor_person, 25)
    client.force_login(team_organizer)

    page = client.get(URL).content.decode()

    assert "P10 Lopez" in page
    assert "P11 Lopez" not in page
    assert 'href="/my-list/unassessed/?page=2"' in page
    assert 'hx-get="/my-list/unassessed/?page=2"' in page
    assert "Show 10 more of 15" in page


@pytest.mark.django_db
def test_page_two_without_javascript_is_a_page_of_its_own(
    client, harbor_person, team_organizer, django_assert_max_num_queries
):
    many_unassessed(harbor_person, 25)
    client.force_login(team_organizer)

    with django_assert_max_num_queries(10):
        response = client.get("/my-list/unassessed/?page=2")

    page = response.content.decode()
    assert "<html" in page
    shown = [f"P{i:02}" for i in range(1, 26) if f"P{i:02} Lopez" in page]
    assert shown == [f"P{i}" for i in range(11, 21)]
    assert "11 to 20 of 25" in page
    assert "Page 2 of 3" in page
    assert re.search(r'href="\?page=1"\s+rel="prev"', page)
    assert re.search(r'href="\?page=3"\s+rel="next"', page)
    # Log opens the form's own page and comes back here; no slot to open it in.
    assert "next=/my-list/unassessed/%3Fpage%3D2" in page
    assert "hx-get" not in page.split('id="main"')[1]
    assert "HX-Request" in response.headers["Vary"]


@pytest.mark.django_db
def test_page_two_with_htmx_is_the_next_rows_alone_in_place_of_the_link(
    client, harbor_person, team_organizer
):
    many_unassessed(harbor_person, 25)
    client.force_login(team_organizer)

    page = client.get("/my-list/unassessed/?page=2", headers={"HX-Request": "true"})

    html = page.content.decode()
    assert "<html" not in html
    assert html.strip().startswith('<li class="mylist-item">')
    shown = [f"P{i:02}" for i in range(1, 26) if f"P{i:02} Lopez" in html]
    assert shown == [f"P{i}" for i in range(11, 21)]
    assert html.count("autofocus") == 1  # the keyboard goes on at the first new row
    assert 'hx-target="#mylist-log-unassessed-11"' in html  # slots numbered on from page 1
    assert 'hx-get="/my-list/unassessed/?page=3"' in html
    assert "Show 5 more" in html


@pytest.mark.django_db
def test_the_last_page_has_no_more_link_and_a_page_past_the_end_goes_to_the_last(
    client, harbor_person, team_organizer
):
    many_unassessed(harbor_person, 12)
    client.force_login(team_organizer)

    last = client.get("/my-list/unassessed/?page=2", headers={"HX-Request": "true"})
    past = client.get("/my-list/unassessed/?page=7")

    assert "P12 Lopez" in last.content.decode()
    assert "mylist-more" not in last.content.decode()
    assert past.status_code == 302
    assert past["Location"] == "/my-list/unassessed/?page=2"
    assert "P01 Lopez" in client.get("/my-list/unassessed/?page=x").content.decode()


@pytest.mark.django_db
def test_a_section_that_does_not_exist_is_404(client, team_organizer):
    client.force_login(team_organizer)

    assert client.get("/my-list/everyone/").status_code == 404
