"""The treasurer imports last month's payroll deductions on a phone (390 px): uploads the
list, checks it (a dry run that names each member and records nothing), records it, and
finds the payments on a member's page."""

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from campaigns.models import Member, Payment
from members.clock import today_for
from members.models import Membership, PersonEmail
from tests import factories
from tests.test_accessibility import serious_violations
from tests.test_journeys import log_in, nav_more

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_treasurer_imports_a_payroll_list_and_sees_it_on_a_members_page(
    page: Page, live_server, committee, tmp_path
):
    treasurer = factories.member_of(committee, Membership.Role.LEAD)
    Membership.objects.filter(user=treasurer).update(is_treasurer=True)
    today = today_for(committee)
    ana = factories.person(committee=committee, given_name="Ana", family_name="Lima")
    PersonEmail.objects.create(person=ana, email="ana@example.org", is_primary=True)
    Member.objects.create(
        committee=committee, person=ana, number="E-101", joined_on=date(2025, 1, 1)
    )
    ben = factories.person(committee=committee, given_name="Ben", family_name="Cruz")
    Member.objects.create(
        committee=committee, person=ben, number="E-102", joined_on=date(2025, 1, 1)
    )
    paid_on = today.isoformat()
    csv = tmp_path / "payroll.csv"
    csv.write_text(
        "Employee ID,Employee Name,Deduction,Pay Date,Month\n"
        f"E-101,Ana Lima,12.50,{paid_on},2025-01\n"
        f"E-102,Ben Cruz,12.50,{paid_on},2025-01\n"
        f"E-101,Ana Lima,12.50,{paid_on},\n"
    )

    log_in(page, live_server.url, treasurer.email, factories.PASSWORD)
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
    expect(lines.nth(2)).to_contain_text("Ana Lima")
    expect(lines.nth(2)).to_contain_text("February 2025")  # after the line before it
    assert Payment.objects.count() == 0
    assert serious_violations(page, "Payment import, dry run") == []

    page.get_by_role("button", name="Record 3 payments").click()
    expect(page.get_by_role("status")).to_contain_text("Imported 3 payments, 37.50 USD in all.")
    expect(page.locator("#treasury-dues")).to_have_text("37.50 USD")

    page.goto(f"{live_server.url}/people/{ana.pk}/")
    payments = page.locator(".people-payments tbody tr")
    expect(payments).to_have_count(2)
    expect(payments.first).to_contain_text("12.50 USD")
    assert serious_violations(page, "A member's page after the import") == []
