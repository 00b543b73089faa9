"""seed_demo gives every persona the README lists; create_lead starts a real deployment."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.utils import timezone

from campaigns.demo.people import DEMO_PASSWORD, PERSONAS
from campaigns.models import (
    Campaign,
    Conversation,
    FollowUp,
    RosterEntry,
    ScheduledOneOnOne,
    SignupDrive,
)
from campaigns.roster.signatures import signature_rows, tally, tally_by_unit
from members.models import Committee, Invitation, Membership, Person, User
from tests import factories


def seed() -> None:
    call_command("seed_demo", demo_server=True, stdout=open("/dev/null", "w"))  # noqa: SIM115


@pytest.mark.django_db
def test_seed_demo_refuses_a_production_database_unless_told_it_is_a_demo():
    with pytest.raises(CommandError, match="--demo-server"):
        call_command("seed_demo")

    assert not User.objects.exists()


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    seed()
    counts = (User.objects.count(), Committee.objects.count(), Membership.objects.count())
    seed()

    assert (User.objects.count(), Committee.objects.count(), Membership.objects.count()) == counts
    assert counts == (len(PERSONAS), 1, len(PERSONAS))
    assert Person.objects.count() == 350
    talks = Conversation.objects.count()
    seed()
    assert Conversation.objects.count() == talks  # no second ten weeks of talks


@pytest.mark.django_db
def test_seed_demo_has_a_workplace_and_a_tenant_campaign_each_with_its_organizer():
    seed()

    workplace = Campaign.objects.get(kind="workplace")
    tenant = Campaign.objects.get(kind="tenant")
    assert workplace.roster.count() == 200
    assert tenant.roster.count() == 150
    assert tenant.sites.count() == 3
    assert workplace.sites.get().units.filter(parent=None).count() >= 3  # departments
    assert set(workplace.team.values_list("user__email", flat=True)) == {
        "lead@majority.test",
        "organizer.a@majority.test",
    }
    assert set(tenant.team.values_list("user__email", flat=True)) == {
        "lead@majority.test",
        "organizer.b@majority.test",
    }


@pytest.mark.django_db
def test_seed_demo_assessments_agree_with_their_history():
    """The current assessment is written by one service; check it against the recomputed truth."""
    seed()

    entries = RosterEntry.objects.prefetch_related("assessments")
    for entry in entries:
        history = sorted(entry.assessments.all(), key=lambda r: (r.happened_at, r.pk))
        assert entry.assessment == (history[-1].level if history else None)
    assert entries.filter(assessment__isnull=True).exists()  # some never talked to
    assert entries.filter(assessment__in=[1, 2]).exists()


@pytest.mark.django_db
def test_seed_demo_has_ten_weeks_of_one_on_ones_and_work_waiting_for_each_organizer():
    seed()
    today = timezone.localdate()

    for kind, issue in (("workplace", "Safety"), ("tenant", "Mold")):
        talks = Conversation.objects.filter(campaign__kind=kind)
        assert talks.count() >= 100, kind
        assert talks.filter(issues__name=issue).exists()
        assert talks.filter(answers__answer="yes").exists()
        oldest = talks.order_by("happened_at").first().happened_at
        assert timezone.now() - oldest > timedelta(weeks=8)
    open_follow_ups = FollowUp.objects.filter(closed_at=None)
    assert open_follow_ups.filter(due_on__lt=today).exists()  # a few overdue
    assert (
        open_follow_ups.filter(due_on__gte=today).count()
        > open_follow_ups.filter(due_on__lt=today).count()
    )
    week = timezone.now() + timedelta(days=7)
    for email in ("organizer.a@majority.test", "organizer.b@majority.test"):
        scheduled = ScheduledOneOnOne.objects.filter(
            organizer__email=email, held_in=None, starts_at__gte=timezone.now(), starts_at__lt=week
        )
        assert scheduled.count() >= 2, email
    # Assessments moved: some people were recorded at two different levels.
    assert (
        RosterEntry.objects.annotate(levels=Count("assessments__level", distinct=True))
        .filter(levels__gte=2)
        .exists()
    )


@pytest.mark.django_db
def test_each_demo_persona_logs_in_with_the_demo_password(client):
    seed()

    for email, _name, role, _language in PERSONAS:
        response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})

        assert response.status_code == 302, email
        assert Membership.objects.get(user__email=email).role == role
        client.logout()


def test_the_readme_lists_every_demo_persona():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert DEMO_PASSWORD in readme
    for email, _name, _role, _language in PERSONAS:
        assert email in readme


@pytest.mark.django_db
def test_create_lead_makes_a_lead_who_can_invite(client, mailbox):
    call_command("create_lead", "Chair@Example.org", "Eastside Tenants Union", name="Chair")

    user = User.objects.get(email="chair@example.org")
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.LEAD
    assert membership.committee.name == "Eastside Tenants Union"
    factories.enrol_totp(user)  # as the lead does at first login
    client.force_login(user)
    client.post(
        f"/committees/{membership.committee_id}/team/", {"email": "a@example.org", "role": "member"}
    )
    assert Invitation.objects.filter(committee=membership.committee).count() == 1


@pytest.mark.django_db
def test_create_lead_refuses_a_bad_email():
    with pytest.raises(CommandError, match="not an email address"):
        call_command("create_lead", "chair-at-example", "Eastside Tenants Union")


@pytest.mark.django_db
def test_seed_demo_has_a_card_drive_at_lighthouse_and_a_petition_at_oak_street_in_progress():
    seed()
    seed()  # once each

    card = SignupDrive.objects.get(campaign__code_name="Lighthouse")
    petition = SignupDrive.objects.get(campaign__code_name="Oak Street")
    assert (card.kind, petition.kind) == ("card", "petition")
    assert {t.language for t in card.texts.all()} == {"en", "es"}
    for drive in (card, petition):
        whole = tally(drive, signature_rows(drive))
        assert 0 < whole.fresh < whole.people, drive  # in progress: signed, and not by all
        assert whole.percent < 100
    # The card drive: some units past a majority, others not yet; a couple of cards revoked.
    units = tally_by_unit(card, signature_rows(card)).values()
    assert any(t.reached >= 2 for t in units if t.people >= 4)
    assert any(t.reached < 2 for t in units if t.people >= 4)
    assert tally(card, signature_rows(card)).revoked == 2
