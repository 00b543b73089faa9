"""Campaigns: the list, starting one, its settings; and the services that write them."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.manage.services import campaign_create, campaign_update
from campaigns.models import Campaign, TeamMember
from members.models import AuditEvent, Membership
from tests import factories

GOOD = {
    "kind": "tenant",
    "target": "Skyline Properties",
    "code_name": "Maple",
    "description": "",
    "status": "active",
    "threshold_interest": "30",
    "threshold_majority": "50",
    "threshold_super": "67",
}


def edit_url(campaign) -> str:
    return reverse("campaign_edit", args=[campaign.pk])


# --- The list ------------------------------------------------------------------------------------


def test_it_lists_every_campaign_of_the_committee_for_a_lead(client, lead, campaign, committee):
    factories.campaign(committee=committee, code_name="Oak", kind="tenant")
    client.force_login(lead)

    page = client.get(reverse("campaign_list")).content.decode()

    assert "Harbor" in page and "Oak" in page
    assert "Skyline Properties" in page and "Tenant campaign" in page
    assert "New campaign" in page


def test_it_shows_the_roster_size_without_people_taken_off(client, lead, campaign, committee):
    from campaigns.roster.services import roster_remove

    for name in ["Ana", "Ben", "Cy"]:
        entry = factories.on_roster(
            campaign=campaign, person=factories.person(committee=committee, given_name=name)
        )
    roster_remove(entry=entry)
    client.force_login(lead)

    page = client.get(reverse("campaign_list")).content.decode()

    assert "2 people on the roster" in page


def test_it_shows_an_organizer_only_the_campaigns_they_are_on(
    client, team_organizer, outside_organizer, campaign
):
    client.force_login(outside_organizer)

    page = client.get(reverse("campaign_list")).content.decode()

    assert "Oak" in page and "Harbor" not in page
    assert "New campaign" not in page


def test_it_gives_a_member_a_friendly_empty_page(client, member, campaign):
    client.force_login(member)

    response = client.get(reverse("campaign_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Harbor" not in page
    assert "No campaigns for you yet" in page
    assert "Organizers keep the campaigns" in page


def test_it_hides_the_campaigns_from_a_lead_of_another_committee(client, outsider, campaign):
    client.force_login(outsider)

    page = client.get(reverse("campaign_list")).content.decode()

    assert "Harbor" not in page
    assert "Start the first campaign" in page


def test_it_lists_campaigns_in_a_constant_number_of_queries(
    client, lead, committee, django_assert_max_num_queries
):
    for index in range(15):
        campaign = factories.campaign(committee=committee, code_name=f"Campaign {index}")
        person = factories.person(committee=committee)
        factories.on_roster(campaign=campaign, person=person)
    client.force_login(lead)

    with django_assert_max_num_queries(6):
        response = client.get(reverse("campaign_list"))

    assert response.content.decode().count("1 person on the roster") == 15


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get(reverse("campaign_list"))

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


# --- Starting a campaign -------------------------------------------------------------------------


def test_it_starts_a_campaign_led_by_the_lead_who_started_it(client, lead, committee):
    client.force_login(lead)

    response = client.post(reverse("campaign_create"), GOOD, follow=True)

    campaign = Campaign.objects.get(code_name="Maple")
    assert campaign.committee == committee
    assert TeamMember.objects.get(campaign=campaign).user == lead
    assert TeamMember.objects.get(campaign=campaign).role == TeamMember.Role.LEAD
    assert response.redirect_chain[-1][0] == reverse("site_create", args=[campaign.pk])
    assert "Now add its first site" in response.content.decode()


def test_it_puts_the_campaign_in_the_leads_committee_whatever_is_posted(
    client, lead, other_committee
):
    client.force_login(lead)

    client.post(reverse("campaign_create"), {**GOOD, "committee": other_committee.pk})

    assert Campaign.objects.get(code_name="Maple").committee != other_committee


def test_it_forbids_an_organizer_to_start_a_campaign(client, organizer):
    client.force_login(organizer)

    assert client.get(reverse("campaign_create")).status_code == 403
    assert client.post(reverse("campaign_create"), GOOD).status_code == 403
    assert not Campaign.objects.exists()


def test_it_gives_a_user_in_no_committee_a_404(client, db):
    client.force_login(factories.user())

    assert client.get(reverse("campaign_create")).status_code == 404


def test_it_keeps_what_was_typed_when_the_thresholds_are_out_of_order(client, lead):
    client.force_login(lead)

    response = client.post(
        reverse("campaign_create"), {**GOOD, "threshold_interest": "60", "target": "Acme Rentals"}
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "showing of interest (60%) ≤ majority (50%) ≤ supermajority (67%)" in page
    assert 'value="Acme Rentals"' in page and 'value="60"' in page
    assert not Campaign.objects.exists()


def test_it_refuses_a_code_name_taken_in_another_case(client, lead, campaign):
    client.force_login(lead)

    response = client.post(reverse("campaign_create"), {**GOOD, "code_name": "HARBOR"})

    assert response.status_code == 422
    assert "already called “HARBOR”" in response.content.decode()
    assert Campaign.objects.count() == 1


def test_it_refuses_a_threshold_above_100(client, lead):
    client.force_login(lead)

    response = client.post(reverse("campaign_create"), {**GOOD, "threshold_super": "120"})

    assert response.status_code == 422
    assert "less than or equal to 100" in response.content.decode()


# --- Settings ------------------------------------------------------------------------------------


def test_it_shows_the_settings_with_the_sites_of_the_campaign(client, lead, campaign):
    factories.site(campaign=campaign, name="Eastside warehouse")
    client.force_login(lead)

    page = client.get(edit_url(campaign)).content.decode()

    assert 'value="Harbor"' in page
    assert "Eastside warehouse" in page and "Add a worksite" in page
    assert "Employer" in page


def test_it_saves_the_settings(client, lead, campaign):
    client.force_login(lead)

    response = client.post(
        edit_url(campaign), {**GOOD, "kind": "workplace", "code_name": "Harbor", "status": "paused"}
    )

    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.PAUSED
    assert campaign.target == "Skyline Properties"


def test_it_keeps_the_saved_name_on_the_page_when_a_change_is_refused(
    client, lead, campaign, committee
):
    factories.campaign(committee=committee, code_name="Oak")
    client.force_login(lead)

    response = client.post(edit_url(campaign), {**GOOD, "code_name": "oak"})

    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="oak"' in page
    assert "<strong>Harbor</strong>" in page
    campaign.refresh_from_db()
    assert campaign.code_name == "Harbor"


def test_it_lets_a_campaign_lead_change_the_settings(client, committee, campaign):
    campaign_lead = factories.member_of(committee, Membership.Role.ORGANIZER)
    factories.on_team(campaign=campaign, user=campaign_lead, role="lead")
    client.force_login(campaign_lead)

    assert client.get(edit_url(campaign)).status_code == 200


def test_it_forbids_an_organizer_on_the_team_to_change_the_settings(
    client, team_organizer, campaign
):
    client.force_login(team_organizer)

    assert client.get(edit_url(campaign)).status_code == 403
    assert client.post(edit_url(campaign), {**GOOD, "code_name": "X"}).status_code == 403
    campaign.refresh_from_db()
    assert campaign.code_name == "Harbor"


@pytest.mark.parametrize("persona", ["outside_organizer", "outsider", "member"])
def test_it_hides_the_settings_from_everyone_outside(client, request, persona, campaign):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(edit_url(campaign))

    assert response.status_code == 404
    assert "Harbor" not in response.content.decode()


# --- The services --------------------------------------------------------------------------------


def fields() -> dict:
    return {**GOOD, "threshold_interest": 30, "threshold_majority": 50, "threshold_super": 67}


def test_the_service_refuses_thresholds_out_of_order(committee, lead):
    with pytest.raises(ValidationError) as refused:
        campaign_create(
            committee=committee, created_by=lead, **{**fields(), "threshold_majority": 70}
        )

    assert "threshold_super" in refused.value.message_dict
    assert not Campaign.objects.exists()


def test_the_service_allows_equal_thresholds(committee, lead):
    campaign = campaign_create(
        committee=committee,
        created_by=lead,
        **{**fields(), "threshold_interest": 50, "threshold_majority": 50, "threshold_super": 50},
    )

    assert campaign.thresholds == [50, 50, 50]


def test_the_service_refuses_a_code_name_in_use_in_the_committee(committee, lead, campaign):
    with pytest.raises(ValidationError) as refused:
        campaign_create(committee=committee, created_by=lead, **{**fields(), "code_name": "harbor"})

    assert "code_name" in refused.value.message_dict


def test_another_committee_may_use_the_same_code_name(other_committee, outsider, campaign):
    twin = campaign_create(
        committee=other_committee, created_by=outsider, **{**fields(), "code_name": "Harbor"}
    )

    assert twin.pk != campaign.pk


def test_the_service_records_the_first_lead_as_a_team_change(committee, lead):
    campaign = campaign_create(committee=committee, created_by=lead, **fields())

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.TEAM_CHANGE)
    assert event.campaign_id == campaign.pk
    assert event.detail == {"role": "lead", "change": "added"}


def test_the_update_service_refuses_a_threshold_of_zero_and_keeps_the_campaign(campaign):
    with pytest.raises(ValidationError):
        campaign_update(campaign=campaign, threshold_interest=0)

    assert campaign.threshold_interest == 30


def test_a_new_campaign_starts_with_the_asks_of_its_kind(committee, lead):
    tenants = campaign_create(
        committee=committee, created_by=lead, **{**fields(), "kind": "tenant", "code_name": "oak"}
    )

    assert list(tenants.asks.values_list("text", flat=True)) == [
        "Sign the petition",
        "Come to the next tenant meeting",
    ]
