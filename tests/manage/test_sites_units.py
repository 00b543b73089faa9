"""Sites and their structure: adding a site, charting its unit tree (add, rename, reorder, move,
delete with people moved), and the services that keep the tree sound."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from campaigns.manage import services
from campaigns.models import RosterEntry, Site, Unit
from campaigns.roster.units import unit_tree
from tests import factories

HTMX = {"HX-Request": "true"}


@pytest.fixture
def site(campaign):
    return factories.site(campaign=campaign, name="Eastside warehouse")


@pytest.fixture
def tenant_site(committee):
    campaign = factories.campaign(committee=committee, code_name="Maple", kind="tenant")
    return factories.site(campaign=campaign, name="412 Elm")


def site_url(site, query: str = "") -> str:
    return reverse("site_detail", args=[site.campaign_id, site.pk]) + query


def unit_url(name: str, unit) -> str:
    return reverse(name, args=[unit.site.campaign_id, unit.site_id, unit.pk])


def add_url(site) -> str:
    return reverse("unit_create", args=[site.campaign_id, site.pk])


def tree_names(site) -> list[str]:
    return ["  " * depth + unit.name for unit, depth in unit_tree(site.pk)]


def place(campaign, unit, name: str) -> RosterEntry:
    person = factories.person(committee=campaign.committee, given_name=name)
    return factories.on_roster(campaign=campaign, person=person, unit=unit)


# --- Sites ---------------------------------------------------------------------------------------


def test_it_adds_a_building_to_a_tenant_campaign_in_its_time_zone(client, lead, tenant_site):
    campaign = tenant_site.campaign
    client.force_login(lead)
    url = reverse("site_create", args=[campaign.pk])
    assert "Building name" in client.get(url).content.decode()

    response = client.post(
        url, {"name": "Maple Court", "address": "9 Maple St", "time_zone": "America/Chicago"}
    )

    site = Site.objects.get(name="Maple Court")
    assert site.time_zone == "America/Chicago"
    assert site.position == 1
    assert response["Location"] == site_url(site)


def test_it_preselects_the_committee_time_zone(client, lead, campaign):
    campaign.committee.time_zone = "America/Denver"  # the server's stays UTC
    campaign.committee.save(update_fields=["time_zone"])
    client.force_login(lead)

    page = client.get(reverse("site_create", args=[campaign.pk])).content.decode()

    assert '<option value="America/Denver" selected>' in page
    assert "Worksite name" in page


def test_it_refuses_an_unknown_time_zone_and_a_duplicate_name(client, lead, site):
    client.force_login(lead)

    response = client.post(
        reverse("site_create", args=[site.campaign_id]),
        {"name": "EASTSIDE warehouse", "address": "1 Dock Rd", "time_zone": "Mars/Olympus"},
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "Mars/Olympus is not one of the available choices" in page
    assert "1 Dock Rd" in page
    response = client.post(
        reverse("site_create", args=[site.campaign_id]),
        {"name": "EASTSIDE warehouse", "time_zone": "UTC"},
    )
    assert response.status_code == 422
    assert "already has a site called" in response.content.decode()
    assert Site.objects.count() == 1


def test_it_edits_the_site_details(client, lead, site):
    client.force_login(lead)

    response = client.post(
        site_url(site), {"name": "East warehouse", "address": "", "time_zone": "Europe/Paris"}
    )

    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.name, site.time_zone) == ("East warehouse", "Europe/Paris")


def test_it_forbids_an_organizer_on_the_team_to_chart_a_site(client, team_organizer, site):
    client.force_login(team_organizer)

    assert client.get(site_url(site)).status_code == 403
    assert client.post(add_url(site), {"name": "Receiving"}).status_code == 403
    assert client.get(reverse("site_create", args=[site.campaign_id])).status_code == 403
    assert not Unit.objects.exists()


@pytest.mark.parametrize("persona", ["outside_organizer", "outsider", "member"])
def test_it_hides_a_site_from_everyone_outside(client, request, persona, site):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(site_url(site))

    assert response.status_code == 404
    assert "Eastside" not in response.content.decode()
    assert client.post(add_url(site), {"name": "Receiving"}).status_code == 404


def test_it_gives_404_for_a_unit_of_another_site_of_the_campaign(client, lead, site, campaign):
    other = factories.unit(site=factories.site(campaign=campaign, name="Store 2"), name="Deli")
    client.force_login(lead)

    url = reverse("unit_update", args=[campaign.pk, site.pk, other.pk])

    assert client.post(url, {"name": "Bakery"}).status_code == 404


# --- Charting: adding units ----------------------------------------------------------------------


def test_it_keeps_the_add_form_ready_under_the_same_parent(client, lead, tenant_site):
    client.force_login(lead)
    client.post(add_url(tenant_site), {"name": "Floor 1", "parent": ""}, headers=HTMX)
    floor = Unit.objects.get(name="Floor 1")

    response = client.post(
        add_url(tenant_site), {"name": "1A", "parent": str(floor.pk)}, headers=HTMX
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert re.search(rf'<option value="{floor.pk}" selected>', page)
    assert re.search(r'<input[^>]*name="name"(?![^>]*value=)[^>]*autofocus', page)
    assert "1A added." in page
    client.post(add_url(tenant_site), {"name": "1B", "parent": str(floor.pk)}, headers=HTMX)
    assert tree_names(tenant_site) == ["Floor 1", "  1A", "  1B"]


def test_it_returns_a_plain_form_to_the_page_with_the_parent_kept(client, lead, site):
    parent = factories.unit(site=site, name="Receiving")
    client.force_login(lead)

    response = client.post(add_url(site), {"name": "Night shift", "parent": str(parent.pk)})

    assert response.status_code == 302
    assert response["Location"] == site_url(site, f"?parent={parent.pk}#add-unit")
    page = client.get(response["Location"]).content.decode()
    assert re.search(rf'<option value="{parent.pk}" selected>', page)


def test_it_refuses_a_sibling_with_the_same_name_in_another_case(client, lead, tenant_site):
    floor = factories.unit(site=tenant_site, name="Floor 1")
    factories.unit(site=tenant_site, name="1A", parent=floor)
    client.force_login(lead)

    response = client.post(
        add_url(tenant_site), {"name": "1a", "parent": str(floor.pk)}, headers=HTMX
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert "“Floor 1” already has a unit called “1a”." in page
    assert 'value="1a"' in page
    assert Unit.objects.count() == 2


def test_it_allows_the_same_name_under_different_parents(tenant_site):
    first = services.unit_create(site=tenant_site, name="Floor 1")
    second = services.unit_create(site=tenant_site, name="Floor 2")

    services.unit_create(site=tenant_site, name="Laundry", parent=first)
    services.unit_create(site=tenant_site, name="Laundry", parent=second)

    assert Unit.objects.filter(name="Laundry").count() == 2


def test_it_shows_the_tree_indented_with_the_people_in_each_unit(client, lead, tenant_site):
    floor = factories.unit(site=tenant_site, name="Floor 1")
    apartment = factories.unit(site=tenant_site, name="1A", parent=floor)
    place(tenant_site.campaign, apartment, "Ana")
    place(tenant_site.campaign, apartment, "Ben")
    client.force_login(lead)

    page = client.get(site_url(tenant_site)).content.decode()

    assert re.search(r'class="st-row st-depth-1[^"]*">.*?1A.*?2 people', page, re.S)
    assert "floors, then apartments" in page


def test_it_renders_200_units_three_levels_deep_in_a_constant_number_of_queries(
    client, lead, site, django_assert_max_num_queries
):
    for d in range(4):
        department = Unit.objects.create(site=site, name=f"Department {d}", position=d)
        for s in range(7):
            shift = Unit.objects.create(site=site, parent=department, name=f"Shift {s}")
            Unit.objects.bulk_create(
                Unit(site=site, parent=shift, name=f"Area {a}") for a in range(6)
            )
            place(site.campaign, shift, f"Worker {d}{s}")
    assert Unit.objects.count() == 200
    client.force_login(lead)

    with django_assert_max_num_queries(10):
        response = client.get(site_url(site, f"?edit={department.pk}"))

    assert response.content.decode().count('class="st-row') == 200


# --- Rename, reorder, move -----------------------------------------------------------------------


def test_it_renames_a_unit(client, lead, site):
    unit = factories.unit(site=site, name="Recieving")
    client.force_login(lead)

    response = client.post(unit_url("unit_update", unit), {"name": "Receiving"}, headers=HTMX)

    assert response.status_code == 200
    unit.refresh_from_db()
    assert unit.name == "Receiving"


def test_it_keeps_the_typed_name_when_a_rename_clashes(client, lead, site):
    factories.unit(site=site, name="Receiving")
    unit = factories.unit(site=site, name="Shipping")
    client.force_login(lead)

    response = client.post(unit_url("unit_update", unit), {"name": "RECEIVING"})

    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="RECEIVING"' in page and "already has a top-level unit" in page
    unit.refresh_from_db()
    assert unit.name == "Shipping"


def test_it_moves_a_unit_up_and_down_among_its_siblings(client, lead, tenant_site):
    for name in ["Floor 1", "Floor 2", "Floor 3"]:
        services.unit_create(site=tenant_site, name=name)
    third = Unit.objects.get(name="Floor 3")
    client.force_login(lead)

    client.post(unit_url("unit_move", third), {"direction": "up"}, headers=HTMX)
    client.post(unit_url("unit_move", third), {"direction": "up"}, headers=HTMX)
    client.post(unit_url("unit_move", third), {"direction": "up"}, headers=HTMX)

    assert tree_names(tenant_site) == ["Floor 3", "Floor 1", "Floor 2"]
    client.post(unit_url("unit_move", third), {"direction": "down"})
    assert tree_names(tenant_site) == ["Floor 1", "Floor 3", "Floor 2"]


def test_it_moves_a_unit_with_its_units_under_another_parent(client, lead, tenant_site):
    floor_1 = services.unit_create(site=tenant_site, name="Floor 1")
    floor_2 = services.unit_create(site=tenant_site, name="Floor 2")
    wing = services.unit_create(site=tenant_site, name="East wing", parent=floor_1)
    services.unit_create(site=tenant_site, name="1A", parent=wing)
    client.force_login(lead)

    response = client.post(unit_url("unit_move", wing), {"parent": str(floor_2.pk)})

    assert response.status_code == 302
    assert tree_names(tenant_site) == ["Floor 1", "Floor 2", "  East wing", "    1A"]
    client.post(unit_url("unit_move", wing), {"parent": "top"})
    assert tree_names(tenant_site) == ["Floor 1", "Floor 2", "East wing", "  1A"]


def test_it_refuses_to_move_a_unit_under_its_own_descendant(client, lead, tenant_site):
    floor = services.unit_create(site=tenant_site, name="Floor 1")
    wing = services.unit_create(site=tenant_site, name="East wing", parent=floor)
    apartment = services.unit_create(site=tenant_site, name="1A", parent=wing)
    client.force_login(lead)

    page = client.get(site_url(tenant_site, f"?edit={floor.pk}")).content.decode()
    move_select = re.search(r'<select name="parent"[^>]*id="move-parent".*?</select>', page, re.S)
    assert "1A" not in move_select.group(0) and "East wing" not in move_select.group(0)
    response = client.post(unit_url("unit_move", floor), {"parent": str(apartment.pk)})

    assert response.status_code == 422
    assert tree_names(tenant_site) == ["Floor 1", "  East wing", "    1A"]


def test_the_move_service_refuses_cycles_at_any_depth(tenant_site):
    floor = services.unit_create(site=tenant_site, name="Floor 1")
    wing = services.unit_create(site=tenant_site, name="East wing", parent=floor)
    apartment = services.unit_create(site=tenant_site, name="1A", parent=wing)

    for target in [floor, wing, apartment]:
        with pytest.raises(ValidationError, match="under itself"):
            services.unit_move(unit=floor, parent=target)

    floor.refresh_from_db()
    assert floor.parent is None


def test_the_move_service_refuses_a_parent_on_another_site(tenant_site, site):
    floor = services.unit_create(site=tenant_site, name="Floor 1")
    elsewhere = services.unit_create(site=site, name="Receiving")

    with pytest.raises(ValidationError, match="this site"):
        services.unit_move(unit=floor, parent=elsewhere)


def test_the_move_service_refuses_a_name_clash_under_the_new_parent(tenant_site):
    floor_1 = services.unit_create(site=tenant_site, name="Floor 1")
    floor_2 = services.unit_create(site=tenant_site, name="Floor 2")
    services.unit_create(site=tenant_site, name="Laundry", parent=floor_1)
    laundry_2 = services.unit_create(site=tenant_site, name="laundry", parent=floor_2)

    with pytest.raises(ValidationError, match="already has a unit"):
        services.unit_move(unit=laundry_2, parent=floor_1)

    laundry_2.refresh_from_db()
    assert laundry_2.parent == floor_2


# --- Delete --------------------------------------------------------------------------------------


def test_it_deletes_an_empty_leaf_at_once(client, lead, site):
    unit = factories.unit(site=site, name="Typo")
    client.force_login(lead)

    response = client.post(unit_url("unit_delete", unit), headers=HTMX)

    assert response.status_code == 200
    assert "Typo deleted." in response.content.decode()
    assert not Unit.objects.exists()


def test_it_asks_where_the_people_go_before_deleting(client, lead, tenant_site):
    campaign = tenant_site.campaign
    floor = services.unit_create(site=tenant_site, name="Floor 1")
    apartment = services.unit_create(site=tenant_site, name="1A", parent=floor)
    services.unit_create(site=tenant_site, name="1B", parent=floor)
    lobby = services.unit_create(site=tenant_site, name="Lobby")
    for name in ["Ana", "Ben", "Cy"]:
        place(campaign, apartment, name)
    client.force_login(lead)

    response = client.post(unit_url("unit_delete", floor), headers=HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert "The 2 units under it are deleted too." in page
    assert "3 people on the roster are placed there." in page
    assert Unit.objects.count() == 4
    options = re.search(r'<select name="move_to".*?</select>', page, re.S).group(0)
    assert "Lobby" in options and "1A" not in options

    response = client.post(
        unit_url("unit_delete", floor), {"confirm": "1", "move_to": str(lobby.pk)}, headers=HTMX
    )

    assert response.status_code == 200
    assert "People moved to Lobby: 3." in response.content.decode()
    assert tree_names(tenant_site) == ["Lobby"]
    assert RosterEntry.objects.filter(unit=lobby).count() == 3


def test_it_can_leave_the_people_in_no_unit(client, lead, site):
    unit = factories.unit(site=site, name="Receiving")
    entry = place(site.campaign, unit, "Ana")
    client.force_login(lead)

    response = client.post(unit_url("unit_delete", unit), {"confirm": "1", "move_to": "none"})

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.unit is None and entry.removed_at is None


def test_it_refuses_to_move_people_into_a_unit_being_deleted(client, lead, tenant_site):
    floor = services.unit_create(site=tenant_site, name="Floor 1")
    apartment = services.unit_create(site=tenant_site, name="1A", parent=floor)
    place(tenant_site.campaign, apartment, "Ana")
    client.force_login(lead)

    response = client.post(
        unit_url("unit_delete", floor), {"confirm": "1", "move_to": str(apartment.pk)}
    )

    assert response.status_code == 422
    assert Unit.objects.count() == 2


def test_the_delete_service_moves_only_active_entries_and_deletes_every_level(tenant_site):
    campaign = tenant_site.campaign
    floor = services.unit_create(site=tenant_site, name="Floor 1")
    wing = services.unit_create(site=tenant_site, name="Wing", parent=floor)
    apartment = services.unit_create(site=tenant_site, name="1A", parent=wing)
    lobby = services.unit_create(site=tenant_site, name="Lobby")
    place(campaign, apartment, "Ana")
    place(campaign, wing, "Ben")
    from campaigns.roster.services import roster_remove

    roster_remove(entry=place(campaign, apartment, "Cy"))

    moved = services.unit_delete(unit=floor, move_people_to=lobby)

    assert moved == 2
    assert tree_names(tenant_site) == ["Lobby"]
    assert RosterEntry.objects.filter(unit=lobby).count() == 2


def test_the_delete_service_refuses_a_unit_of_another_site(tenant_site, site):
    floor = services.unit_create(site=tenant_site, name="Floor 1")
    elsewhere = services.unit_create(site=site, name="Receiving")

    with pytest.raises(ValidationError):
        services.unit_delete(unit=floor, move_people_to=elsewhere)

    assert Unit.objects.filter(pk=floor.pk).exists()
