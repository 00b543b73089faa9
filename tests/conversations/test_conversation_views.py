"""Logging a one-on-one from a phone, and editing or deleting it.

Nina (team_organizer) logs a talk with Maria Lopez on the Harbor roster; Omar
(outside_organizer) is on another campaign; Rosa (lead) leads the committee.
"""

import datetime
import json
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import (
    Ask,
    AskAnswer,
    Conversation,
    FollowUp,
    IssueTag,
    RosterEntry,
    ScheduledOneOnOne,
)
from members.models import AuditEvent, Membership
from tests import factories
from tests.test_journeys import nav_more

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
FUTURE = "This is in the future: log a conversation once it has happened."
MINUTES = "Type the minutes you talked, from 1 to 600."


def log_url(entry) -> str:
    return reverse("conversation_new", args=[entry.campaign_id, entry.person_id])


def a_talk(**fields) -> dict:
    return {"happened_at": "2026-03-02T12:30", "channel": "in_person", **fields}


def logged(entry, organizer, **fields) -> Conversation:
    data = ConversationData(happened_at=timezone.now(), channel="phone", **fields)
    return conversation_log(
        campaign=entry.campaign, person=entry.person, organizer=organizer, data=data
    )


# --- Logging -----------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 3, 2, 19, 0, tzinfo=datetime.UTC), tick=False)
def test_it_logs_a_one_on_one_with_everything_a_phone_can_tap(
    client, settings, campaign, team_organizer, maria
):
    settings.TIME_ZONE = "America/Chicago"
    IssueTag.objects.create(campaign=campaign, name="Parking")
    client.force_login(team_organizer)
    form = client.get(log_url(maria))  # the first form gives the campaign its two asks
    card, meeting = Ask.objects.filter(campaign=campaign)
    parking = IssueTag.objects.get(name="Parking")

    response = client.post(
        log_url(maria),
        a_talk(
            duration_minutes="15",
            issues=[parking.pk],
            new_issue="  heat in the DOCK ",
            **{f"ask_{card.pk}": "yes", f"ask_{meeting.pk}": "maybe"},
            assessment="2",
            next_step="Bring a card",
            follow_up_pick="three_days",
            schedule_on="2026-03-09",
            schedule_time="07:15",
            schedule_place="Break room",
        ),
    )

    assert form.status_code == 200
    assert [ask.text for ask in (card, meeting)] == [
        "Sign a union card",
        "Come to the next meeting",
    ]
    assert response.status_code == 302
    assert response.url == reverse("person_detail", args=[maria.person_id])
    talk = Conversation.objects.get()
    assert talk.organizer == team_organizer
    assert talk.happened_at == datetime.datetime(2026, 3, 2, 12, 30, tzinfo=CHICAGO)
    assert {tag.name for tag in talk.issues.all()} == {"Parking", "heat in the DOCK"}
    assert dict(AskAnswer.objects.values_list("ask__text", "answer")) == {
        "Sign a union card": "yes",
        "Come to the next meeting": "maybe",
    }
    assert RosterEntry.objects.get(pk=maria.pk).assessment == 2
    # 19:00 UTC is 13:00 in Chicago, still March 2nd: in 3 days is the 5th.
    assert FollowUp.objects.get(closed_at=None).due_on == datetime.date(2026, 3, 5)
    scheduled = ScheduledOneOnOne.objects.get()
    assert scheduled.starts_at == datetime.datetime(2026, 3, 9, 7, 15, tzinfo=CHICAGO)
    assert scheduled.place == "Break room"
    page = client.get(response.url)
    assert "Logged your conversation with Maria Lopez." in page.content.decode()


def test_it_reuses_an_issue_typed_in_another_case(client, campaign, team_organizer, maria):
    IssueTag.objects.create(campaign=campaign, name="Parking")
    client.force_login(team_organizer)

    client.post(log_url(maria), a_talk(new_issue="PARKING"))

    assert IssueTag.objects.filter(campaign=campaign).count() == 1
    assert Conversation.objects.get().issues.get().name == "Parking"


def test_it_shows_each_assessment_with_its_meaning_and_defaults_to_not_assessed(
    client, team_organizer, maria
):
    client.force_login(team_organizer)

    html = client.get(log_url(maria)).content.decode()

    assert "Supporter, will act publicly" in html
    assert re.search(r'<input[^>]*name="assessment"[^>]*value=""[^>]*checked', html)


def test_it_gives_a_tenant_campaign_tenant_asks(client, committee, team_organizer):
    tenants = factories.campaign(committee=committee, code_name="Elm", kind="tenant")
    factories.on_team(campaign=tenants, user=team_organizer)
    entry = factories.on_roster(campaign=tenants, person=factories.person(committee=committee))
    client.force_login(team_organizer)

    client.get(log_url(entry))
    client.get(log_url(entry))

    assert list(Ask.objects.filter(campaign=tenants).values_list("text", flat=True)) == [
        "Sign the petition",
        "Come to the next tenant meeting",
    ]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"happened_at": "2026-02-31T10:00"}, "happened_at", "Enter a valid date/time."),
        ({"follow_up_on": "2000-01-01"}, "follow_up_on", "Pick a day from today on."),
        ({"schedule_on": "2030-01-01"}, "schedule_time", "Add a time for the next one-on-one."),
        ({"happened_at": "2099-12-03T10:00"}, "happened_at", FUTURE),
        ({"duration_minutes": "-5"}, "duration_minutes", MINUTES),
        ({"duration_minutes": "0"}, "duration_minutes", MINUTES),
        ({"duration_minutes": "6000"}, "duration_minutes", MINUTES),
    ],
)
def test_it_keeps_everything_typed_when_something_is_wrong(
    client, team_organizer, maria, fields, field, message
):
    client.force_login(team_organizer)

    response = client.post(
        log_url(maria),
        a_talk(notes="Worried about the new schedule", assessment="3", next_step="Call", **fields),
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert message in html
    assert response.context["form"].errors.keys() == {field}
    assert "Worried about the new schedule" in html
    assert re.search(r'value="3"[^>]*checked', html)
    assert 'value="Call"' in html
    for value in fields.values():
        assert f'value="{value}"' in html
    assert not Conversation.objects.exists()


# 19:00 UTC is 13:00 in Chicago, where Maria works; a phone's clock may run up to 10 minutes fast.
@time_machine.travel(datetime.datetime(2026, 3, 2, 19, 0, tzinfo=datetime.UTC), tick=False)
@pytest.mark.parametrize(("when", "status"), [("2026-03-02T13:10", 302), ("2026-03-02T13:11", 422)])
def test_a_when_just_ahead_of_the_clock_is_taken_and_further_is_refused(
    client, team_organizer, maria, when, status
):
    client.force_login(team_organizer)

    response = client.post(log_url(maria), a_talk(happened_at=when, assessment="1"))

    assert response.status_code == status
    assert Conversation.objects.exists() == (status == 302)
    assert (FUTURE in response.content.decode()) == (status == 422)


# 23:55 in Chicago: a talk typed as 00:04 tomorrow is within the fast-clock allowance, and a
# follow-up "today" would then be due before the talk.
@time_machine.travel(datetime.datetime(2026, 3, 3, 5, 55, tzinfo=datetime.UTC), tick=False)
def test_a_follow_up_before_the_day_of_the_talk_is_refused_and_everything_typed_stays(
    client, team_organizer, maria
):
    client.force_login(team_organizer)

    response = client.post(
        log_url(maria),
        a_talk(happened_at="2026-03-03T00:04", follow_up_on="2026-03-02", next_step="Call back"),
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert response.context["form"].errors.keys() == {"follow_up_on"}
    assert "Pick a follow-up date on or after the day of the conversation." in html
    assert 'value="2026-03-03T00:04"' in html
    assert 'value="2026-03-02"' in html
    assert 'value="Call back"' in html
    assert not Conversation.objects.exists()


def test_it_goes_back_to_a_safe_next_and_ignores_another_site(client, team_organizer, maria):
    client.force_login(team_organizer)

    home = client.post(log_url(maria) + "?next=/", a_talk())
    away = client.post(log_url(maria), a_talk(next="https://evil.example/"))

    assert home.url == "/"
    assert away.url == reverse("person_detail", args=[maria.person_id])


def test_it_answers_htmx_with_a_client_redirect(client, team_organizer, maria):
    client.force_login(team_organizer)

    response = client.post(log_url(maria), a_talk(), headers={"HX-Request": "true"})

    assert response.headers["HX-Redirect"] == reverse("person_detail", args=[maria.person_id])


def test_it_is_404_for_someone_not_on_the_roster(client, committee, campaign, team_organizer):
    gone = factories.on_roster(campaign=campaign, person=factories.person(committee=committee))
    gone.removed_at = timezone.now()
    gone.save()
    client.force_login(team_organizer)

    assert client.get(log_url(gone)).status_code == 404


def test_it_is_404_for_an_organizer_of_another_campaign(client, outside_organizer, maria):
    client.force_login(outside_organizer)

    assert client.get(log_url(maria)).status_code == 404
    assert client.post(log_url(maria), a_talk()).status_code == 404


def test_it_marks_the_page_with_drafts_the_server_saved(client, team_organizer, maria):
    client.force_login(team_organizer)

    client.post(log_url(maria), a_talk(draft_token="tok123"))
    html = client.get(log_url(maria)).content.decode()

    assert 'data-saved-drafts="tok123"' in html


# --- In place, from My list ---------------------------------------------------------------------

HTMX = {"HX-Request": "true"}
IN_PLACE = "?next=/my-list/&in_place=my_list"


@pytest.fixture
def nina_s(committee, campaign, team_organizer, maria):
    """Maria and Kwame, both assigned to Nina and not assessed yet: both on her list."""
    RosterEntry.objects.filter(pk=maria.pk).update(organizer=team_organizer)
    kwame = factories.person(committee=committee, given_name="Kwame", family_name="Mensah")
    factories.on_roster(campaign=campaign, person=kwame, organizer=team_organizer)
    return maria


def sections_and_messages(response) -> tuple[str, str]:
    html = response.content.decode()
    sections, messages = html.split('<div id="messages"')
    return sections, messages


def test_it_opens_in_place_as_the_form_alone(client, team_organizer, nina_s):
    client.force_login(team_organizer)

    response = client.get(log_url(nina_s) + IN_PLACE, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<form")
    assert f'hx-post="{log_url(nina_s)}"' in html
    assert '<input type="hidden" name="in_place" value="my_list">' in html
    assert '<input type="hidden" name="next" value="/my-list/">' in html
    key = f"majority-log-draft:{team_organizer.pk}:{nina_s.campaign_id}:{nina_s.person_id}"
    assert f'data-draft-key="{key}"' in html
    assert "One-on-one with Maria Lopez" in html
    assert "HX-Request" in response.headers["Vary"]


def test_the_page_of_the_form_has_no_htmx_post(client, team_organizer, nina_s):
    client.force_login(team_organizer)

    html = client.get(log_url(nina_s) + "?next=/my-list/").content.decode()

    assert "<html" in html
    assert "hx-post" not in html
    assert 'name="in_place"' not in html


def test_a_save_in_place_answers_with_my_lists_fresh_sections_and_the_flash(
    client, team_organizer, nina_s
):
    client.force_login(team_organizer)

    response = client.post(
        log_url(nina_s) + IN_PLACE,
        a_talk(
            happened_at=timezone.localtime(timezone=CHICAGO).strftime("%Y-%m-%dT%H:%M"),
            assessment="2",
            in_place="my_list",
            next="/my-list/",
            draft_token="tok1",
        ),
        headers=HTMX,
    )

    assert response.status_code == 200
    assert response.headers["HX-Retarget"] == "#mylist-sections"
    assert response.headers["HX-Reswap"] == "outerHTML"
    key = f"majority-log-draft:{team_organizer.pk}:{nina_s.campaign_id}:{nina_s.person_id}"
    assert json.loads(response.headers["HX-Trigger"]) == {
        "log-draft-saved": {"key": key, "token": "tok1"}
    }
    sections, flash = sections_and_messages(response)
    assert '<div id="mylist-sections">' in sections
    assert "Maria Lopez" not in sections
    assert "Kwame Mensah" in sections
    assert re.search(r'Not assessed yet <span class="mylist-count">1</span>', sections)
    assert 'hx-swap-oob="true"' in flash
    assert "Logged your conversation with Maria Lopez." in flash
    assert RosterEntry.objects.get(pk=nina_s.pk).assessment == 2
    # The flash was shown once; the session still lists the saved draft for other pages.
    page = client.get("/my-list/").content.decode()
    assert "Logged your conversation" not in page
    assert 'data-saved-drafts="tok1"' in client.get(log_url(nina_s)).content.decode()


def test_a_refused_save_in_place_comes_back_as_the_form_alone_with_everything_typed(
    client, team_organizer, nina_s
):
    client.force_login(team_organizer)

    response = client.post(
        log_url(nina_s),
        a_talk(
            in_place="my_list",
            next="/my-list/",
            notes="Worried about overtime",
            assessment="2",
            follow_up_on="2000-01-01",
        ),
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert html.lstrip().startswith("<form")
    assert "HX-Retarget" not in response.headers
    assert 'data-has-errors="1"' in html
    assert "Pick a day from today on." in html
    assert "Worried about overtime" in html
    assert re.search(r'value="2"[^>]*checked', html)
    assert 'value="2000-01-01"' in html
    assert '<input type="hidden" name="in_place" value="my_list">' in html
    assert not Conversation.objects.exists()


def test_an_issue_typed_in_a_log_that_fails_is_not_kept(client, team_organizer, nina_s):
    client.force_login(team_organizer)

    response = client.post(
        log_url(nina_s),
        a_talk(happened_at="2026-02-31T10:00", new_issue="Heat in the dock"),
        headers=HTMX,
    )

    assert response.status_code == 422
    assert 'value="Heat in the dock"' in response.content.decode()
    assert not IssueTag.objects.exists()


def test_an_issue_typed_is_not_kept_when_the_log_itself_fails(
    client, monkeypatch, team_organizer, nina_s
):
    """Maria is taken off the roster while Nina types: nothing of the log is kept, not even
    the issue it created, and the form says why with everything typed."""
    from campaigns.conversations.services import log as services
    from campaigns.roster.services import roster_remove

    real_log = services.conversation_log

    def removed_meanwhile(**kwargs):
        roster_remove(entry=RosterEntry.objects.get(pk=nina_s.pk), reason="Moved away")
        return real_log(**kwargs)

    monkeypatch.setattr(services, "conversation_log", removed_meanwhile)
    client.force_login(team_organizer)

    response = client.post(
        log_url(nina_s),
        a_talk(new_issue="Heat in the dock", notes="Talked at the gate", in_place="my_list"),
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert "is not on this campaign&#x27;s roster." in html
    assert "Talked at the gate" in html
    assert not IssueTag.objects.exists()
    assert not Conversation.objects.exists()


# --- Editing and deleting ----------------------------------------------------------------------


def edit_url(talk) -> str:
    return reverse("conversation_edit", args=[talk.campaign_id, talk.pk])


def delete_url(talk) -> str:
    return reverse("conversation_delete", args=[talk.campaign_id, talk.pk])


def test_its_author_edits_it_and_the_assessment_follows(client, team_organizer, maria):
    talk = logged(maria, team_organizer, assessment=4, notes="First talk")
    client.force_login(team_organizer)

    form = client.get(edit_url(talk))
    response = client.post(edit_url(talk), a_talk(assessment="2", notes="First talk, fixed"))

    assert 'value="4"' in form.content.decode()
    assert "First talk" in form.content.decode()
    assert response.status_code == 302
    talk.refresh_from_db()
    assert (talk.notes, talk.assessment) == ("First talk, fixed", 2)
    assert RosterEntry.objects.get(pk=maria.pk).assessment == 2


def test_an_edit_that_moves_it_into_the_future_is_refused_and_keeps_what_was_typed(
    client, team_organizer, maria
):
    talk = logged(maria, team_organizer, assessment=4, notes="First talk")
    client.force_login(team_organizer)

    response = client.post(
        edit_url(talk), a_talk(happened_at="2099-12-03T10:00", assessment="5", notes="Typo year")
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert FUTURE in html
    assert 'value="2099-12-03T10:00"' in html
    assert "Typo year" in html
    talk.refresh_from_db()
    assert (talk.notes, talk.assessment) == ("First talk", 4)
    assert RosterEntry.objects.get(pk=maria.pk).assessment == 4


def test_another_organizer_on_the_team_may_not_change_it(client, committee, campaign, maria):
    author = factories.member_of(committee, Membership.Role.ORGANIZER)
    factories.on_team(campaign=campaign, user=author)
    other = factories.member_of(committee, Membership.Role.ORGANIZER)
    factories.on_team(campaign=campaign, user=other)
    talk = logged(maria, author, assessment=3)
    client.force_login(other)

    assert client.get(edit_url(talk)).status_code == 403
    assert client.post(edit_url(talk), a_talk(assessment="5")).status_code == 403
    assert client.post(delete_url(talk)).status_code == 403
    assert Conversation.objects.get().assessment == 3


def test_an_outsider_gets_404(client, outsider, outside_organizer, team_organizer, maria):
    talk = logged(maria, team_organizer)
    for stranger in [outsider, outside_organizer]:
        client.force_login(stranger)

        assert client.get(edit_url(talk)).status_code == 404
        assert client.post(delete_url(talk)).status_code == 404
    assert Conversation.objects.exists()


def test_a_lead_deletes_it_after_confirming_and_it_is_audited(client, lead, team_organizer, maria):
    logged(maria, team_organizer, assessment=4)
    talk = logged(maria, team_organizer, assessment=1)
    client.force_login(lead)

    confirm = client.get(delete_url(talk))
    response = client.post(delete_url(talk))

    assert confirm.status_code == 200
    assert "Delete the conversation" in confirm.content.decode()
    assert response.url == reverse("person_detail", args=[maria.person_id])
    assert not Conversation.objects.filter(pk=talk.pk).exists()
    assert RosterEntry.objects.get(pk=maria.pk).assessment == 4
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.DELETE, actor=lead).exists()


def test_its_author_deletes_it(client, team_organizer, maria):
    talk = logged(maria, team_organizer)
    client.force_login(team_organizer)

    assert client.post(delete_url(talk)).status_code == 302
    assert not Conversation.objects.exists()


# --- In a browser, on a phone ------------------------------------------------------------------


def log_in(page, base_url: str, user) -> None:
    from playwright.sync_api import expect

    page.goto(base_url + reverse("account_login"))
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password", exact=True).fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_label("Code").fill(factories.totp_code(factories.totp_secret(user)))
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_organizer_logs_a_one_on_one_on_a_phone_and_nothing_typed_is_lost(
    page, live_server, campaign, team_organizer, maria
):
    from playwright.sync_api import expect

    log_in(page, live_server.url, team_organizer)
    page.goto(live_server.url + reverse("log_search") + "?q=Mria")
    page.locator("#log-results").get_by_role("link", name="Log", exact=True).click()
    expect(page.get_by_role("heading", name="One-on-one with Maria Lopez")).to_be_visible()

    # A draft survives a reload.
    page.locator("[name=notes]").fill("Worried about mandatory overtime")
    page.get_by_label("Supporter, will act publicly").check()
    page.reload()
    expect(page.locator("[name=notes]")).to_have_value("Worried about mandatory overtime")
    expect(page.get_by_label("Supporter, will act publicly")).to_be_checked()

    # A follow-up date in the past comes back with the error and everything typed.
    page.locator("[name=next_step]").fill("Bring a union card")
    page.locator("[name=follow_up_on]").fill("2000-01-01")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Pick a day from today on.")).to_be_visible()
    expect(page.locator("[name=notes]")).to_have_value("Worried about mandatory overtime")
    expect(page.locator("[name=next_step]")).to_have_value("Bring a union card")
    expect(page.get_by_label("Supporter, will act publicly")).to_be_checked()

    # One tap on a quick pick, one on Save (always in reach at the bottom of the screen).
    page.locator("[name=follow_up_on]").fill("")
    page.get_by_label("In 3 days").check()
    in_3_days = timezone.localdate(timezone=CHICAGO) + datetime.timedelta(days=3)
    expect(page.locator("[name=follow_up_on]")).to_have_value(in_3_days.isoformat())
    save = page.get_by_role("button", name="Save")
    box = save.bounding_box()
    assert box["y"] + box["height"] <= 844 and box["height"] >= 44
    save.click()
    expect(page.get_by_text("Logged your conversation with Maria Lopez.")).to_be_visible()
    follow_up = FollowUp.objects.get(closed_at=None)
    assert follow_up.due_on == timezone.localdate(timezone=CHICAGO) + datetime.timedelta(days=3)

    page.goto(live_server.url + reverse("campaign_chart", args=[campaign.pk]))
    chip = page.locator(".chip", has_text="Maria Lopez")
    expect(chip).to_have_class(re.compile(r"\ba2\b"))
    expect(chip).to_contain_text("2")

    # The saved draft is gone: the next log for Maria starts empty.
    page.goto(live_server.url + log_url(maria))
    expect(page.locator("[name=notes]")).to_have_value("")
    key = f"majority-log-draft:{team_organizer.pk}:{campaign.pk}:{maria.person_id}"
    assert page.evaluate(f"localStorage.getItem('{key}')") is None


def test_opening_the_form_writes_nothing_even_for_a_campaign_without_asks(
    client, team_organizer, maria
):
    """Asks are written when a campaign starts (campaign_create), never on a GET."""
    maria.campaign.asks.all().delete()
    client.force_login(team_organizer)

    response = client.get(log_url(maria))

    assert response.status_code == 200
    assert not maria.campaign.asks.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_draft_on_a_shared_phone_stays_with_the_organizer_who_typed_it(
    page, live_server, campaign, team_organizer, lead, maria
):
    """Issue 14, item 9: the draft key names the user; a restored draft says so and can be
    discarded; "When" is not restored; logging out leaves nothing for the next user."""
    from playwright.sync_api import expect

    log_in(page, live_server.url, team_organizer)
    page.goto(live_server.url + log_url(maria))
    shown_when = page.locator("[name=happened_at]").input_value()
    page.locator("[name=happened_at]").fill("2026-01-02T08:15")
    page.locator("[name=notes]").fill("PRIVATE: worried about her visa")
    page.reload()

    notice = page.locator("[data-draft-notice]")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("restored")
    expect(page.locator("[name=notes]")).to_have_value("PRIVATE: worried about her visa")
    assert page.locator("[name=happened_at]").input_value() in (shown_when, "")
    assert page.locator("[name=happened_at]").input_value() != "2026-01-02T08:15"
    notice.get_by_role("button", name="Discard").click()
    expect(page.locator("[name=notes]")).to_have_value("")
    expect(notice).to_be_hidden()
    page.reload()
    expect(page.locator("[name=notes]")).to_have_value("")

    # Typed again, never saved; she logs out and hands the phone to the lead.
    page.locator("[name=notes]").fill("PRIVATE: worried about her visa")
    page.wait_for_function(
        "Object.keys(localStorage).some(k => k.startsWith('majority-log-draft:'))"
    )
    nav_more(page, "Log out", role="button")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert (
        page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('majority-log-draft:'))")
        == []
    )

    log_in(page, live_server.url, lead)
    page.goto(live_server.url + log_url(maria))
    expect(page.locator("[name=notes]")).to_have_value("")
    expect(page.locator("[data-draft-notice]")).to_be_hidden()


def test_logging_out_asks_the_browser_to_forget_this_site(client, team_organizer):
    client.force_login(team_organizer)

    response = client.post(reverse("account_logout"))

    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "Clear-Site-Data" not in client.get(reverse("account_login")).headers
