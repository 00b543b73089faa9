"""A public action's page: anyone with the link reads what, when and where, and says yes or
maybe with a name and an email address or a phone number."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.actions.selectors.my_actions import people_new_from_rsvp
from campaigns.actions.services.public import RATE_LIMIT
from campaigns.actions.services.rsvps import rsvp_set
from campaigns.models import Action, OutboxMessage, PendingRsvp, Rsvp
from members.models import Person, PersonEmail, PersonPhone
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def rally(committee, campaign, lead):
    starts = timezone.now() + timedelta(days=5)
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Rally for fair schedules",
        kind=Action.Kind.RALLY,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        location="City hall steps",
        description="Bring a sign.",
        visibility=Action.Visibility.PUBLIC,
        created_by=lead,
    )


def url(action: Action) -> str:
    return reverse("action_public", args=[action.public_key])


def answer(client, action: Action, **fields):
    return client.post(url(action), {"name": "Ana Ruiz", "response": "yes", **fields})


def test_the_page_shows_the_action_and_nothing_private(client, rally, committee):
    invited = factories.person(committee=committee, given_name="Secretina")
    Rsvp.objects.create(action=rally, person=invited, invited_at=timezone.now(), response="yes")

    page = client.get(url(rally)).content.decode()

    for shown in ["Rally for fair schedules", "City hall steps", "Bring a sign.", "Your name"]:
        assert shown in page
    for hidden in ["Secretina", "Acme Logistics", "Harbor"]:
        assert hidden not in page


@pytest.mark.parametrize("visibility", [Action.Visibility.INVITED, Action.Visibility.CAMPAIGN])
def test_an_action_that_is_not_public_is_404(client, rally, visibility):
    rally.visibility = visibility
    rally.save()

    assert client.get(url(rally)).status_code == 404
    assert answer(client, rally, email="ana@example.org").status_code == 404


def test_an_unknown_key_is_404(client):
    assert client.get("/a/not-a-key/").status_code == 404


def test_a_known_email_in_any_case_never_overwrites_their_answer(client, rally, committee):
    ana = factories.person(committee=committee, given_name="Ana")
    PersonEmail.objects.create(person=ana, email="Ana.Ruiz@Example.org")
    rsvp_set(action=rally, person=ana, response="no", source="email")

    response = answer(client, rally, email="ana.ruiz@example.org")

    assert "we have sent a link" in response.content.decode()
    assert Rsvp.objects.get(action=rally).response == "no"
    pending = PendingRsvp.objects.get()
    assert (pending.person, pending.response) == (ana, "yes")
    message = OutboxMessage.objects.get(kind=OutboxMessage.Kind.PUBLIC_RSVP_CONFIRM)
    assert (message.person, message.action) == (ana, rally)
    assert Person.objects.count() == 1


def test_a_known_phone_alone_is_kept_pending_too_and_adds_nothing(client, rally, committee):
    ana = factories.person(committee=committee, given_name="Ana")
    PersonPhone.objects.create(person=ana, number="+14155552671")

    answer(client, rally, phone="(415) 555-2671", response="maybe")

    assert not Rsvp.objects.exists()
    assert PendingRsvp.objects.get().person == ana
    assert not ana.emails.exists()  # a match never adds what was typed


def test_another_committees_person_is_never_matched(client, rally, other_committee):
    stranger = factories.person(committee=other_committee, given_name="Ana")
    PersonEmail.objects.create(person=stranger, email="ana@example.org")

    answer(client, rally, email="ana@example.org")

    assert Rsvp.objects.get(action=rally).person != stranger
    assert not PendingRsvp.objects.exists()


def test_someone_new_becomes_a_person_flagged_new_from_rsvp(client, rally, committee):
    response = answer(client, rally, email="new@example.org", phone="415 555 2671")

    assert response.status_code == 200
    assert "on the list" in response.content.decode()
    person = Person.objects.get()
    assert (person.committee, person.given_name) == (committee, "Ana Ruiz")
    assert list(person.emails.values_list("email", flat=True)) == ["new@example.org"]
    assert list(person.phones.values_list("number", flat=True)) == ["+14155552671"]
    rsvp = Rsvp.objects.get(action=rally)
    assert (rsvp.person, rsvp.created_person, rsvp.source) == (person, True, "public")
    assert list(people_new_from_rsvp(rally)) == [person]


def test_someone_new_answering_in_spanish_is_written_to_in_spanish(client, rally, committee):
    url = reverse("action_public", args=[rally.public_key])
    data = {"name": "Lucía", "email": "lucia@example.org", "response": "yes"}

    response = client.post(url, data, headers={"accept-language": "es-MX,es"})

    assert response.status_code == 200
    assert Person.objects.get().preferred_language == "es"


def test_a_known_persons_language_is_not_changed_by_the_public_page(client, rally, committee):
    ana = factories.person(committee=committee, given_name="Ana", preferred_language="en")
    PersonEmail.objects.create(person=ana, email="ana@example.org")
    url = reverse("action_public", args=[rally.public_key])
    data = {"name": "Ana", "email": "ana@example.org", "response": "yes"}

    client.post(url, data, headers={"accept-language": "es"})

    ana.refresh_from_db()
    assert ana.preferred_language == "en"


def test_without_a_way_to_reach_them_it_is_422_with_what_was_typed(client, rally):
    response = answer(client, rally, phone="", email="")

    page = response.content.decode()
    assert response.status_code == 422
    assert "Give an email address or a phone number" in page
    assert 'value="Ana Ruiz"' in page
    assert not Person.objects.exists()


def test_a_wrong_phone_number_is_422_and_kept(client, rally):
    response = answer(client, rally, phone="12")

    assert response.status_code == 422
    assert "is not a valid phone number" in response.content.decode()
    assert 'value="12"' in response.content.decode()


def test_a_full_action_puts_them_on_the_waitlist(client, rally, committee):
    rally.capacity = 1
    rally.save()
    rsvp_set(
        action=rally, person=factories.person(committee=committee), response="yes", source="app"
    )

    response = answer(client, rally, email="ana@example.org")

    assert "you go on the waitlist" in response.content.decode()
    assert Rsvp.objects.get(person__emails__email="ana@example.org").is_waitlisted


def test_a_closed_action_says_so_and_keeps_no_one(client, rally):
    rally.rsvp_deadline = timezone.now() - timedelta(minutes=5)
    rally.save()

    assert "RSVPs for this action closed" in client.get(url(rally)).content.decode()
    response = answer(client, rally, email="ana@example.org")

    assert response.status_code == 422
    assert "RSVPs for this action closed" in response.content.decode()
    assert not Person.objects.exists()


def test_a_cancelled_action_says_so(client, rally):
    rally.cancelled_at = timezone.now()
    rally.save()

    page = client.get(url(rally)).content.decode()

    assert "This action was cancelled." in page
    assert "Send my answer" not in page


def test_too_many_answers_from_one_address_are_refused(client, rally):
    for n in range(RATE_LIMIT):
        assert answer(client, rally, email=f"p{n}@example.org").status_code == 200

    response = answer(client, rally, email="one-more@example.org")

    assert response.status_code == 429
    assert "Too many answers from your connection" in response.content.decode()
    assert 'value="one-more@example.org"' in response.content.decode()
    assert not PersonEmail.objects.filter(email="one-more@example.org").exists()
    other = client.post(
        url(rally),
        {"name": "Bo", "email": "bo@example.org", "response": "yes"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 200


def test_organizers_see_who_came_in_from_the_public_page_flagged_on_the_action(client, rally, lead):
    answer(client, rally, email="new@example.org", phone="415 555 2671")
    client.force_login(lead)

    page = client.get(f"/actions/{rally.pk}/").content.decode()

    assert "Ana Ruiz" in page
    assert "new from RSVP" in page
