"""seed_demo's actions: past and upcoming ones of the kinds a campaign runs, invitations with a
realistic spread of answers, attendance for the past ones (no-shows and a walk-in), and the
demo member, a worker with a login, invited to what is coming up. Safe to run again."""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Action, RosterEntry, Rsvp
from members.models import Person, User
from tests import factories

pytestmark = pytest.mark.django_db


def seed() -> None:
    call_command("seed_demo", demo_server=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_the_demo_has_past_and_upcoming_actions_of_each_kind():
    seed()
    now = timezone.now()

    actions = Action.objects.all()
    assert {"committee_meeting", "general_meeting", "petition_delivery", "social"} <= set(
        actions.values_list("kind", flat=True)
    )
    assert actions.filter(campaign=None).count() == 1
    assert actions.filter(starts_at__lt=now).count() >= 3
    assert actions.filter(starts_at__gt=now).count() >= 3
    assert actions.filter(campaign__kind="tenant").exists()


def test_invitations_have_a_spread_of_answers():
    seed()

    for action in Action.objects.all():
        answers = dict(
            action.rsvps.exclude(invited_at=None)
            .values_list("response")
            .annotate(n=Count("pk"))
            .values_list("response", "n")
        )
        assert answers.get("yes", 0) > 0, action.title
        assert len(answers) >= 3, (action.title, answers)  # not everyone said the same


def test_past_actions_record_who_came_with_no_shows_and_a_walk_in():
    seed()
    now = timezone.now()

    for action in Action.objects.filter(starts_at__lt=now):
        rsvps = action.rsvps
        assert rsvps.filter(attended=True).exists(), action.title
        assert rsvps.filter(attended=False, response="yes").exists(), action.title  # no-shows
        assert rsvps.filter(attended=True, source=Rsvp.Source.WALK_IN, invited_at=None).exists()
        # Closed out: no yes is left without attendance.
        assert not rsvps.filter(response="yes", attended=None).exists(), action.title
    upcoming = Rsvp.objects.filter(action__starts_at__gt=now)
    assert upcoming.exists()
    assert not upcoming.exclude(attended=None).exists()


def test_the_demo_member_is_a_worker_invited_to_what_is_coming_up():
    seed()
    member = User.objects.get(email="member@majority.test")

    person = Person.objects.get(user=member)
    assert person.display_name == "Tomás Rivera"
    assert member.language == person.preferred_language == "es"  # the demo in Spanish too
    assert person.emails.filter(email="member@majority.test").exists()
    assert RosterEntry.objects.filter(person=person, campaign__kind="workplace").exists()
    ahead = Rsvp.objects.filter(person=person, action__starts_at__gt=timezone.now())
    assert ahead.count() >= 2
    assert ahead.filter(response="").exists()  # one still waits for the member's answer
    assert ahead.filter(action__campaign=None).exists()


def test_running_it_again_adds_no_actions_nor_rsvps():
    seed()
    counts = (Action.objects.count(), Rsvp.objects.count(), Person.objects.count())
    seed()

    assert (Action.objects.count(), Rsvp.objects.count(), Person.objects.count()) == counts
    assert counts[2] == 350  # the member is one of the warehouse workers, not a new person
    assert Person.objects.filter(user__email="member@majority.test").count() == 1


def test_the_lead_reads_a_past_actions_turnout(client):
    seed()
    lead = User.objects.get(email="lead@majority.test")
    factories.enrol_totp(lead)
    client.force_login(lead)
    past = (
        Action.objects.filter(starts_at__lt=timezone.now(), campaign__isnull=False)
        .annotate(came=Count("rsvps", filter=Q(rsvps__attended=True)))
        .order_by("starts_at")
        .first()
    )

    response = client.get(reverse("action_turnout", args=[past.pk]))

    assert response.status_code == 200
    numbers = response.context["turnout"]
    assert numbers.attended == past.came
    assert numbers.no_shows > 0 and numbers.walk_ins == 1
    assert numbers.turnout > 0
