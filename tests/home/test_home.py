"""The home page sends each role where it starts: organizers and leads on a team to My list,
members to My actions; anyone else stays on a short welcome."""

import pytest

from tests import factories

URL = "/my-list/"


@pytest.mark.django_db
def test_an_organizer_on_a_team_lands_on_my_list(client, team_organizer):
    client.force_login(team_organizer)

    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == URL


@pytest.mark.django_db
def test_a_committee_lead_on_a_team_lands_on_my_list_and_others_keep_home(client, campaign, lead):
    client.force_login(lead)
    assert client.get("/").status_code == 200

    factories.on_team(campaign=campaign, user=lead, role="lead")

    assert client.get("/")["Location"] == URL


@pytest.mark.django_db
def test_organizers_without_a_team_keep_their_home_and_members_land_on_my_actions(
    client, member, organizer
):
    client.force_login(organizer)
    assert client.get("/").status_code == 200

    client.force_login(member)
    assert client.get("/")["Location"] == "/my-actions/"
