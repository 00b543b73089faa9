"""My actions: a member sees the actions they are invited to or open to their campaign, answers
in one tap, and takes them to their calendar, one by one or as a feed."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from campaigns.actions.selectors.my_actions import my_actions_build
from campaigns.actions.services.calendar import calendar_ics
from campaigns.actions.services.rsvps import rsvp_set
from campaigns.models import Action, CalendarFeed, Rsvp
from members.models import Membership
from tests import factories

URL = "/my-actions/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def tomas(committee, campaign, member):
    """The member's person: on Harbor's roster, their login linked."""
    person = factories.person(committee=committee, given_name="Tomás", user=member)
    factories.on_roster(campaign=campaign, person=person)
    return person


@pytest.fixture
def make_action(committee, campaign, lead):
    def make(title: str, *, days: float = 7, hours: float = 2, **fields) -> Action:
        starts = fields.pop("starts_at", timezone.now() + timedelta(days=days))
        fields.setdefault("campaign", campaign)
        return Action.objects.create(
            committee=fields.pop("committee", committee),
            title=title,
            starts_at=starts,
            ends_at=starts + timedelta(hours=hours),
            created_by=lead,
            **fields,
        )

    return make


def invite(action: Action, person, **fields) -> Rsvp:
    return Rsvp.objects.create(action=action, person=person, invited_at=timezone.now(), **fields)


def titles(cards) -> list[str]:
    return [card.action.title for card in cards]


def htmx(client, url: str, data: dict):
    return client.post(url, data, headers={"HX-Request": "true"})


def rsvp_url(action: Action) -> str:
    return reverse("my_rsvp", args=[action.pk])


# --- Who sees what -------------------------------------------------------------------------------


def test_it_sorts_invitations_answers_and_the_past(make_action, tomas):
    invite(make_action("Waiting for me"), tomas)
    invite(make_action("Said yes", days=3), tomas, response="yes")
    invite(make_action("Said no", days=4), tomas, response="no")
    open_to_all = make_action("Open to Harbor", visibility=Action.Visibility.CAMPAIGN, days=5)
    invite(make_action("Last month", days=-30), tomas, response="yes", attended=True)

    my = my_actions_build(tomas)

    assert titles(my.invited) == ["Waiting for me"]
    assert titles(my.upcoming) == ["Said yes", "Said no", "Open to Harbor"]
    assert titles(my.past) == ["Last month"]
    assert my.upcoming[2].action == open_to_all and my.upcoming[2].rsvp is None


def test_an_outsiders_action_never_appears(make_action, tomas, committee, other_committee):
    oak = factories.campaign(committee=committee, code_name="Oak")
    make_action("Oak only", campaign=oak, visibility=Action.Visibility.CAMPAIGN)
    make_action("Harbor, invited only")
    make_action(
        "Other committee",
        committee=other_committee,
        campaign=None,
        visibility=Action.Visibility.CAMPAIGN,
    )
    make_action("Our committee, all", campaign=None, visibility=Action.Visibility.CAMPAIGN)

    my = my_actions_build(tomas)

    assert titles(my.invited + my.upcoming + my.past) == ["Our committee, all"]


def test_a_person_off_the_roster_no_longer_sees_campaign_actions(make_action, tomas):
    make_action("Open to Harbor", visibility=Action.Visibility.CAMPAIGN)
    tomas.roster_entries.update(removed_at=timezone.now())

    assert my_actions_build(tomas).upcoming == []


def test_a_cancelled_action_shows_only_to_those_who_had_an_rsvp(make_action, tomas, lead):
    mine = make_action("Mine, cancelled", cancelled_at=timezone.now(), cancelled_by=lead)
    invite(mine, tomas)
    make_action(
        "Open, cancelled", visibility=Action.Visibility.CAMPAIGN, cancelled_at=timezone.now()
    )

    my = my_actions_build(tomas)

    assert titles(my.invited) == []
    assert titles(my.upcoming) == ["Mine, cancelled"]


def test_the_page_shows_when_where_and_the_answer(client, member, make_action, tomas):
    action = make_action(
        "General meeting",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=datetime(2031, 7, 1, 22, 0, tzinfo=UTC),
        time_zone="America/New_York",
        location="Union hall, 12 Dock St",
        video_url="https://meet.example.org/harbor",
    )
    invite(action, tomas, response="yes")
    invite(make_action("Cancelled one", cancelled_at=timezone.now()), tomas)
    client.force_login(member)

    page = client.get(URL).content.decode()

    assert "Tuesday, July 1, 2031, 6 p.m. to 8 p.m. (EDT)" in page
    assert "Union hall, 12 Dock St" in page
    assert 'href="https://meet.example.org/harbor"' in page
    assert "Your answer: yes" in page
    assert "Cancelled: don" in page
    assert "Acme Logistics" not in page  # the target is never on a member's page


def test_a_login_without_a_person_is_told_to_ask_an_organizer(client, committee):
    user = factories.member_of(committee, Membership.Role.MEMBER)
    client.force_login(user)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Ask an organizer to link it" in response.content.decode()
    assert not CalendarFeed.objects.exists()


def test_the_page_reads_a_fixed_number_of_queries(
    client, member, make_action, tomas, django_assert_max_num_queries
):
    for day in range(1, 9):
        invite(make_action(f"Action {day}", days=day), tomas, response="yes" if day % 2 else "")
    client.force_login(member)
    client.get(URL)  # the calendar address is made on the first visit

    with django_assert_max_num_queries(12):
        assert client.get(URL).status_code == 200


# --- Answering -----------------------------------------------------------------------------------


def test_a_yes_moves_the_invitation_to_upcoming(client, member, make_action, tomas):
    action = make_action("Card signing party")
    invite(action, tomas)
    client.force_login(member)

    response = htmx(client, rsvp_url(action), {"response": "yes"})

    assert response.status_code == 200
    assert response["HX-Retarget"] == "#my-actions-lists"  # the card changed lists
    rsvp = Rsvp.objects.get(action=action, person=tomas)
    assert (rsvp.response, rsvp.source) == ("yes", "app")
    assert response.context["my"].invited == []
    assert "Thanks! You are on the list." in response.content.decode()


def test_an_answer_can_be_changed_and_the_card_comes_back(client, member, make_action, tomas):
    action = make_action("Card signing party")
    invite(action, tomas, response="yes")
    client.force_login(member)

    response = htmx(client, rsvp_url(action), {"response": "no", "note": "On shift"})

    assert response.status_code == 200
    assert "HX-Retarget" not in response  # still under upcoming: just the card
    page = response.content.decode()
    assert page.lstrip().startswith("<article")
    assert "Your answer: no" in page
    rsvp = Rsvp.objects.get(action=action, person=tomas)
    assert (rsvp.response, rsvp.note) == ("no", "On shift")


def test_without_javascript_the_answer_redirects_back(client, member, make_action, tomas):
    action = make_action("Card signing party", visibility=Action.Visibility.CAMPAIGN)
    client.force_login(member)

    response = client.post(rsvp_url(action), {"response": "maybe"}, follow=True)

    assert response.redirect_chain[0][0] == f"{URL}#my-action-{action.pk}"
    assert "We have you down as a maybe." in response.content.decode()
    assert Rsvp.objects.get(action=action, person=tomas).response == "maybe"


def test_no_answer_is_422_and_says_what_to_do(client, member, make_action, tomas):
    action = make_action("Card signing party")
    invite(action, tomas)
    client.force_login(member)

    response = htmx(client, rsvp_url(action), {"guests": "2"})

    assert response.status_code == 422
    assert "Choose yes, maybe or no." in response.content.decode()
    assert 'value="2"' in response.content.decode()


def test_an_answer_that_is_not_yes_maybe_or_no_says_what_to_do(client, member, make_action, tomas):
    action = make_action("Card signing party")
    invite(action, tomas)
    client.force_login(member)

    response = htmx(client, rsvp_url(action), {"response": "perhaps", "note": "Late shift"})

    assert response.status_code == 422
    assert "Choose yes, maybe or no." in response.content.decode()
    assert 'value="Late shift"' in response.content.decode()
    assert Rsvp.objects.get(action=action, person=tomas).response == ""


def test_a_yes_when_full_goes_on_the_waitlist(client, member, make_action, tomas, committee):
    action = make_action("Small training", capacity=1)
    invite(action, tomas)
    rsvp_set(
        action=action,
        person=factories.person(committee=committee),
        response="yes",
        source="organizer",
    )
    client.force_login(member)

    response = htmx(client, rsvp_url(action), {"response": "yes"})

    assert "you are on the waitlist" in response.content.decode()
    assert "Your answer: yes, on the waitlist" in response.content.decode()
    assert Rsvp.objects.get(action=action, person=tomas).is_waitlisted


def test_a_closed_action_says_so(client, member, make_action, tomas):
    action = make_action("Card signing party", rsvp_deadline=timezone.now() - timedelta(hours=1))
    invite(action, tomas)
    client.force_login(member)

    response = htmx(client, rsvp_url(action), {"response": "yes"})

    assert response.status_code == 422
    assert "RSVPs for this action closed on" in response.content.decode()
    assert Rsvp.objects.get(action=action, person=tomas).response == ""


def test_an_action_they_may_not_see_is_404(client, member, make_action, tomas, committee):
    oak = factories.campaign(committee=committee, code_name="Oak")
    action = make_action("Oak only", campaign=oak, visibility=Action.Visibility.CAMPAIGN)
    client.force_login(member)

    assert client.post(rsvp_url(action), {"response": "yes"}).status_code == 404
    assert client.get(reverse("action_ics", args=[action.pk])).status_code == 404
    assert not Rsvp.objects.exists()


# --- Calendars -----------------------------------------------------------------------------------


def test_the_ics_is_in_the_actions_zone_and_discreet(client, member, make_action, tomas):
    starts = datetime(2031, 3, 20, 23, 30, tzinfo=UTC)
    action = make_action(
        "Delegation to Acme's boss",
        kind=Action.Kind.GENERAL_MEETING,
        starts_at=starts,
        time_zone="America/New_York",
        location="Union hall",
    )
    invite(action, tomas, response="yes")
    client.force_login(member)

    response = client.get(reverse("action_ics", args=[action.pk]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].dt == starts
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    assert event["DTSTART"].dt.utcoffset() == timedelta(hours=-4)  # EDT, after the change
    assert event["DTEND"].dt == starts + timedelta(hours=2)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert str(event["SUMMARY"]) == "Harbor: General meeting"
    assert str(event["LOCATION"]) == "Union hall"
    assert b"Acme" not in response.content  # neither the target nor the title
    assert event["STATUS"] == "CONFIRMED"
    again = Calendar.from_ical(client.get(reverse("action_ics", args=[action.pk])).content)
    assert again.walk("VEVENT")[0]["UID"] == event["UID"]


def test_a_cancelled_actions_ics_says_cancelled(client, member, make_action, tomas):
    action = make_action("Picket", cancelled_at=timezone.now())
    invite(action, tomas, response="yes")
    client.force_login(member)

    response = client.get(reverse("action_ics", args=[action.pk]))

    assert Calendar.from_ical(response.content).walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_the_feed_lists_only_upcoming_yes_and_maybe(client, member, make_action, tomas):
    for title, response, days in [
        ("Yes", "yes", 3),
        ("Maybe", "maybe", 4),
        ("No", "no", 5),
        ("Unanswered", "", 6),
        ("Past yes", "yes", -3),
    ]:
        invite(make_action(title, days=days), tomas, response=response)
    make_action("Open to Harbor", visibility=Action.Visibility.CAMPAIGN)
    client.force_login(member)
    client.get(URL)
    feed = CalendarFeed.objects.get(person=tomas)
    client.logout()  # the address itself is the access

    response = client.get(reverse("calendar_feed", args=[feed.key]))

    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert response.status_code == 200
    assert len(events) == 2
    uids = {str(event["UID"]) for event in events}
    actions = Action.objects.filter(title__in=["Yes", "Maybe"])
    assert uids == {f"action-{a.pk}@127.0.0.1" for a in actions}


def test_rotating_the_feed_kills_the_old_address(client, member, tomas):
    client.force_login(member)
    page = client.get(URL).content.decode()
    old = CalendarFeed.objects.get(person=tomas).key
    assert f"/calendar/{old}.ics" in page

    response = client.post(reverse("calendar_feed_rotate"), follow=True)

    new = CalendarFeed.objects.get(person=tomas).key
    assert new != old
    assert f"/calendar/{new}.ics" in response.content.decode()
    assert "the old one no longer works" in response.content.decode()
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200


def test_a_deactivated_users_feed_stops_working(client, member, make_action, tomas):
    """Their calendar address ends with their access: the same 404 as an unknown address,
    nothing of their actions. It works again if they are reactivated."""
    invite(make_action("Yes"), tomas, response="yes")
    client.force_login(member)
    client.get(URL)
    client.logout()
    address = reverse("calendar_feed", args=[CalendarFeed.objects.get(person=tomas).key])
    member.is_active = False
    member.save()

    response = client.get(address)

    assert response.status_code == 404
    assert b"VCALENDAR" not in response.content
    member.is_active = True
    member.save()
    assert client.get(address).status_code == 200


def test_the_feed_is_made_on_the_first_visit_only(client, member, tomas):
    client.force_login(member)
    assert not CalendarFeed.objects.exists()

    client.get(URL)
    client.get(URL)

    assert CalendarFeed.objects.filter(person=tomas).count() == 1


def test_the_times_follow_daylight_saving(make_action, tomas):
    """A 6 pm meeting stays at 6 pm local on both sides of the November change."""
    zone = ZoneInfo("America/New_York")
    before = make_action(
        "Before",
        starts_at=datetime(2031, 10, 30, 18, tzinfo=zone),
        time_zone="America/New_York",
    )
    after = make_action(
        "After", starts_at=datetime(2031, 11, 6, 18, tzinfo=zone), time_zone="America/New_York"
    )
    calendar = Calendar.from_ical(calendar_ics([(before, "u"), (after, "u")]))

    starts = [event["DTSTART"].dt for event in calendar.walk("VEVENT")]
    assert [(s.hour, s.utcoffset()) for s in starts] == [
        (18, timedelta(hours=-4)),
        (18, timedelta(hours=-5)),
    ]
