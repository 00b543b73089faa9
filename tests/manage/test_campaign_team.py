"""The campaign team: managers add organizers and leads, change roles, remove people; every
change is audited; members can never join."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.manage.services import team_member_remove, team_member_set
from campaigns.models import TeamMember
from members.models import AuditEvent, Membership
from tests import factories


def team_url(campaign) -> str:
    return reverse("campaign_team", args=[campaign.pk])


def remove_url(campaign, user) -> str:
    return reverse("campaign_team_remove", args=[campaign.pk, user.pk])


def test_it_shows_the_team_and_only_eligible_people_to_add(
    client, lead, organizer, member, team_organizer, campaign
):
    client.force_login(lead)

    page = client.get(team_url(campaign)).content.decode()

    assert "Nina Okafor" in page
    options = page.split('name="user"', 1)[1].split("</select>", 1)[0]
    assert "Marcus Bell" in options and "Rosa Delgado" in options
    assert "Tomás Rivera" not in options and "Nina Okafor" not in options


def test_it_adds_an_organizer_and_audits_it(client, lead, organizer, campaign):
    client.force_login(lead)

    response = client.post(team_url(campaign), {"user": organizer.pk, "role": "organizer"})

    assert response.status_code == 302
    member = TeamMember.objects.get(campaign=campaign, user=organizer)
    assert member.role == TeamMember.Role.ORGANIZER
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TEAM_CHANGE)
    assert (event.actor, event.campaign_id, event.committee_id) == (
        lead,
        campaign.pk,
        campaign.committee_id,
    )
    assert (event.subject_type, event.subject_id) == ("campaigns.teammember", member.pk)
    assert event.detail == {"role": "organizer", "change": "added"}
    assert event.ip == "127.0.0.1"


def test_it_refuses_a_member_with_a_clear_error(client, lead, member, campaign):
    client.force_login(lead)

    response = client.post(team_url(campaign), {"user": member.pk, "role": "organizer"})

    assert response.status_code == 422
    assert "Only the committee&#x27;s organizers and leads" in response.content.decode()
    assert not TeamMember.objects.exists()
    assert not AuditEvent.objects.exists()


def test_it_refuses_someone_of_another_committee_the_same_way(client, lead, outsider, campaign):
    client.force_login(lead)

    response = client.post(team_url(campaign), {"user": outsider.pk, "role": "lead"})

    assert response.status_code == 422
    assert "Eve Outsider" not in response.content.decode()
    assert not TeamMember.objects.exists()


def test_it_keeps_the_choices_when_nothing_is_chosen(client, lead, organizer, campaign):
    client.force_login(lead)

    response = client.post(team_url(campaign), {"user": "", "role": "lead"})

    assert response.status_code == 422
    page = response.content.decode()
    assert "This field is required." in page
    assert '<option value="lead" selected>' in page


def test_it_changes_a_role_and_audits_it(client, lead, team_organizer, campaign):
    client.force_login(lead)

    client.post(team_url(campaign), {"user": team_organizer.pk, "role": "lead"})

    assert TeamMember.objects.get(user=team_organizer).role == TeamMember.Role.LEAD
    event = AuditEvent.objects.get()
    assert event.detail == {"role": "lead", "change": "role"}


def test_it_records_nothing_when_the_role_is_unchanged(lead, team_organizer, campaign):
    team_member_set(campaign=campaign, user=team_organizer, role="organizer", actor=lead)

    assert not AuditEvent.objects.exists()


def test_it_removes_someone_and_audits_it(client, lead, team_organizer, campaign):
    client.force_login(lead)

    response = client.post(remove_url(campaign, team_organizer))

    assert response.status_code == 302
    assert not TeamMember.objects.filter(user=team_organizer).exists()
    event = AuditEvent.objects.get()
    assert (event.subject_type, event.subject_id) == ("members.user", team_organizer.pk)
    assert event.detail == {"role": "organizer", "change": "removed"}
    client.force_login(team_organizer)
    assert client.get(reverse("campaign_list")).content.decode().count("Harbor") == 0


def test_it_gives_404_for_someone_not_on_the_team(client, lead, organizer, campaign):
    client.force_login(lead)

    assert client.post(remove_url(campaign, organizer)).status_code == 404
    assert not AuditEvent.objects.exists()


def test_a_campaign_lead_manages_the_team(client, committee, organizer, campaign):
    campaign_lead = factories.member_of(committee, Membership.Role.ORGANIZER)
    factories.on_team(campaign=campaign, user=campaign_lead, role="lead")
    client.force_login(campaign_lead)

    client.post(team_url(campaign), {"user": organizer.pk, "role": "organizer"})

    assert TeamMember.objects.filter(user=organizer, campaign=campaign).exists()


def test_it_forbids_an_organizer_on_the_team_to_change_it(
    client, team_organizer, organizer, campaign
):
    client.force_login(team_organizer)

    assert client.get(team_url(campaign)).status_code == 403
    assert (
        client.post(team_url(campaign), {"user": organizer.pk, "role": "lead"}).status_code == 403
    )
    assert client.post(remove_url(campaign, team_organizer)).status_code == 403
    assert TeamMember.objects.filter(campaign=campaign).count() == 1
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("persona", ["outside_organizer", "outsider", "member"])
def test_it_hides_the_team_from_everyone_outside(
    client, request, persona, team_organizer, campaign
):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(team_url(campaign))

    assert response.status_code == 404
    assert "Nina Okafor" not in response.content.decode()
    assert client.post(remove_url(campaign, team_organizer)).status_code == 404


def test_the_service_refuses_a_member_and_an_unknown_role(lead, member, organizer, campaign):
    with pytest.raises(ValidationError, match="organizers and leads"):
        team_member_set(campaign=campaign, user=member, role="organizer", actor=lead)
    with pytest.raises(ValidationError, match="campaign lead or organizer"):
        team_member_set(campaign=campaign, user=organizer, role="boss", actor=lead)

    assert not TeamMember.objects.exists()


def test_the_remove_service_says_when_there_was_nobody_to_remove(lead, organizer, campaign):
    assert team_member_remove(campaign=campaign, user=organizer, actor=lead) is False
    assert not AuditEvent.objects.exists()
