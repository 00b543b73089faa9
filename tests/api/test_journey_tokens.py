"""A committee lead gives a sync a token in a real browser at 390 px: makes one for one
campaign, copies it from the page (shown once), the sync reads that campaign's people with
it, the page says when and from where it was last used, and after revoking it the sync is
refused at once."""

import json
import urllib.error
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.test_accessibility import serious_violations
from tests.test_journeys import log_in, nav_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def api_get(base: str, token: str, path: str) -> tuple[int, dict]:
    url, headers = f"{base}/api/v2/{path}", {"OSDI-API-Token": token}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - the live server
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_a_lead_gives_a_sync_a_token_for_one_campaign_and_revokes_it(
    page: Page, live_server, committee, campaign, lead
):
    oak = factories.campaign(committee=committee, code_name="Oak")
    ana = factories.person(committee=committee, given_name="Ana", family_name="Lima")
    factories.on_roster(campaign=campaign, person=ana)
    factories.on_roster(
        campaign=oak, person=factories.person(committee=committee, given_name="Omar")
    )
    log_in(page, live_server.url, lead.email, factories.PASSWORD)
    nav_more(page, "System")
    page.get_by_role("link", name="API tokens").click()
    expect(page.get_by_role("heading", name="API tokens", exact=True)).to_be_visible()
    assert serious_violations(page, "API tokens") == []

    page.get_by_label("Name").fill("Action Network sync")
    page.get_by_text("Only the campaigns chosen").click()
    page.get_by_role("checkbox", name=campaign.code_name).check()
    page.get_by_role("button", name="Make the token").click()
    expect(page.get_by_text("Copy it now: it is shown this once")).to_be_visible()
    token = page.get_by_label("Token", exact=True).input_value()

    status, people = api_get(live_server.url, token, "people")
    assert status == 200
    assert [p["given_name"] for p in people["_embedded"]["osdi:people"]] == ["Ana"]

    page.reload()  # the browser posts the form again: no second token, and none shown
    expect(page.get_by_text("That form was sent twice")).to_be_visible()
    expect(page.get_by_text("Copy it now")).to_have_count(0)
    expect(page.get_by_role("listitem").filter(has_text="Action Network sync")).to_have_count(1)
    expect(page.get_by_text("last used")).to_contain_text("from 127.0.0.1")
    page.get_by_role("link", name="Revoke").click()
    page.get_by_role("button", name="Revoke the token").click()
    expect(page.get_by_role("status")).to_contain_text("Revoked the token")
    expect(page.get_by_role("listitem").filter(has_text="Action Network sync")).to_contain_text(
        "revoked"
    )

    status, refused = api_get(live_server.url, token, "people")
    assert status == 401 and "error" in refused
