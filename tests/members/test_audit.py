"""The audit trail records what the real flows do: logins and failures, two-factor changes,
roles given by invitations, units and invitations deleted, and looks at a person's page by
someone who is not their organizer nor a lead. Never the content of notes. Append-only, down
to the database."""

import json

import pytest
from django.db import DatabaseError, transaction
from django.urls import reverse

from campaigns.models import RosterEntry
from campaigns.roster.services import roster_remove
from members.models import AuditEvent, Invitation, Membership, User
from members.services import invitation_token
from tests import factories

Kind = AuditEvent.Kind
IP = "203.0.113.9"


def log_in(client, email: str, password: str = factories.PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=IP)


def only_event(kind: AuditEvent.Kind) -> AuditEvent:
    [event] = AuditEvent.objects.filter(kind=kind)
    return event


def everything_recorded() -> str:
    """Every audit row, every field, as one text to search."""
    rows = AuditEvent.objects.values()
    return json.dumps([{key: str(value) for key, value in row.items()} for row in rows])


# --- Logins --------------------------------------------------------------------------------------


def test_it_records_a_login_through_the_login_page(client, committee, member):
    response = log_in(client, "tomas@example.org")

    assert response.status_code == 302
    event = only_event(Kind.LOGIN)
    assert (event.actor, event.committee_id, event.ip) == (member, committee.pk, IP)
    assert event.detail == {"methods": ["password"]}


def test_it_records_a_login_with_a_second_factor_once_the_code_is_right(client, organizer):
    response = log_in(client, "marcus@example.org")
    assert not AuditEvent.objects.filter(kind=Kind.LOGIN).exists(), "the code is still due"

    code = factories.totp_code(factories.totp_secret(organizer))
    client.post(response["Location"], {"code": code}, REMOTE_ADDR=IP)

    event = only_event(Kind.LOGIN)
    assert event.actor == organizer
    assert event.detail == {"methods": ["mfa", "password"]}


def test_it_records_a_wrong_password_against_the_account_without_what_was_typed(
    client, committee, member
):
    log_in(client, "tomas@example.org", password="my-secret-guess")

    event = only_event(Kind.LOGIN_FAILED)
    assert event.actor is None
    assert (event.subject_type, event.subject_id) == ("members.user", member.pk)
    assert (event.committee_id, event.ip) == (committee.pk, IP)
    assert "my-secret-guess" not in everything_recorded()
    assert not AuditEvent.objects.filter(kind=Kind.LOGIN).exists()


def test_it_records_a_failed_login_for_an_unknown_email_with_only_where_and_when(client, db):
    log_in(client, "not-a-password-but-typed@example.org", password="whatever-1")

    event = only_event(Kind.LOGIN_FAILED)
    assert (event.actor, event.committee, event.subject_id, event.ip) == (None, None, None, IP)
    assert "not-a-password-but-typed" not in everything_recorded()


def test_it_records_a_wrong_two_factor_code_against_the_account(client, committee, organizer):
    response = log_in(client, "marcus@example.org")

    client.post(response["Location"], {"code": "000000"}, REMOTE_ADDR=IP)

    event = only_event(Kind.LOGIN_FAILED)
    assert (event.subject_id, event.committee_id, event.ip) == (organizer.pk, committee.pk, IP)
    assert event.detail == {"stage": "mfa", "type": "totp"}


def test_it_records_a_logout(client, member):
    log_in(client, "tomas@example.org")

    client.post("/accounts/logout/", REMOTE_ADDR=IP)

    assert only_event(Kind.LOGOUT).actor == member


def test_it_records_nothing_when_a_test_logs_in_behind_the_scenes(client, member):
    """force_login sends Django's signal but is no login through the app."""
    client.force_login(member)

    assert not AuditEvent.objects.exists()


# --- Two-factor changes --------------------------------------------------------------------------


def test_it_records_turning_two_factor_on_and_off(
    client, committee, member, django_capture_on_commit_callbacks
):
    log_in(client, "tomas@example.org")
    client.post(reverse("account_reauthenticate"), {"password": factories.PASSWORD})

    page = client.get(reverse("mfa_activate_totp"))
    code = factories.totp_code(page.context["form"].secret)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_activate_totp"), {"code": code}, REMOTE_ADDR=IP)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mfa_deactivate_totp"), REMOTE_ADDR=IP)

    changes = AuditEvent.objects.filter(kind=Kind.MFA_CHANGE).order_by("pk")
    assert [(e.detail["change"], e.detail["type"]) for e in changes] == [
        ("added", "totp"),
        ("added", "recovery_codes"),
        ("removed", "totp"),
        ("removed", "recovery_codes"),
    ]
    assert {(e.actor, e.committee_id, e.ip) for e in changes} == {(member, committee.pk, IP)}


# --- Roles given by invitations ------------------------------------------------------------------


def invitation_link(committee, lead, email: str, role: str) -> str:
    invitation = Invitation.objects.create(
        committee=committee, email=email, role=role, invited_by=lead
    )
    return reverse("invitation_accept", args=[invitation_token(invitation)])


def test_it_records_the_role_of_someone_who_joins_by_invitation(client, committee, lead):
    link = invitation_link(committee, lead, "ana@example.org", "organizer")

    client.post(
        link,
        {"name": "Ana Flores", "password1": "union-strong-2026", "password2": "union-strong-2026"},
        REMOTE_ADDR=IP,
    )

    ana = User.objects.get(email="ana@example.org")
    event = only_event(Kind.ROLE_CHANGE)
    assert (event.actor, event.committee_id, event.ip) == (ana, committee.pk, IP)
    assert (event.subject_type, event.subject_id) == ("members.user", ana.pk)
    assert event.detail["role"] == "organizer" and event.detail["previous"] is None
    assert event.detail["invited_by"] == lead.pk


def test_it_records_a_role_raised_by_an_invitation(client, committee, lead, member):
    link = invitation_link(committee, lead, member.email, "organizer")
    client.force_login(member)

    client.post(link, REMOTE_ADDR=IP)

    event = only_event(Kind.ROLE_CHANGE)
    assert event.actor == member
    assert (event.detail["role"], event.detail["previous"]) == ("organizer", "member")


def test_it_records_no_role_change_when_an_invitation_leaves_the_role_as_it_was(
    client, committee, lead
):
    link = invitation_link(committee, lead, lead.email, "member")
    client.force_login(lead)

    client.post(link)

    assert Membership.objects.get(user=lead).role == "lead"
    assert not AuditEvent.objects.filter(kind=Kind.ROLE_CHANGE).exists()


# --- Deletions -----------------------------------------------------------------------------------


def test_it_records_a_withdrawn_invitation_without_the_address(client, committee, lead):
    invitation = Invitation.objects.create(
        committee=committee, email="ana@example.org", role="organizer", invited_by=lead
    )
    client.force_login(lead)

    client.post(reverse("invitation_cancel", args=[committee.pk, invitation.pk]), REMOTE_ADDR=IP)

    event = only_event(Kind.DELETE)
    assert (event.actor, event.committee_id, event.ip) == (lead, committee.pk, IP)
    assert (event.subject_type, event.subject_id) == ("members.invitation", invitation.pk)
    assert event.detail == {"role": "organizer"}
    assert "ana@example.org" not in everything_recorded()


def test_it_records_a_deleted_unit_with_how_many_people_moved(client, committee, campaign, lead):
    site = factories.site(campaign=campaign, name="Warehouse")
    floor = factories.unit(site=site, name="Floor 1")
    factories.unit(site=site, name="Dock", parent=floor)
    lobby = factories.unit(site=site, name="Lobby")
    for name in ["Ana", "Ben"]:
        person = factories.person(committee=committee, given_name=name)
        factories.on_roster(campaign=campaign, person=person, unit=floor)
    client.force_login(lead)
    floor_id = floor.pk

    url = reverse("unit_delete", args=[campaign.pk, site.pk, floor_id])
    client.post(url, {"confirm": "1", "move_to": str(lobby.pk)}, REMOTE_ADDR=IP)

    event = only_event(Kind.DELETE)
    assert (event.actor, event.committee_id, event.campaign_id) == (lead, committee.pk, campaign.pk)
    assert (event.subject_type, event.subject_id, event.count) == ("campaigns.unit", floor_id, 2)
    assert event.detail == {"units": 2, "moved_to": lobby.pk}
    assert event.ip == IP


# --- Looking at someone's page -------------------------------------------------------------------


@pytest.fixture
def harbor_organizer(committee, campaign):
    """Another organizer on Harbor's team, who is not Maria's organizer."""
    user = factories.member_of(
        committee, Membership.Role.ORGANIZER, email="lee@example.org", name="Lee Park"
    )
    factories.on_team(campaign=campaign, user=user)
    return user


@pytest.fixture
def maria(committee, campaign, team_organizer):
    """Maria, on Harbor's roster, organized by Nina (team_organizer)."""
    person = factories.person(
        committee=committee, given_name="Maria", notes="Afraid of the shift manager."
    )
    factories.on_roster(campaign=campaign, person=person, organizer=team_organizer)
    return person


def view(client, user, person):
    client.force_login(user)
    response = client.get(reverse("person_detail", args=[person.pk]), REMOTE_ADDR=IP)
    assert response.status_code == 200
    return response


def test_it_records_a_team_member_looking_at_someone_they_do_not_organize(
    client, committee, harbor_organizer, maria
):
    view(client, harbor_organizer, maria)

    event = only_event(Kind.PERSON_VIEW)
    assert (event.actor, event.committee_id, event.ip) == (harbor_organizer, committee.pk, IP)
    assert (event.subject_type, event.subject_id) == ("members.person", maria.pk)
    assert (event.campaign_id, event.detail) == (None, {})


def test_it_records_nothing_when_their_organizer_looks(client, team_organizer, maria):
    view(client, team_organizer, maria)

    assert not AuditEvent.objects.exists()


def test_it_records_nothing_when_a_committee_lead_looks(client, lead, maria):
    view(client, lead, maria)

    assert not AuditEvent.objects.exists()


def test_it_records_nothing_when_a_lead_of_their_campaign_looks(client, committee, campaign, maria):
    campaign_lead = factories.member_of(committee, Membership.Role.ORGANIZER)
    factories.on_team(campaign=campaign, user=campaign_lead, role="lead")

    view(client, campaign_lead, maria)

    assert not AuditEvent.objects.exists()


def test_it_shows_their_former_organizer_nothing_once_they_are_off_the_roster(
    client, team_organizer, maria
):
    roster_remove(entry=RosterEntry.objects.get(person=maria), reason="Moved away")
    client.force_login(team_organizer)

    assert client.get(reverse("person_detail", args=[maria.pk])).status_code == 404
    assert not AuditEvent.objects.filter(kind=Kind.PERSON_VIEW).exists()


def test_it_never_records_what_notes_say(client, lead, harbor_organizer, maria):
    client.force_login(harbor_organizer)
    client.post(
        reverse("person_edit_notes", args=[maria.pk]),
        {"notes": "Her brother is a supervisor: careful."},
    )
    view(client, harbor_organizer, maria)
    view(client, lead, maria)
    client.get(reverse("audit_log", args=[maria.committee_id]))

    recorded = everything_recorded()
    assert AuditEvent.objects.filter(kind=Kind.PERSON_VIEW).exists()
    assert "supervisor" not in recorded and "shift manager" not in recorded


# --- Append-only ---------------------------------------------------------------------------------


@pytest.fixture
def event(committee, lead):
    from members.audit import audit_record

    return audit_record(actor=lead, kind=Kind.EXPORT, committee=committee, count=3)


def test_the_database_refuses_to_change_an_event(event):
    event.count = 0
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(count=0)

    assert AuditEvent.objects.get(pk=event.pk).count == 3


def test_the_database_refuses_to_delete_an_event(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_deleting_a_user_or_a_committee_keeps_their_events(event, committee, lead):
    lead_id, committee_id = lead.pk, committee.pk

    lead.delete()
    committee.delete()

    kept = AuditEvent.objects.select_related("actor").get(pk=event.pk)
    assert (kept.actor_id, kept.committee_id) == (lead_id, committee_id)
    assert kept.actor is None


def test_nothing_in_the_app_can_cascade_into_the_audit_table():
    for field in AuditEvent._meta.get_fields():
        if field.is_relation:
            assert field.remote_field.on_delete.__name__ == "DO_NOTHING", field.name
            assert not field.db_constraint, field.name


def test_behind_one_proxy_the_audit_records_the_clients_address(client, organizer, settings):
    from members.models import AuditEvent
    from tests import factories

    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    settings.MFA_REQUIRED = False
    organizer.authenticator_set.all().delete()

    client.post(
        "/accounts/login/",
        {"login": organizer.email, "password": factories.PASSWORD},
        headers={"X-Forwarded-For": "203.0.113.7"},
    )

    assert AuditEvent.objects.get(kind=AuditEvent.Kind.LOGIN).ip == "203.0.113.7"
