"""The treasurer, a committee lead, on a 390 px phone: records from Ana's page that she
joined on a plan, records her first payment with a typo first (three decimals: said, and
what was typed kept), reads her standing on her page; imports the payroll list (a dry run
that names each member and records nothing, then the payments); reads the committee's
standing and dues on the Power page. An organizer of Ana's campaign then sees her standing
but no amount."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import DuesPlan, Member, Payment
from members.clock import today_for
from members.models import Membership
from tests import factories
from tests.test_accessibility import serious_violations
from tests.test_journeys import log_in, nav_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_treasurer_records_a_member_and_a_payment_imports_a_list_reads_the_power_page(
    page: Page, live_server, committee, campaign, team_organizer, browser, tmp_path
):
    treasurer = factories.member_of(committee, Membership.Role.LEAD, email="books@example.org")
    Membership.objects.filter(user=treasurer).update(is_treasurer=True)
    DuesPlan.objects.create(committee=committee, name="Monthly", amount=1000)
    ana = factories.person(committee=committee, given_name="Ana", family_name="Lima")
    factories.on_roster(campaign=campaign, person=ana)
    ben = factories.person(committee=committee, given_name="Ben", family_name="Cruz")
    Member.objects.create(
        committee=committee, person=ben, number="E-102", joined_on=date(2025, 1, 1)
    )
    log_in(page, live_server.url, treasurer.email, factories.PASSWORD)

    page.goto(f"{live_server.url}/people/{ana.pk}/")
    membership = page.locator("#person-membership")
    expect(membership).to_contain_text("Not a member of the committee.")
    membership.get_by_role("link", name="Record as member").click()
    page.get_by_label("How they joined").select_option(label="Signed a membership card")
    page.get_by_label("Member number").fill("A-17")
    page.get_by_label("Dues plan").select_option(label="Monthly (10.00 USD, monthly)")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Membership saved.")).to_be_visible()
    expect(membership).to_contain_text("A-17")
    expect(membership).to_contain_text("In good standing")  # this month's dues: in grace
    assert serious_violations(page, "person page with membership") == []

    membership.get_by_role("link", name="Record a payment").click()
    expect(page.get_by_label("Amount")).to_have_value("10.00")
    page.get_by_label("Amount").fill("10.005")
    page.get_by_label("Note").fill("At the general meeting")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("USD amounts have at most 2 decimals.")).to_be_visible()
    expect(page.get_by_label("Note")).to_have_value("At the general meeting")
    assert serious_violations(page, "payment form with an error") == []
    page.get_by_label("Amount").fill("10")
    page.get_by_role("button", name="Record the payment").click()
    expect(page.get_by_text("Payment recorded.")).to_be_visible()
    expect(membership.get_by_role("table")).to_contain_text("10.00 USD")
    month = today_for(committee).strftime("%B %Y")  # the committee's month, not the server's
    expect(membership).to_contain_text(month)

    _import_the_payroll_list(page, tmp_path, today_for(committee))
    page.goto(f"{live_server.url}/people/{ben.pk}/")
    payments = page.locator(".people-payments tbody tr")
    expect(payments).to_have_count(2)
    expect(payments.first).to_contain_text("12.50 USD")

    nav_more(page, "Power")
    expect(page.get_by_role("heading", name="Power", exact=True)).to_be_visible()
    expect(page.locator("[data-stat=members]")).to_contain_text("2")
    expect(page.locator("[data-stat=good]")).to_contain_text("1")  # Ben paid for 2025 only
    expect(page.locator("[data-stat=dues]")).to_contain_text("45.00 USD")
    assert serious_violations(page, "Power page") == []

    organizer = browser.new_context(viewport={"width": 390, "height": 844})
    theirs = organizer.new_page()
    log_in(theirs, live_server.url, team_organizer.email, factories.PASSWORD)
    theirs.goto(f"{live_server.url}/people/{ana.pk}/")
    expect(theirs.locator("#person-membership")).to_contain_text("In good standing")
    expect(theirs.locator("#person-membership")).not_to_contain_text("10.00")
    organizer.close()


def _import_the_payroll_list(page: Page, tmp_path, today) -> None:
    """Ben's deductions for January and (the line after) February 2025, and Ana's next
    month after the one she paid by hand."""
    csv = tmp_path / "payroll.csv"
    csv.write_text(
        "Employee ID,Employee Name,Deduction,Pay Date,Month\n"
        f"E-102,Ben Cruz,12.50,{today.isoformat()},2025-01\n"
        f"E-102,Ben Cruz,12.50,{today.isoformat()},\n"
        f"A-17,Ana Lima,10.00,{today.isoformat()},\n"
    )
    nav_more(page, "Treasury")
    page.get_by_role("link", name="Import dues payments from a file").click()
    expect(page.get_by_role("heading", name="Import dues payments")).to_be_visible()
    assert serious_violations(page, "Import dues payments") == []
    page.get_by_label("Payments file (CSV)").set_input_files(str(csv))
    page.get_by_role("button", name="Upload and match columns").click()

    expect(page.get_by_role("heading", name="payroll.csv")).to_be_visible()
    expect(page.get_by_label("Member number")).to_have_value("Employee ID")
    expect(page.get_by_label("Amount")).to_have_value("Deduction")
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(page.get_by_role("heading", name="2. Check: ready to import")).to_be_visible()
    lines = page.locator("#payment-import-lines tbody tr")
    expect(lines).to_have_count(3)
    expect(lines.nth(1)).to_contain_text("Ben Cruz")
    expect(lines.nth(1)).to_contain_text("February 2025")  # after the line before it
    expect(lines.nth(2)).to_contain_text("Ana Lima")
    assert Payment.objects.count() == 1  # Ana's, by hand: the dry run recorded nothing
    assert serious_violations(page, "Payment import, dry run") == []

    page.get_by_role("button", name="Record 3 payments").click()
    expect(page.get_by_role("status")).to_contain_text("Imported 3 payments, 35.00 USD in all.")
