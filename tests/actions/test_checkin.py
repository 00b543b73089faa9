"""At the door and afterwards: an organizer checks people in with one tap (and undoes it),
adds walk-ins, closes out the action, and reads turnout by where people stood when it started;
the person page keeps each person's history of actions. Outsiders see none of it."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.actions.selectors.turnout import rsvp_counts, turnout_by_level
from campaigns.actions.services.checkin import action_close_out, attendance_set, walk_in_add
from campaigns.models import Action, RosterEntry, Rsvp
from campaigns.roster.services import assessment_record
from members.models import Person, PersonEmail, PersonPhone
from tests import factories

HTMX = {"HX-Request": "true"}


def make_action(committee, campaign, *, starts_in=timedelta(hours=1), **fields) -> Action:
    starts = timezone.now() + starts_in
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title=fields.pop("title", "Thursday meeting"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone="America/Chicago",
        **fields,
    )


def invite(action, person, response="") -> Rsvp:
    return Rsvp.objects.create(
        action=action, person=person, invited_at=timezone.now(), response=response
    )


def on_campaign(committee, campaign, given: str, family: str = "Lopez") -> Person:
    person = factories.person(committee=committee, given_name=given, family_name=family)
    factories.on_roster(campaign=campaign, person=person)
    return person


@pytest.fixture
def action(committee, campaign):
    return make_action(committee, campaign)


@pytest.fixture
def invited(committee, campaign, action):
    """Ana said yes, Bea maybe, Cy was invited and has not answered, Dee said no."""
    people = {}
    for given, response in [("Ana", "yes"), ("Bea", "maybe"), ("Cy", ""), ("Dee", "no")]:
        people[given] = on_campaign(committee, campaign, given, family="Moreno")
        invite(action, people[given], response)
    return people


def checkin_url(action, person=None) -> str:
    if person is None:
        return reverse("action_checkin", args=[action.pk])
    return reverse("action_checkin_person", args=[action.pk, person.pk])


def names(response) -> list[str]:
    return [row.person.display_name for row in response.context["rows"]]


# --- The door ------------------------------------------------------------------------------------


def test_it_lists_yes_then_maybe_then_no_answer_and_leaves_out_the_noes(
    client, team_organizer, action, invited
):
    client.force_login(team_organizer)

    response = client.get(checkin_url(action))

    assert response.status_code == 200
    assert names(response) == ["Ana Moreno", "Bea Moreno", "Cy Moreno"]
    html = response.content.decode()
    assert "0 checked in" in html
    assert 'aria-label="Check in Ana Moreno"' in html


def test_it_checks_someone_in_with_one_tap_and_one_more_tap_undoes_it(
    client, team_organizer, action, invited
):
    client.force_login(team_organizer)
    ana = invited["Ana"]

    response = client.post(checkin_url(action, ana), headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="checkin-row-{ana.pk}"' in html and "Undo" in html
    assert 'id="checkin-count" class="checkin-count" aria-live="polite" hx-swap-oob="true"' in html
    assert "1 checked in" in html
    rsvp = Rsvp.objects.get(action=action, person=ana)
    assert rsvp.attended is True
    assert rsvp.checked_in_by == team_organizer
    assert rsvp.checked_in_at is not None

    html = client.post(checkin_url(action, ana), headers=HTMX).content.decode()

    assert "0 checked in" in html and 'aria-label="Check in Ana Moreno"' in html
    rsvp.refresh_from_db()
    assert (rsvp.attended, rsvp.checked_in_at, rsvp.checked_in_by) == (None, None, None)
    assert rsvp.response == "yes"  # the answer is untouched


def test_without_htmx_the_tap_goes_back_to_the_list(client, team_organizer, action, invited):
    client.force_login(team_organizer)

    response = client.post(checkin_url(action, invited["Bea"]))

    assert response.status_code == 302
    assert response["Location"] == checkin_url(action)
    assert Rsvp.objects.get(action=action, person=invited["Bea"]).attended is True


def test_it_finds_a_misspelt_name_among_everyone_on_the_list(
    client, team_organizer, committee, campaign, action, invited
):
    invite(action, on_campaign(committee, campaign, "Maria", "Lopez"), "no")
    client.force_login(team_organizer)

    response = client.get(checkin_url(action), {"q": "Mria Lopes"}, headers=HTMX)

    assert names(response)[0] == "Maria Lopez"  # a no, found all the same: she came
    assert "Ana Moreno" not in names(response)
    assert "<html" not in response.content.decode()  # just the list


def test_a_phone_search_at_the_door_takes_the_same_number_of_queries_for_more_matches(
    client, team_organizer, committee, campaign, action
):
    def add(given: str, number: str) -> None:
        person = on_campaign(committee, campaign, given)
        PersonPhone.objects.create(person=person, number=number, is_primary=True)
        invite(action, person, "yes")

    add("Ana", "+13125550100")
    client.force_login(team_organizer)
    search = {"q": "555-0100"}
    client.get(checkin_url(action), search, headers=HTMX)  # warm the session
    with CaptureQueriesContext(connection) as few:
        response = client.get(checkin_url(action), search, headers=HTMX)
    assert names(response) == ["Ana Lopez"]
    for i in range(1, 6):
        add(f"Extra{i}", f"+13{i}25550100")  # a shared number: a family's landline

    with CaptureQueriesContext(connection) as many:
        response = client.get(checkin_url(action), search, headers=HTMX)

    assert len(names(response)) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_checking_in_someone_not_on_the_list_makes_them_a_walk_in_and_undo_forgets_it(
    client, team_organizer, committee, campaign, action
):
    zoe = on_campaign(committee, campaign, "Zoe", "Park")
    client.force_login(team_organizer)

    client.post(checkin_url(action, zoe), headers=HTMX)

    rsvp = Rsvp.objects.get(action=action, person=zoe)
    assert (rsvp.source, rsvp.attended, rsvp.invited_at) == ("walk_in", True, None)

    client.post(checkin_url(action, zoe), headers=HTMX)

    assert not Rsvp.objects.filter(action=action, person=zoe).exists()


def test_a_person_nobody_may_see_cannot_be_checked_in(
    client, team_organizer, committee, action, other_committee
):
    stranger = factories.person(committee=other_committee, given_name="Ivo")
    off_roster = factories.person(committee=committee, given_name="Uma")  # on no roster
    client.force_login(team_organizer)

    for person in (stranger, off_roster):
        assert client.post(checkin_url(action, person), headers=HTMX).status_code == 404
    assert not Rsvp.objects.exists()


def test_a_cancelled_action_refuses_check_in_and_says_why(client, team_organizer, action, invited):
    action.cancelled_at = timezone.now()
    action.save()
    client.force_login(team_organizer)

    page = client.get(checkin_url(action)).content.decode()
    response = client.post(checkin_url(action, invited["Ana"]), follow=True)

    assert "This action was cancelled: there is no check-in." in page
    assert 'aria-label="Check in' not in page
    assert "This action was cancelled: there is no check-in." in response.content.decode()
    assert Rsvp.objects.get(action=action, person=invited["Ana"]).attended is None
    assert (
        client.post(
            reverse("action_walk_in", args=[action.pk]), {"given_name": "X", "phone": "3125550100"}
        ).status_code
        == 422
    )
    assert not Person.objects.filter(given_name="X").exists()


# --- Walk-ins ----------------------------------------------------------------------------------


def walk_in(client, action, **data):
    return client.post(reverse("action_walk_in", args=[action.pk]), data)


def test_a_walk_in_new_person_lands_on_the_roster_checked_in(
    client, team_organizer, campaign, action
):
    client.force_login(team_organizer)

    response = walk_in(
        client, action, given_name="Rafa", family_name="Ortiz", phone="(312) 555-0177"
    )

    assert response.status_code == 302 and response["Location"] == checkin_url(action)
    rafa = Person.objects.get(given_name="Rafa", family_name="Ortiz")
    assert rafa.phones.get().number == "+13125550177"
    assert RosterEntry.objects.filter(campaign=campaign, person=rafa, removed_at=None).exists()
    rsvp = Rsvp.objects.get(action=action, person=rafa)
    assert (rsvp.source, rsvp.attended, rsvp.created_person) == ("walk_in", True, True)
    page = client.get(checkin_url(action)).content.decode()
    assert "Rafa Ortiz is checked in as a walk-in." in page
    assert "1 checked in" in page


def test_a_walk_in_needs_a_way_to_reach_them_and_keeps_what_was_typed(
    client, team_organizer, action
):
    client.force_login(team_organizer)

    response = walk_in(client, action, given_name="Rafa")

    assert response.status_code == 422
    html = response.content.decode()
    assert "Add a phone number or an email, so someone can follow up." in html
    assert 'value="Rafa"' in html
    assert not Person.objects.filter(given_name="Rafa").exists()


def test_a_walk_in_with_a_known_email_is_the_same_person(
    client, team_organizer, committee, campaign, action
):
    """Known to the organizer: on the roster of a campaign of theirs (someone they may not
    see is someone new: tests/people/test_matching_limits.py)."""
    known = factories.person(committee=committee, given_name="Lena", family_name="Berg")
    PersonEmail.objects.create(person=known, email="lena@example.org", is_primary=True)
    factories.on_roster(campaign=campaign, person=known)
    client.force_login(team_organizer)

    walk_in(client, action, given_name="Lena", email="LENA@example.org")

    assert Person.objects.filter(given_name="Lena").count() == 1
    rsvp = Rsvp.objects.get(action=action, person=known)
    assert rsvp.attended is True and not rsvp.created_person
    assert RosterEntry.objects.filter(campaign=campaign, person=known).exists()


def test_the_walk_in_search_finds_the_committees_people_i_may_see(
    client, team_organizer, committee, campaign, action, other_committee
):
    on_campaign(committee, campaign, "Oskar", "Lind")
    factories.person(committee=other_committee, given_name="Oskar", family_name="Lindqvist")
    client.force_login(team_organizer)

    response = client.get(reverse("action_walk_in", args=[action.pk]), {"q": "oskar"}, headers=HTMX)

    found = [row.person.display_name for row in response.context["results"]]
    assert found == ["Oskar Lind"]
    assert 'aria-label="Check in Oskar Lind"' in response.content.decode()


# --- Closing out -----------------------------------------------------------------------------


def test_close_out_makes_each_yes_not_checked_in_a_no_show(team_organizer, committee, campaign):
    past = make_action(committee, campaign, starts_in=-timedelta(hours=3), title="Rally")
    came, stayed_home, waiting = (on_campaign(committee, campaign, n) for n in "ABC")
    invite(past, came, "yes")
    invite(past, stayed_home, "yes")
    invite(past, on_campaign(committee, campaign, "Maybe"), "maybe")
    Rsvp.objects.create(action=past, person=waiting, response="yes", waitlisted_at=timezone.now())
    attendance_set(action=past, person=came, attended=True, by=team_organizer)

    assert action_close_out(action=past, by=team_organizer) == 1

    attended = dict(past.rsvps.values_list("person__given_name", "attended"))
    assert attended == {"A": True, "B": False, "C": None, "Maybe": None}


def test_close_out_waits_for_the_action_to_start(client, team_organizer, action, invited):
    with pytest.raises(ValidationError, match="after the action has started"):
        action_close_out(action=action, by=team_organizer)

    client.force_login(team_organizer)
    response = client.post(reverse("action_close_out", args=[action.pk]), follow=True)

    assert "Close out after the action has started" in response.content.decode()
    assert not Rsvp.objects.filter(attended=False).exists()


def test_an_organizer_closes_out_from_the_turnout_page_and_flips_one_person(
    client, team_organizer, committee, campaign
):
    past = make_action(committee, campaign, starts_in=-timedelta(hours=3))
    ana, ben = on_campaign(committee, campaign, "Ana"), on_campaign(committee, campaign, "Ben")
    invite(past, ana, "yes")
    invite(past, ben, "yes")
    client.force_login(team_organizer)
    turnout_url = reverse("action_turnout", args=[past.pk])

    page = client.get(turnout_url).content.decode()
    assert "2 people said yes and were not checked in." in page
    response = client.post(reverse("action_close_out", args=[past.pk]), follow=True)
    assert "Closed out: 2 no-shows recorded." in response.content.decode()

    # Ben came after all: the organizer flips him from no-show to came.
    response = client.post(
        checkin_url(past, ben), {"attended": "yes", "next": turnout_url}, follow=True
    )

    assert response.redirect_chain[-1][0] == turnout_url
    assert dict(past.rsvps.values_list("person__given_name", "attended")) == {
        "Ana": False,
        "Ben": True,
    }
    assert response.context["turnout"].turnout == 50


# --- Turnout -------------------------------------------------------------------------------------


@pytest.fixture
def meeting(committee, campaign, team_organizer):
    """A meeting three days ago, counted by hand:

    | who | answer          | as of the start          | today | came        |
    |-----|-----------------|--------------------------|-------|-------------|
    | Ana | yes             | 2 (back-dated, typed last)| 4     | yes         |
    | Ben | yes             | 1                        | 1     | no-show     |
    | Cleo| yes             | unassessed (first after) | 3     | yes         |
    | Hal | yes             | 2                        | 1     | no-show     |
    | Dev | maybe           | 3                        | 3     | —           |
    | Eli | no              | 5                        | 5     | —           |
    | Fay | invited, silent | 4 (2 earlier)            | 4     | —           |
    | Gus | walk-in (new)   | unassessed               | —     | yes         |

    invited 7, yes 4, maybe 1, no 1, no answer 1, came 3, no-shows 2, walk-ins 1. Turnout is
    came ÷ said yes: 2 of the 4 yeses came, 50% (Gus, the walk-in, is not in it).
    """
    start = timezone.now() - timedelta(days=3)
    action = make_action(committee, campaign, starts_in=start - timezone.now())
    rows = [
        ("Ana", "yes", [(4, 1), (2, -10)]),  # today's 4 typed first, the back-dated 2 after
        ("Ben", "yes", [(1, -5)]),
        ("Cleo", "yes", [(3, 1)]),
        ("Hal", "yes", [(2, -2), (1, 2)]),
        ("Dev", "maybe", [(3, -3)]),
        ("Eli", "no", [(5, -7)]),
        ("Fay", "", [(2, -20), (4, -1)]),
    ]
    people = {}
    for given, response, records in rows:
        people[given] = on_campaign(committee, campaign, given, family="Test")
        entry = RosterEntry.objects.get(campaign=campaign, person=people[given])
        for level, days in records:
            assessment_record(
                entry=entry,
                level=level,
                happened_at=start + timedelta(days=days),
                recorded_by=team_organizer,
            )
        invite(action, people[given], response)
    for given in ("Ana", "Cleo"):
        attendance_set(action=action, person=people[given], attended=True, by=team_organizer)
    walk_in_add(action=action, given_name="Gus", phone="+13125550111", by=team_organizer)
    action_close_out(action=action, by=team_organizer)
    return action


def test_turnout_counts_match_the_hand_count(client, team_organizer, meeting):
    client.force_login(team_organizer)

    response = client.get(reverse("action_turnout", args=[meeting.pk]))

    numbers = response.context["turnout"]
    assert (numbers.invited, numbers.yes, numbers.maybe, numbers.no, numbers.no_answer) == (
        7,
        4,
        1,
        1,
        1,
    )
    assert (numbers.attended, numbers.no_shows, numbers.walk_ins) == (3, 2, 1)
    assert numbers.turnout == 50
    html = response.content.decode()
    assert '<strong id="turnout-rate">50%</strong>' in html
    assert "2 of the 4 people who said yes came." in html


def test_turnout_by_assessment_is_as_of_the_start_not_today(client, team_organizer, meeting):
    client.force_login(team_organizer)

    response = client.get(reverse("action_turnout", args=[meeting.pk]))

    table = {row.level: (row.yes, row.came) for row in response.context["levels"]}
    assert table == {1: (1, 0), 2: (2, 1), 3: (0, 0), 4: (0, 0), 5: (0, 0), None: (1, 2)}
    html = response.content.decode()
    assert '<tr id="turnout-level-2"><th scope="row">2 · Supporter, will act publicly</th>' in html
    assert "<td>2</td><td>1</td>" in html


def test_turnout_says_a_dash_when_nobody_said_yes(client, team_organizer, action):
    client.force_login(team_organizer)

    html = client.get(reverse("action_turnout", args=[action.pk])).content.decode()

    assert '<strong id="turnout-rate">—</strong>' in html


def test_turnout_takes_the_same_number_of_queries_for_more_people(
    client, team_organizer, committee, campaign, meeting
):
    client.force_login(team_organizer)
    url = reverse("action_turnout", args=[meeting.pk])
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(8):
        person = on_campaign(committee, campaign, f"Extra{i}")
        entry = RosterEntry.objects.get(person=person)
        assessment_record(
            entry=entry,
            level=i % 5 + 1,
            happened_at=meeting.starts_at - timedelta(days=1),
            recorded_by=None,
        )
        invite(meeting, person, "yes")
        attendance_set(action=meeting, person=person, attended=i % 2 == 0, by=team_organizer)

    with CaptureQueriesContext(connection) as many:
        client.get(url)

    assert len(many.captured_queries) == len(few.captured_queries) <= 12


def test_a_committee_wide_action_reads_each_persons_assessment_on_any_roster_they_are_on(
    committee, campaign, lead
):
    other = factories.campaign(committee=committee, code_name="Oak")
    wide = make_action(committee, None, starts_in=-timedelta(days=1), title="General meeting")
    ana = on_campaign(committee, campaign, "Ana")
    factories.on_roster(campaign=other, person=ana)
    harbor = RosterEntry.objects.get(campaign=campaign, person=ana)
    oak = RosterEntry.objects.get(campaign=other, person=ana)
    # Harbor assessed her a 3 a week before; Oak a 2 two days before (the latest counts), and a
    # removed Oak entry's record does not count at all.
    assessment_record(
        entry=harbor, level=3, happened_at=wide.starts_at - timedelta(days=7), recorded_by=None
    )
    assessment_record(
        entry=oak, level=2, happened_at=wide.starts_at - timedelta(days=2), recorded_by=None
    )
    invite(wide, ana, "yes")
    attendance_set(action=wide, person=ana, attended=True, by=lead)

    table = {row.level: (row.yes, row.came) for row in turnout_by_level(action=wide, user=lead)}

    assert table[2] == (1, 1) and table[3] == (0, 0)
    assert rsvp_counts(wide).turnout == 100


# --- The person page -----------------------------------------------------------------------


def test_the_person_page_shows_their_actions_newest_first_with_attendance(
    client, team_organizer, committee, campaign
):
    ana = on_campaign(committee, campaign, "Ana", "Moreno")
    older = make_action(committee, campaign, starts_in=-timedelta(days=20), title="Safety walk")
    newer = make_action(committee, campaign, starts_in=-timedelta(days=2), title="Card party")
    upcoming = make_action(committee, campaign, starts_in=timedelta(days=5), title="Picket")
    hidden = make_action(
        committee, factories.campaign(committee=committee, code_name="Oak"), title="Oak social"
    )
    for act in (older, newer, upcoming, hidden):
        invite(act, ana, "yes")
    attendance_set(action=older, person=ana, attended=True, by=team_organizer)
    action_close_out(action=newer, by=team_organizer)
    client.force_login(team_organizer)

    response = client.get(reverse("person_detail", args=[ana.pk]))

    html = response.content.decode()
    section = html[html.index('id="people-actions-title"') :]
    assert section.index("Picket") < section.index("Card party") < section.index("Safety walk")
    assert "Oak social" not in html  # an action on a campaign I am not on
    rows = {rsvp.action.title: rsvp.attended for rsvp in response.context["action_history"]}
    assert rows == {"Picket": None, "Card party": False, "Safety walk": True}
    card_party = section[section.index("Card party") : section.index("Safety walk")]
    assert "No-show" in card_party
    safety_walk = section[section.index("Safety walk") :]
    assert "✓ Came" in safety_walk[: safety_walk.index("</li>")]


def test_the_date_on_the_person_page_is_the_actions_own(client, lead, committee, campaign):
    ana = on_campaign(committee, campaign, "Ana")
    # 03:30 UTC on 2 March is still 1 March in Chicago.
    starts = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)
    late = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Night shift meeting",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        time_zone="America/Chicago",
    )
    invite(late, ana, "yes")
    client.force_login(lead)

    html = client.get(reverse("person_detail", args=[ana.pk])).content.decode()

    assert '<time datetime="2026-03-01">' in html


# --- Outsiders ---------------------------------------------------------------------------------


def test_an_outsider_gets_404_everywhere_and_changes_nothing(
    client, outsider, outside_organizer, action, invited
):
    for user in (outsider, outside_organizer):
        client.force_login(user)
        for name in ("action_checkin", "action_walk_in", "action_turnout"):
            assert client.get(reverse(name, args=[action.pk])).status_code == 404
        assert client.post(checkin_url(action, invited["Ana"]), headers=HTMX).status_code == 404
        assert walk_in(client, action, given_name="Spy", phone="3125550100").status_code == 404

    assert not Rsvp.objects.filter(attended__isnull=False).exists()
    assert not Person.objects.filter(given_name="Spy").exists()
