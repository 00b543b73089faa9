"""The emailed RSVP link: a member answers in one tap without logging in; opening the link
changes nothing; a tampered, foreign or stale link changes nothing either."""

import base64
import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.actions.services.links import rsvp_link_token
from campaigns.models import Action, Rsvp
from campaigns.roster.services import roster_remove
from members.models import PersonEmail
from tests import factories

OLD_SALT = "majority.rsvp-link"  # what links were signed with before they became opaque


def an_action(committee, campaign, **fields) -> Action:
    starts = timezone.now() + timedelta(days=7)
    fields = {
        "title": "Card signing party",
        "kind": Action.Kind.SOCIAL,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=2),
        "time_zone": "America/Chicago",
        "location": "Union hall, 12 Dock Street",
        **fields,
    }
    return Action.objects.create(committee=committee, campaign=campaign, **fields)


def invite(action, person, lead) -> Rsvp:
    return Rsvp.objects.create(
        action=action, person=person, invited_at=timezone.now(), invited_by=lead
    )


def link(action, person) -> str:
    return reverse("rsvp_link", args=[rsvp_link_token(action=action, person=person)])


@pytest.fixture
def action(committee, campaign):
    return an_action(committee, campaign)


@pytest.fixture
def ana(committee):
    person = factories.person(committee=committee, given_name="Ana", family_name="Reyes")
    PersonEmail.objects.create(person=person, email="ana@example.org", is_primary=True)
    return person


@pytest.fixture
def rsvp(action, ana, lead):
    return invite(action, ana, lead)


@pytest.fixture
def url(action, ana, rsvp):
    return link(action, ana)


@pytest.fixture
def visitor():
    """Anonymous, and checking CSRF as a browser would (the link's page needs none)."""
    return Client(enforce_csrf_checks=True)


def answer(client: Client, url: str, **data):
    """Open the link, then press a button on the page, and land where the browser lands (a
    saved answer redirects back to the page)."""
    assert client.get(url).status_code in {200, 404, 409, 410}
    return client.post(url, data, follow=True)


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


# --- Answering ----------------------------------------------------------------------------------


def test_it_shows_the_action_and_changes_nothing(visitor, url, rsvp):
    response = visitor.get(url)

    assert response.status_code == 200
    page = text(response)
    assert "Card signing party" in page and "Harbor" in page
    assert "(America/Chicago)" in page
    assert "Union hall, 12 Dock Street" in page
    assert "You haven't answered yet." in page
    for button in ['value="yes"', 'value="maybe"', 'value="no"']:
        assert button in page
    assert not visitor.cookies  # nothing kept in the member's browser
    assert "no-store" in response["Cache-Control"]
    before = rsvp.updated_at
    rsvp.refresh_from_db()
    assert (rsvp.response, rsvp.responded_at, rsvp.updated_at) == ("", None, before)


def test_it_shows_the_time_where_the_action_happens(visitor, committee, campaign, ana, lead):
    starts = datetime(2031, 6, 10, 15, 30, tzinfo=UTC)  # 17:30 in Madrid, summer time
    action = an_action(
        committee,
        campaign,
        time_zone="Europe/Madrid",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
    )
    invite(action, ana, lead)

    page = text(visitor.get(link(action, ana)))

    assert "Tuesday, June 10, 2031, 5:30 p.m. – 6:30 p.m." in page
    assert "(Europe/Madrid)" in page


def test_it_shows_the_current_answer(visitor, url, rsvp):
    Rsvp.objects.filter(pk=rsvp.pk).update(response="yes", guests=2)

    page = text(visitor.get(url))

    assert "Your answer: yes, with 2 guests." in page
    assert 'value="yes" aria-pressed="true"' in page


def test_one_tap_says_yes(visitor, url, rsvp):
    response = answer(visitor, url, response="yes")

    assert response.status_code == 200
    assert "You're coming. See you there!" in text(response)
    rsvp.refresh_from_db()
    assert (rsvp.response, rsvp.source, rsvp.guests) == ("yes", "email", 0)
    assert rsvp.responded_at is not None


@pytest.mark.parametrize(
    ("choice", "says"),
    [("maybe", "Thanks: we noted you as a maybe."), ("no", "Thanks, we'll miss you.")],
)
def test_maybe_and_no_are_thanked(visitor, url, rsvp, choice, says):
    response = answer(visitor, url, response=choice)

    assert response.status_code == 200 and says in text(response)
    rsvp.refresh_from_db()
    assert rsvp.response == choice


def test_guests_and_a_note_come_with_the_answer(visitor, url, rsvp):
    answer(visitor, url, response="yes", guests="2", note="Bringing my cousin")

    rsvp.refresh_from_db()
    assert (rsvp.response, rsvp.guests, rsvp.note) == ("yes", 2, "Bringing my cousin")


def test_a_yes_to_a_full_action_joins_the_waitlist(visitor, committee, campaign, ana, lead):
    action = an_action(committee, campaign, capacity=1)
    other = factories.person(committee=committee, given_name="Bo")
    Rsvp.objects.create(action=action, person=other, response="yes")
    invite(action, ana, lead)

    response = answer(visitor, link(action, ana), response="yes")

    assert "You're on the waitlist: we'll email you if a place opens." in text(response)
    assert Rsvp.objects.get(action=action, person=ana).waitlisted_at is not None


def test_a_post_without_an_answer_asks_again(visitor, url, rsvp):
    response = answer(visitor, url, note="See you")

    assert response.status_code == 422
    page = text(response)
    assert "Choose yes, maybe or no." in page
    assert 'value="See you"' in page  # what they typed is kept
    rsvp.refresh_from_db()
    assert rsvp.response == ""


def test_a_bad_guest_count_asks_again(visitor, url, rsvp):
    response = answer(visitor, url, response="yes", guests="-1")

    assert response.status_code == 422
    assert "greater than or equal to 0" in text(response)
    rsvp.refresh_from_db()
    assert rsvp.response == ""


def test_a_browser_that_keeps_no_cookies_can_answer(url, rsvp):
    """Some mail apps open links in a browser that keeps no cookies: the signed link is the
    key, so there is no CSRF cookie to lose (a forged POST would need the link itself)."""
    response = Client(enforce_csrf_checks=True).post(url, {"response": "yes"})

    assert response.status_code == 303
    rsvp.refresh_from_db()
    assert rsvp.response == "yes"


def test_a_tampered_link_cannot_be_answered_by_post(url, rsvp):
    response = Client().post(url[:-3] + "xx/", {"response": "yes"})

    assert response.status_code == 404
    rsvp.refresh_from_db()
    assert rsvp.response == ""


def test_the_page_speaks_the_persons_language(visitor, url, ana):
    ana.preferred_language = "es"
    ana.save()

    assert '<html lang="es">' in visitor.get(url).content.decode()


def test_the_url_names_no_one(url):
    assert re.fullmatch(r"/r/[A-Za-z0-9_\-:]+/", url)
    for word in ["Ana", "Reyes", "Harbor", "Acme", "Card"]:
        assert word not in url


# --- Closed actions -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"cancelled_at": timezone.now()}, "This action was cancelled."),
        ({"rsvp_deadline": timezone.now() - timedelta(hours=1)}, "RSVPs for this action closed"),
    ],
)
def test_a_closed_action_says_so_and_refuses_answers(visitor, url, action, rsvp, change, message):
    Action.objects.filter(pk=action.pk).update(**change)

    shown = visitor.get(url)
    assert shown.status_code == 200
    assert message in text(shown)
    assert "<form" not in shown.content.decode()
    refused = answer(visitor, url, response="yes")
    assert refused.status_code == 409
    assert message in text(refused)
    rsvp.refresh_from_db()
    assert rsvp.response == ""


# --- Tokens ---------------------------------------------------------------------------------------


def test_a_tampered_link_changes_nothing(visitor, url, rsvp):
    tampered = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]

    assert visitor.get(tampered).status_code == 404
    response = answer(visitor, tampered, response="yes")
    assert response.status_code == 404
    assert "This link does not work" in text(response)
    rsvp.refresh_from_db()
    assert rsvp.response == ""


def test_a_link_made_for_one_person_never_opens_anothers(visitor, action, url, rsvp, committee):
    bo = factories.person(committee=committee, given_name="Bo", family_name="Lind")
    invite(action, bo, None)
    bos = link(action, bo)

    assert bos != url
    assert "Bo" not in text(visitor.get(url)) and "Ana" not in text(visitor.get(bos))
    answer(visitor, bos, response="no")
    rsvp.refresh_from_db()
    assert rsvp.response == ""
    assert Rsvp.objects.get(action=action, person=bo).response == "no"


def test_the_token_carries_no_readable_id(action, ana, rsvp):
    """Not Django's signed JSON ("[action id, person id]" in base64) any more: the ids are
    sealed (encrypted and authenticated), nothing in the token reads as them."""
    token = rsvp_link_token(action=action, person=ana)

    assert ":" not in token
    with pytest.raises(signing.BadSignature):
        signing.loads(token, salt=OLD_SALT)
    assert not re.search(rb"\[\d+, ?\d+\]", base64.urlsafe_b64decode(token + "=="))


def test_a_token_for_another_kind_of_link_opens_nothing(visitor, action, ana, rsvp):
    """The same two ids sealed for a snooze link do not open an RSVP."""
    from campaigns.nudges.services.snooze import LINK_PURPOSE
    from organizing.link_keys import link_seal

    token = link_seal(action.pk, ana.pk, purpose=LINK_PURPOSE)

    assert visitor.get(reverse("rsvp_link", args=[token])).status_code == 404


def test_a_link_in_the_old_signed_format_no_longer_works(visitor, rsvp, action, ana):
    """Links emailed before the tokens became opaque named the ids: they end, with the page
    that says the link does not work and to use the latest email."""
    old = signing.dumps([action.pk, ana.pk], salt=OLD_SALT, compress=False)

    response = answer(visitor, reverse("rsvp_link", args=[old]), response="yes")

    assert response.status_code == 404
    assert "This link does not work" in text(response)
    assert "Card signing party" not in text(response)
    rsvp.refresh_from_db()
    assert rsvp.response == ""


def test_the_link_expires_when_the_action_is_over(visitor, url, action, rsvp):
    Action.objects.filter(pk=action.pk).update(
        starts_at=timezone.now() - timedelta(hours=3), ends_at=timezone.now() - timedelta(hours=1)
    )

    shown = visitor.get(url)
    assert shown.status_code == 410
    assert "This link has expired" in text(shown)
    assert answer(visitor, url, response="yes").status_code == 410
    rsvp.refresh_from_db()
    assert rsvp.response == ""


def test_a_link_for_someone_no_longer_invited_creates_nothing(visitor, action, ana):
    url = link(action, ana)  # Ana has no invitation (or it was withdrawn)

    assert answer(visitor, url, response="yes").status_code == 404
    assert not Rsvp.objects.filter(action=action, person=ana).exists()


# --- Links that outlive their reason --------------------------------------------------------------


def no_longer_works(client: Client, url: str, rsvp: Rsvp) -> bool:
    """The link opens the page that says so, shows nothing of the action or the person, and
    a press of a button (the one-statement path included) changes nothing."""
    shown = client.get(url)
    pressed = client.post(url, {"response": "yes"})
    page = text(shown)
    before = rsvp.response
    rsvp.refresh_from_db()
    return (
        shown.status_code == pressed.status_code == 404
        and "This link does not work" in page
        and not any(word in page for word in ["Card signing party", "Ana", "Harbor", "Union hall"])
        and rsvp.response == before
    )


def test_it_stops_working_when_the_person_is_taken_off_the_roster(
    visitor, campaign, ana, url, rsvp
):
    entry = factories.on_roster(campaign=campaign, person=ana)
    assert visitor.get(url).status_code == 200

    roster_remove(entry=entry, reason="Moved away")

    assert no_longer_works(visitor, url, rsvp)


def test_it_works_again_once_they_are_back_on_the_roster(visitor, campaign, ana, url, rsvp):
    roster_remove(entry=factories.on_roster(campaign=campaign, person=ana))
    factories.on_roster(campaign=campaign, person=ana)

    assert answer(visitor, url, response="yes").status_code == 200
    rsvp.refresh_from_db()
    assert rsvp.response == "yes"


def test_it_stops_working_when_the_person_is_marked_do_not_contact(visitor, ana, url, rsvp):
    ana.do_not_contact = True
    ana.save()

    assert no_longer_works(visitor, url, rsvp)


def test_being_on_another_campaigns_roster_does_not_keep_it(
    visitor, committee, campaign, ana, url, rsvp
):
    roster_remove(entry=factories.on_roster(campaign=campaign, person=ana))
    factories.on_roster(campaign=factories.campaign(committee=committee), person=ana)

    assert no_longer_works(visitor, url, rsvp)


def test_a_committee_wide_link_works_while_they_are_on_any_roster(
    visitor, committee, campaign, ana, lead
):
    action = an_action(committee, None, title="General assembly")
    rsvp = invite(action, ana, lead)
    url = link(action, ana)
    here = factories.on_roster(campaign=campaign, person=ana)
    there = factories.on_roster(campaign=factories.campaign(committee=committee), person=ana)

    roster_remove(entry=here)
    assert visitor.get(url).status_code == 200
    roster_remove(entry=there)

    assert no_longer_works(visitor, url, rsvp)


def test_its_calendar_file_stops_working_too(visitor, campaign, ana, url, rsvp):
    roster_remove(entry=factories.on_roster(campaign=campaign, person=ana))

    response = visitor.get(url + "calendar.ics")

    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


# --- Double clicks and cost ---------------------------------------------------------------------


def test_two_quick_posts_leave_one_answer(visitor, url, action, ana):
    first = answer(visitor, url, response="yes")
    second = answer(visitor, url, response="yes")

    assert first.status_code == second.status_code == 200
    assert Rsvp.objects.filter(action=action, person=ana).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_posts_leave_one_answer(committee, campaign, lead):
    action = an_action(committee, campaign, capacity=5)
    ana = factories.person(committee=committee, given_name="Ana")
    invite(action, ana, lead)
    url = link(action, ana)
    statuses = []
    start = threading.Barrier(2)

    def press_yes():
        client = Client()
        try:
            start.wait()
            statuses.append(client.post(url, {"response": "yes", "guests": "1"}).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=press_yes) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)

    assert statuses == [200, 200]
    [only] = Rsvp.objects.filter(action=action, person=ana)
    assert (only.response, only.guests, only.waitlisted_at) == ("yes", 1, None)


def test_answering_costs_one_statement(client, url, rsvp, django_assert_num_queries):
    """The common answer (an open action without a capacity) is one statement: no session,
    no user, no access checks, no transaction to open. Its reminders follow on the outbox's
    next tick (tests/actions/test_reminder_planning.py)."""
    with django_assert_num_queries(1):
        response = client.post(url, {"response": "maybe"})

    assert response.status_code == 303
    assert response["Location"].endswith("?answered=1")
    rsvp.refresh_from_db()
    assert rsvp.response == "maybe"


def test_a_full_action_is_answered_the_careful_way(visitor, committee, campaign, ana, lead):
    """With a capacity the answer goes through rsvp_set, which takes the action's lock."""
    action = an_action(committee, campaign, capacity=5)
    invite(action, ana, lead)

    url = link(action, ana)
    visitor.get(url)
    response = visitor.post(url, {"response": "yes"})

    assert response.status_code == 200  # the page itself, no redirect
    assert "You're coming. See you there!" in text(response)
