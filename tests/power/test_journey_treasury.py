"""The treasurer keeps the books on a phone (390 px): records a donation and an expense (a
slip of the thumb first: three decimals, said and kept), sees the balance with the dues
already paid, opens the month-by-month report and downloads every line for the accountant."""

import csv
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from psycopg.types.range import Range

from campaigns.models import Member, Payment
from campaigns.power.standing import month_index, month_start
from members.clock import today_for
from members.models import AuditEvent, Membership
from tests import factories
from tests.test_accessibility import serious_violations
from tests.test_journeys import log_in, nav_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_treasurer_records_money_in_and_out_and_downloads_the_books(
    page: Page, live_server, committee
):
    treasurer = factories.member_of(committee, Membership.Role.LEAD)
    Membership.objects.filter(user=treasurer).update(is_treasurer=True)
    today = today_for(committee)
    person = factories.person(committee=committee, given_name="Ana", family_name="Lima")
    ana = Member.objects.create(committee=committee, person=person, joined_on=date(2025, 1, 1))
    month = month_start(month_index(today))
    Payment.objects.create(
        committee=committee,
        member=ana,
        amount=1000,
        paid_on=today,
        method="cash",
        covers=Range(month, month_start(month_index(month) + 1), "[)"),
    )

    log_in(page, live_server.url, treasurer.email, factories.PASSWORD)
    nav_more(page, "Treasury")
    expect(page.get_by_role("heading", name="Treasury", exact=True)).to_be_visible()
    expect(page.locator("#treasury-balance")).to_have_text("10.00 USD")
    assert serious_violations(page, "Treasury") == []

    page.get_by_label("What").select_option(label="Donation")
    page.get_by_label("Amount").fill("250.005")
    page.get_by_label("From or to").fill("Teachers' local")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_text("USD amounts have at most 2 decimals.")).to_be_visible()
    expect(page.get_by_label("From or to")).to_have_value("Teachers' local")
    assert serious_violations(page, "Treasury with an error") == []
    page.get_by_label("Amount").fill("250")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded: Donation, 250.00 USD.")

    page.get_by_label("What").select_option(label="Printing and supplies")
    page.get_by_label("Amount").fill("45.50")
    page.get_by_label("Receipt reference").fill("R-1")
    page.get_by_role("button", name="Record it").click()
    expect(page.get_by_role("status")).to_contain_text("Recorded: Printing and supplies")
    expect(page.locator("#treasury-balance")).to_have_text("214.50 USD")
    ledger = page.locator("#treasury-ledger > li")
    expect(ledger).to_have_count(3)
    expect(ledger.first).to_contain_text("-45.50 USD")

    page.get_by_role("link", name="Month by month").click()
    expect(page.get_by_role("heading", name="Treasury month by month")).to_be_visible()
    this_month = page.locator("#treasury-months tbody tr").last
    expect(this_month).to_contain_text("250.00 USD")
    expect(this_month).to_contain_text("214.50 USD")
    expect(page.locator("#treasury-expenses")).to_contain_text("Printing and supplies")
    assert serious_violations(page, "Treasury month by month") == []

    with page.expect_download() as info:
        page.get_by_role("link", name="Download every line (CSV)").click()
    download = info.value
    assert download.suggested_filename == f"treasury-{today:%Y-%m-%d}.csv"
    with open(download.path(), encoding="utf-8-sig") as file:
        rows = list(csv.reader(file))
    assert rows[0][:4] == ["date", "kind", "category", "amount"]
    assert sorted(row[2:4] for row in rows[1:]) == [
        ["donation", "250.00"],
        ["dues", "10.00"],
        ["printing", "-45.50"],
    ]
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.EXPORT).count == 3
