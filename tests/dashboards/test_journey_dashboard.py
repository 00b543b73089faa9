"""A lead before the weekly meeting, in a real browser: opens the campaign dashboard, narrows
it to one unit, and downloads the unit table."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from campaigns.conversations.services.log import ConversationData, conversation_log
from members.models import AuditEvent, Membership
from tests import factories
from tests.test_journeys import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_filters_the_dashboard_to_a_unit_and_exports_it(page: Page, live_server):
    committee = factories.committee(name="Riverside Workers Committee")
    lead = factories.member_of(
        committee, Membership.Role.LEAD, email="rosa@example.org", name="Rosa Delgado"
    )
    campaign = factories.campaign(committee=committee, code_name="Harbor")
    site = factories.site(campaign=campaign, name="Warehouse")
    receiving = factories.unit(site=site, name="Receiving")
    shipping = factories.unit(site=site, name="Shipping")
    # Receiving: three people, two supporters. Shipping: one person, undecided.
    for name, unit, level in [
        ("Ana", receiving, 1),
        ("Ben", receiving, 2),
        ("Cal", receiving, None),
        ("Dee", shipping, 3),
    ]:
        person = factories.person(committee=committee, given_name=name)
        factories.on_roster(campaign=campaign, person=person, unit=unit)
        if level:
            data = ConversationData(
                happened_at=timezone.now(), channel="in_person", assessment=level
            )
            conversation_log(campaign=campaign, person=person, organizer=lead, data=data)

    log_in(page, live_server.url, "rosa@example.org", factories.PASSWORD)
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    page.get_by_role("link", name="Dashboard").click()

    expect(page.get_by_role("heading", name="Dashboard", level=1)).to_be_visible()
    roster = page.locator('[data-stat="roster"] dd strong')
    support = page.locator('[data-stat="support"] dd strong')
    expect(roster).to_have_text("4")
    expect(support).to_have_text("50%")  # Ana and Ben of four

    page.get_by_label("Unit", exact=True).select_option(label="Shipping")

    expect(page.get_by_text("Showing Shipping only")).to_be_visible()
    expect(roster).to_have_text("1")
    expect(support).to_have_text("0%")
    assert f"unit={shipping.pk}" in page.url

    with page.expect_download() as info:
        page.get_by_role("link", name="Export the unit table (CSV)").click()
    download = info.value

    assert download.suggested_filename.startswith("harbor-units-")
    lines = Path(download.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("Warehouse,Shipping,1,1,100,1,100,0,0,1,0,0,0,0,0,")
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT)
    assert (event.actor, event.campaign_id, event.count) == (lead, campaign.pk, 1)
