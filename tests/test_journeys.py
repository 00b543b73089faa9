"""User journeys in a real browser (Debian's Chromium through Playwright) against a live server."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core.management import call_command
from playwright.sync_api import Page, expect

from members.models import Membership, User
from tests import factories
from tests.conftest import body_text

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(base + "/")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    app = Authenticator.objects.filter(user__email=email, type=Authenticator.Type.TOTP).first()
    if app and app.user.check_password(password):
        # Leads and organizers have an authenticator app: the code comes next.
        expect(page.get_by_role("heading", name="Two-factor authentication")).to_be_visible()
        page.get_by_label("Code").fill(factories.totp_code(app.data["secret"]))
        page.get_by_role("button", name="Log in").click()


def nav_more(page: Page, name: str, role: str = "link") -> None:
    """Follows an entry of the navigation's "More" menu: a phone shows only the role's first
    few pages in the row."""
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("More", exact=True).click()
    nav.get_by_role(role, name=name, exact=True).click()  # type: ignore[arg-type]


def test_the_demo_lead_logs_in_and_sees_their_home(page: Page, live_server, settings):
    settings.MFA_REQUIRED = False  # as make run does
    call_command("seed_demo", demo_server=True, stdout=open("/dev/null", "w"))  # noqa: SIM115

    log_in(page, live_server.url, "lead@majority.test", "organize-demo-2026")

    expect(page.get_by_role("heading", name="Welcome, Rosa")).to_be_visible()
    expect(page.get_by_text("Riverside Workers Committee · Committee lead")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_text("More", exact=True).click()
    expect(page.get_by_role("link", name="Team", exact=True)).to_be_visible()


def test_a_wrong_password_keeps_the_email_and_says_so(page: Page, live_server):
    call_command("seed_demo", demo_server=True, stdout=open("/dev/null", "w"))  # noqa: SIM115

    log_in(page, live_server.url, "lead@majority.test", "not-the-password")

    expect(page.get_by_text("are not correct")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_value("lead@majority.test")


def test_an_invited_organizer_sets_a_password_and_logs_in(
    page: Page, live_server, mailbox, settings, browser
):
    settings.SITE_URL = live_server.url
    call_command("seed_demo", demo_server=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    factories.enrol_totp(User.objects.get(email="lead@majority.test"))  # two-factor is on
    log_in(page, live_server.url, "lead@majority.test", "organize-demo-2026")
    nav_more(page, "Team")

    # A typo first: the message is shown and what was typed stays.
    page.get_by_label("Email address").fill("ana.flores@example")
    page.get_by_label("Role").select_option("organizer")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Enter a valid email address.")).to_be_visible()
    expect(page.get_by_label("Email address")).to_have_value("ana.flores@example")

    page.get_by_label("Email address").fill("ana.flores@example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to ana.flores@example.org.")).to_be_visible()
    expect(page.locator("#invitations")).to_contain_text("ana.flores@example.org")
    expect(page.get_by_label("Email address")).to_have_value("")

    # Ana opens the email on her own phone.
    # (The demo's own nudges to its organizers may arrive too.)
    email = mailbox.wait_for_one_to("ana.flores@example.org")
    link = re.search(r"https?://\S+/invitations/\S+/", body_text(email)).group(0)
    ana = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    ana.goto(link)
    expect(ana.get_by_role("heading", name="You are invited to join as Organizer")).to_be_visible()
    ana.get_by_label("Your name").fill("Ana Flores")
    ana.get_by_label("Password", exact=True).fill("solidarity-forever-1934")
    ana.get_by_label("Password (again)").fill("solidarity-forever-1934")
    ana.get_by_role("button", name="Create my account").click()

    expect(ana.get_by_text("Your account is ready.")).to_be_visible()
    ana.get_by_label("Email").fill("ana.flores@example.org")
    ana.get_by_label("Password", exact=True).fill("solidarity-forever-1934")
    ana.get_by_role("button", name="Log in").click()

    # An organizer sees rosters: before anything else, she sets up an authenticator app.
    expect(
        ana.get_by_role("heading", name="Set up two-factor authentication to continue")
    ).to_be_visible()
    ana.get_by_role("link", name="Set up an authenticator app").click()
    ana.get_by_label("Password", exact=True).fill("solidarity-forever-1934")  # once more
    ana.get_by_role("button", name="Confirm").click()
    expect(ana.get_by_role("img", name=re.compile("Square code"))).to_be_visible()
    secret = ana.get_by_label("Or type this setup key into the app").input_value()
    ana.get_by_label("Code from the app").fill(factories.totp_code(secret))
    ana.get_by_role("button", name="Turn on two-factor authentication").click()

    expect(ana.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(ana.locator(".mfa-codes li")).to_have_count(10)
    ana.get_by_role("link", name="I have saved them: continue").click()
    expect(ana.get_by_role("heading", name="Welcome, Ana")).to_be_visible()
    nav_more(ana, "Campaigns")
    expect(ana).to_have_url(re.compile("/campaigns/"))
    expect(ana.get_by_role("link", name="My list")).to_be_visible()
    user = User.objects.get(email="ana.flores@example.org")
    assert user.memberships.get().role == Membership.Role.ORGANIZER
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_pages_load_nothing_from_another_host_and_break_no_csp_rule(
    page: Page, live_server, settings
):
    settings.MFA_REQUIRED = False  # as make run does
    call_command("seed_demo", demo_server=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    foreign = []
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((live_server.url, "data:"))
            else foreign.append(request.url)
        ),
    )

    blocked = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)

    log_in(page, live_server.url, "lead@majority.test", "organize-demo-2026")
    nav_more(page, "Team")
    expect(page.get_by_role("heading", name="Team", exact=True)).to_be_visible()
    page.get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="Lighthouse").click()
    expect(page.get_by_label("Find a person")).to_be_visible()  # the chart page itself
    page.wait_for_load_state()  # htmx listens for typing only once its deferred script ran
    page.get_by_label("Find a person").fill("a")
    expect(page.locator("#chart")).to_contain_text("Showing")

    assert foreign == []
    assert blocked == [], "the Content-Security-Policy blocked something the page uses"


TENANTS_CSV = """name,phone,email,unit
Maria Lopez,(312) 555-0143,maria@example.org,Maple Court/Floor 1/1A
Kwame Mensah,312-555-0178,kwame@example.org,Maple Court/Floor 1/1B
Linh Tran,,linh@example.org,Maple Court/Floor 2/2A
Pedro Santos,+1 312 555 0199,,Maple Court/Floor 2/2B
"""


def test_a_lead_charts_a_building_imports_tenants_and_an_organizer_finds_the_unassessed(
    page: Page, live_server, tmp_path, browser
):
    from campaigns.models import RosterEntry
    from campaigns.roster.services import assessment_record
    from members.models import Committee
    from tests import factories

    committee = Committee.objects.create(name="Maple Tenants Union")
    factories.member_of(committee, Membership.Role.LEAD, email="rosa@example.org", name="Rosa")
    factories.member_of(
        committee, Membership.Role.ORGANIZER, email="nina@example.org", name="Nina Okafor"
    )
    log_in(page, live_server.url, "rosa@example.org", factories.PASSWORD)

    page.get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Tenant campaign").check()
    page.get_by_label("Target").fill("Skyline Property Management")
    page.get_by_label("Code name").fill("Maple")
    page.get_by_role("button", name="Start the campaign").click()

    page.get_by_label("Building name").fill("Maple Court")
    page.get_by_role("button", name="Add the building").click()
    for name, parent in [("Floor 1", ""), ("1A", "Floor 1"), ("Floor 2", ""), ("2A", "Floor 2")]:
        page.get_by_label("Unit name").fill(name)
        if parent:
            page.get_by_role("combobox", name=re.compile("^Under")).select_option(label=parent)
        else:
            page.get_by_role("combobox", name=re.compile("^Under")).select_option(index=0)
        page.get_by_role("button", name="Add unit").click()
        expect(page.locator("#structure ul")).to_contain_text(name)
        expect(page.get_by_label("Unit name")).to_have_value("")

    page.get_by_role("link", name="Import").click()
    roster = tmp_path / "tenants.csv"
    roster.write_text(TENANTS_CSV)
    page.get_by_label("Roster file (CSV)").set_input_files(roster)
    page.get_by_role("button", name="Upload and match columns").click()
    page.get_by_role("button", name="Check the file (dry run)").click()
    expect(page.get_by_role("button", name="Import 4 people")).to_be_visible()
    page.get_by_role("button", name="Import 4 people").click()

    expect(page.get_by_text("Imported 4 people")).to_be_visible()
    for name in ["Maria Lopez", "Kwame Mensah", "Linh Tran", "Pedro Santos"]:
        expect(page.get_by_role("link", name=re.compile(name))).to_be_visible()

    page.get_by_role("link", name="Team", exact=True).last.click()
    page.get_by_label("Person").select_option(label="Nina Okafor · nina@example.org")
    page.get_by_role("button", name="Add to the team").click()
    expect(page.locator("main")).to_contain_text("Nina Okafor")

    # Maria was talked to and assessed; the others not yet.
    maria = RosterEntry.objects.get(person__given_name="Maria")
    assessment_record(entry=maria, level=2, happened_at=maria.added_at, recorded_by=None)

    nina = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    log_in(nina, live_server.url, "nina@example.org", factories.PASSWORD)
    nav_more(nina, "Campaigns")
    nina.get_by_role("link", name="Maple", exact=True).click()
    nina.get_by_text("Unassessed", exact=True).first.click()

    chart = nina.locator("#chart")
    expect(chart).to_contain_text("Showing 3 of 4")
    expect(chart.get_by_role("link", name=re.compile("Maria Lopez"))).to_have_count(0)
    expect(chart.get_by_role("link", name=re.compile("Kwame Mensah"))).to_be_visible()
    assert "assessment=none" in nina.url  # the filter survives a reload


def test_an_organizer_logs_from_my_list_and_the_chart_turns_blue(
    page: Page, live_server, campaign, team_organizer, committee
):
    """Issue 5's journey: from My list, assessment 2 and a follow-up in three days, one tap,
    in place: the form opens under the row, a bad date comes back with everything typed, and
    the save refreshes the list without loading a page."""
    site = factories.site(campaign=campaign, name="Warehouse")
    unit = factories.unit(site=site, name="Inbound")
    maria = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    factories.on_roster(campaign=campaign, person=maria, unit=unit, organizer=team_organizer)
    kwame = factories.person(committee=committee, given_name="Kwame", family_name="Mensah")
    factories.on_roster(campaign=campaign, person=kwame, unit=unit, organizer=team_organizer)

    log_in(page, live_server.url, team_organizer.email, factories.PASSWORD)
    unassessed = page.locator("section", has=page.get_by_role("heading", name="Not assessed yet"))
    expect(unassessed).to_contain_text("Maria Lopez")  # My list itself, then its scripts:
    page.wait_for_load_state()  # htmx binds the Log buttons once its deferred script ran
    expect(unassessed.locator(".mylist-count")).to_have_text("2")
    log_maria = unassessed.get_by_role("link", name="Log a one-on-one with Maria Lopez")
    log_maria.click()
    form = unassessed.locator("form.log-form")
    expect(form.get_by_role("heading", name="One-on-one with Maria Lopez")).to_be_visible()
    expect(page).to_have_url(re.compile("/my-list/$"))

    # A draft typed in place survives a reload.
    form.get_by_label("Notes").fill("Worried about mandatory overtime")
    form.get_by_label("Supporter, will act publicly").check()
    page.reload()
    page.wait_for_load_state()
    log_maria.click()
    expect(form.get_by_label("Notes")).to_have_value("Worried about mandatory overtime")
    expect(form.get_by_label("Supporter, will act publicly")).to_be_checked()

    # From here on no page may load: a marker on the window must outlive every save.
    page.evaluate("window.stillHere = true")
    form.get_by_label("Next step").fill("Bring a union card")
    form.get_by_label("Follow up by").fill("2000-01-01")
    form.get_by_role("button", name="Save").click()
    expect(form.get_by_text("Pick a day from today on.")).to_be_visible()
    expect(form.get_by_label("Notes")).to_have_value("Worried about mandatory overtime")
    expect(form.get_by_label("Next step")).to_have_value("Bring a union card")
    expect(form.get_by_label("Supporter, will act publicly")).to_be_checked()

    form.get_by_label("Follow up by").fill("")
    form.get_by_label("In 3 days").check()
    save = form.get_by_role("button", name="Save")
    box = save.bounding_box()
    assert box["y"] + box["height"] <= 844 and box["height"] >= 44  # under the thumb

    # The connection drops on Save: the phone keeps the log and sends it by itself when the
    # signal is back (field mode), and the list catches up in place.
    page.context.set_offline(True)
    save.click()
    expect(page.get_by_text("Saved on this phone. It will send by itself")).to_be_visible()
    expect(page.locator("[data-field-count]")).to_have_text("1 waiting")
    page.context.set_offline(False)

    expect(page.get_by_text("Sent: 1 conversation.")).to_be_visible(timeout=15_000)
    expect(unassessed).not_to_contain_text("Maria Lopez")
    expect(unassessed.locator(".mylist-count")).to_have_text("1")
    expect(unassessed).to_contain_text("Kwame Mensah")
    expect(page.locator("form.log-form")).to_have_count(0)
    assert page.evaluate("window.stillHere") is True, "the save loaded a page"
    key = f"majority-log-draft:{team_organizer.pk}:{campaign.pk}:{maria.pk}"
    assert page.evaluate(f"localStorage.getItem('{key}')") is None  # the server saved it

    nav_more(page, "Campaigns")
    page.get_by_role("link", name="Harbor", exact=True).click()
    chip = page.locator(".chip", has_text="Maria Lopez")
    expect(chip).to_have_class(re.compile(r"\ba2\b"))
    expect(chip).to_contain_text("2")
