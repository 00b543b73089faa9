"""seed_demo gives every persona the README lists; create_lead starts a real deployment."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from members.management.commands.seed_demo import DEMO_PASSWORD, PERSONAS
from members.models import Committee, Invitation, Membership, User


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


@pytest.mark.django_db
@pytest.mark.parametrize(("email", "_name", "role"), PERSONAS)
def test_each_demo_persona_logs_in_with_the_demo_password(client, email, _name, role):
    seed()

    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})

    assert response.status_code == 302
    assert Membership.objects.get(user__email=email).role == role


def test_the_readme_lists_every_demo_persona():
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert DEMO_PASSWORD in readme
    for email, _name, _role in PERSONAS:
        assert email in readme


@pytest.mark.django_db
def test_create_lead_makes_a_lead_who_can_invite(client, mailbox):
    call_command("create_lead", "Chair@Example.org", "Eastside Tenants Union", name="Chair")

    user = User.objects.get(email="chair@example.org")
    membership = Membership.objects.get(user=user)
    assert membership.role == Membership.Role.LEAD
    assert membership.committee.name == "Eastside Tenants Union"
    client.force_login(user)
    client.post(
        f"/committees/{membership.committee_id}/team/", {"email": "a@example.org", "role": "member"}
    )
    assert Invitation.objects.filter(committee=membership.committee).count() == 1


@pytest.mark.django_db
def test_create_lead_refuses_a_bad_email():
    with pytest.raises(CommandError, match="not an email address"):
        call_command("create_lead", "chair-at-example", "Eastside Tenants Union")
