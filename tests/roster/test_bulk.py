"""Bulk changes from the chart: Nina, an organizer on Harbor's team, ticks people on the chart
and assigns them an organizer or tags them. Only Harbor's people change, whatever ids come in,
and each change leaves one audit event."""

from datetime import date
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.models import Member, RosterEntry
from campaigns.power.services import MemberData, member_join
from campaigns.roster.bulk import roster_add_tag, roster_assign_organizer
from campaigns.roster.services import roster_remove
from members.models import AuditEvent, Tag
from tests import factories


@pytest.fixture
def harbor(committee, campaign):
    site = factories.site(campaign=campaign, name="Warehouse")
    unit = factories.unit(site=site, name="Receiving")
    oak = factories.campaign(committee=committee, code_name="Pier")

    def entry(given, on=campaign):
        person = factories.person(committee=committee, given_name=given, family_name="Doe")
        return factories.on_roster(
            campaign=on, person=person, unit=unit if on == campaign else None
        )

    return SimpleNamespace(
        site=site,
        ana=entry("Ana"),
        ben=entry("Ben"),
        cara=entry("Cara"),
        olga=entry("Olga", on=oak),
        owls=Tag.objects.create(committee=committee, name="night owls"),
    )


def bulk_url(campaign) -> str:
    return reverse("roster_bulk", args=[campaign.pk])


def post(client, user, campaign, data):
    client.force_login(user)
    return client.post(bulk_url(campaign), data)


def flash(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_it_assigns_the_ticked_people_to_an_organizer(client, campaign, team_organizer, harbor):
    response = post(
        client,
        team_organizer,
        campaign,
        {
            "entry": [harbor.ana.pk, harbor.ben.pk],
            "action": "assign_organizer",
            "organizer": team_organizer.pk,
            "back": "assessment=2&q=Doe",
        },
    )

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("campaign_chart", args=[campaign.pk]))
    assert "assessment=2" in response["Location"]
    assert "q=Doe" in response["Location"]
    assert flash(response) == ["Assigned 2 people to Nina Okafor."]
    organizers = dict(RosterEntry.objects.values_list("person__given_name", "organizer"))
    assert organizers == {
        "Ana": team_organizer.pk,
        "Ben": team_organizer.pk,
        "Cara": None,
        "Olga": None,
    }


def test_it_may_assign_people_to_a_committee_lead(client, campaign, team_organizer, lead, harbor):
    response = post(
        client,
        team_organizer,
        campaign,
        {"entry": [harbor.cara.pk], "action": "assign_organizer", "organizer": lead.pk},
    )

    assert response.status_code == 302
    harbor.cara.refresh_from_db()
    assert harbor.cara.organizer == lead


def test_it_refuses_an_organizer_who_is_not_on_the_team(
    client, campaign, team_organizer, outside_organizer, harbor
):
    response = post(
        client,
        team_organizer,
        campaign,
        {"entry": [harbor.ana.pk], "action": "assign_organizer", "organizer": outside_organizer.pk},
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert 'class="field has-error"' in html
    assert f'name="entry" value="{harbor.ana.pk}" checked' in html
    harbor.ana.refresh_from_db()
    assert harbor.ana.organizer is None
    assert not AuditEvent.objects.exists()


def test_it_asks_to_tick_someone_first(client, campaign, team_organizer, harbor):
    response = post(
        client,
        team_organizer,
        campaign,
        {"action": "assign_organizer", "organizer": team_organizer.pk},
    )

    assert response.status_code == 422
    assert "Tick at least one person." in response.content.decode()


def test_it_asks_which_tag(client, campaign, team_organizer, harbor):
    response = post(
        client, team_organizer, campaign, {"entry": [harbor.ana.pk], "action": "add_tag"}
    )

    assert response.status_code == 422
    assert "Choose a tag or type a new one." in response.content.decode()


def test_it_tags_the_ticked_people(client, campaign, team_organizer, harbor):
    harbor.ana.person.tags.add(harbor.owls)

    response = post(
        client,
        team_organizer,
        campaign,
        {"entry": [harbor.ana.pk, harbor.ben.pk], "action": "add_tag", "tag": harbor.owls.pk},
    )

    assert response.status_code == 302
    assert flash(response) == ["Tagged 2 people “night owls”."]
    tagged = set(harbor.owls.people.values_list("given_name", flat=True))
    assert tagged == {"Ana", "Ben"}


def test_it_tags_with_a_new_tag_made_once(client, committee, campaign, team_organizer, harbor):
    post(
        client,
        team_organizer,
        campaign,
        {"entry": [harbor.ana.pk], "action": "add_tag", "new_tag": "  Day   crew "},
    )
    post(
        client,
        team_organizer,
        campaign,
        {"entry": [harbor.ben.pk], "action": "add_tag", "new_tag": "day crew"},
    )

    crew = Tag.objects.get(committee=committee, name="Day crew")
    assert set(crew.people.values_list("given_name", flat=True)) == {"Ana", "Ben"}
    assert Tag.objects.filter(committee=committee, name__iexact="day crew").count() == 1


def test_it_ignores_people_of_another_campaign(client, campaign, team_organizer, lead, harbor):
    response = post(
        client,
        lead,
        campaign,
        {
            "entry": [harbor.ana.pk, harbor.olga.pk],
            "action": "assign_organizer",
            "organizer": team_organizer.pk,
        },
    )

    assert flash(response) == ["Assigned 1 person to Nina Okafor."]
    harbor.olga.refresh_from_db()
    assert harbor.olga.organizer is None
    post(
        client,
        lead,
        campaign,
        {"entry": [harbor.olga.pk], "action": "add_tag", "tag": harbor.owls.pk},
    )
    assert not harbor.owls.people.exists()


def test_it_ignores_people_taken_off_the_roster(client, campaign, team_organizer, harbor):
    roster_remove(entry=harbor.ben)

    post(
        client,
        team_organizer,
        campaign,
        {"entry": [harbor.ben.pk], "action": "assign_organizer", "organizer": team_organizer.pk},
    )

    harbor.ben.refresh_from_db()
    assert harbor.ben.organizer is None


def test_it_records_one_audit_event_per_bulk_change(client, campaign, team_organizer, harbor):
    post(
        client,
        team_organizer,
        campaign,
        {
            "entry": [harbor.ana.pk, harbor.ben.pk, harbor.olga.pk],
            "action": "assign_organizer",
            "organizer": team_organizer.pk,
        },
    )
    post(
        client,
        team_organizer,
        campaign,
        {"entry": [harbor.cara.pk], "action": "add_tag", "tag": harbor.owls.pk},
    )

    events = list(AuditEvent.objects.order_by("at", "pk"))
    assert [(e.kind, e.campaign_id, e.count, e.detail["action"]) for e in events] == [
        (AuditEvent.Kind.BULK, campaign.pk, 2, "assign_organizer"),
        (AuditEvent.Kind.BULK, campaign.pk, 1, "add_tag"),
    ]
    assert {e.actor for e in events} == {team_organizer}
    assert events[0].committee_id == campaign.committee_id


def test_it_goes_back_to_the_site_chart_it_came_from(client, campaign, team_organizer, harbor):
    response = post(
        client,
        team_organizer,
        campaign,
        {
            "entry": [harbor.ana.pk],
            "action": "assign_organizer",
            "organizer": team_organizer.pk,
            "site": harbor.site.pk,
            "back": "leader=1&evil=https://example.com",
        },
    )

    site_chart = reverse("site_chart", args=[campaign.pk, harbor.site.pk])
    assert response["Location"] == f"{site_chart}?leader=1&select=1"


@pytest.mark.parametrize("persona", ["outside_organizer", "outsider", "member"])
def test_it_lets_no_one_outside_the_campaign_change_its_people(
    client, request, campaign, team_organizer, harbor, persona
):
    response = post(
        client,
        request.getfixturevalue(persona),
        campaign,
        {"entry": [harbor.ana.pk], "action": "assign_organizer", "organizer": team_organizer.pk},
    )

    assert response.status_code == 404
    harbor.ana.refresh_from_db()
    assert harbor.ana.organizer is None


def test_it_only_takes_a_post(client, campaign, team_organizer):
    client.force_login(team_organizer)

    assert client.get(bulk_url(campaign)).status_code == 405


# --- The services ------------------------------------------------------------------------------


def test_the_service_refuses_an_organizer_off_the_team(
    campaign, team_organizer, outside_organizer, harbor
):
    with pytest.raises(ValidationError):
        roster_assign_organizer(
            campaign=campaign,
            entry_ids=[harbor.ana.pk],
            organizer=outside_organizer,
            actor=team_organizer,
        )


def test_the_service_refuses_another_committees_tag(
    campaign, team_organizer, other_committee, harbor
):
    foreign = Tag.objects.create(committee=other_committee, name="theirs")

    with pytest.raises(ValidationError):
        roster_add_tag(
            campaign=campaign, entry_ids=[harbor.ana.pk], tag=foreign, actor=team_organizer
        )
    assert not foreign.people.exists()


def test_it_records_the_ticked_people_as_members_once(
    client, committee, campaign, team_organizer, harbor
):
    member_join(person=harbor.ben.person, data=MemberData(joined_on=date(2025, 3, 1)), by=None)

    with time_machine.travel("2026-12-04 18:00:00+00:00", tick=False):
        response = post(
            client,
            team_organizer,
            campaign,
            {
                "entry": [harbor.ana.pk, harbor.ben.pk, harbor.olga.pk],
                "action": "record_members",
                "joined_on": "2026-12-03",
                "joined_how": "action",
            },
        )
        future = post(
            client,
            team_organizer,
            campaign,
            {"entry": [harbor.cara.pk], "action": "record_members", "joined_on": "2026-12-05"},
        )

    assert flash(response) == ["Recorded 1 person as a member of the committee."]
    ana = Member.objects.get(person=harbor.ana.person)
    assert (ana.joined_on, ana.joined_how, ana.recorded_by) == (
        date(2026, 12, 3),
        "action",
        team_organizer,
    )
    assert Member.objects.get(person=harbor.ben.person).joined_on == date(2025, 3, 1)  # kept
    assert not Member.objects.filter(person=harbor.olga.person).exists()  # another campaign
    assert future.status_code == 422 and "future" in future.content.decode()
    assert not Member.objects.filter(person=harbor.cara.person).exists()
