"""Escalation nudges: the organizer's 09:00 digest, the leads' digest, a supporter's drop, quiet
units, no-shows twice in a row, and snoozing, sent through a real SMTP server on loopback."""

import re
from datetime import UTC, date, datetime, timedelta
from email.header import decode_header, make_header
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from campaigns.actions.services.checkin import action_close_out, attendance_set
from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.models import (
    Action,
    Conversation,
    FollowUp,
    NudgeSnooze,
    OutboxMessage,
    Rsvp,
    ScheduledOneOnOne,
)
from campaigns.nudges.services.digests import digest_time, nudges_plan_due
from campaigns.outbox.services.send import outbox_dispatch_due
from members.heartbeats import heartbeat_record
from members.models import Membership
from tests import factories
from tests.conftest import body_text

Kind = OutboxMessage.Kind
Status = OutboxMessage.Status
NEW_YORK = "America/New_York"
# Friday 6 March 2026, before the clocks go forward (EST, UTC-5), and Monday 9 March after
# (EDT, UTC-4): 09:00 in New York is 14:00 UTC, then 13:00 UTC.
FRIDAY_NINE = datetime(2026, 3, 6, 14, 0, tzinfo=UTC)
MONDAY_NINE = datetime(2026, 3, 9, 13, 0, tzinfo=UTC)


def subject(email) -> str:
    return str(make_header(decode_header(email["Subject"])))


@pytest.fixture
def new_york(committee):
    committee.time_zone = NEW_YORK
    committee.save()
    return committee


@pytest.fixture
def team(new_york, campaign, team_organizer, lead):
    """Harbor (target Acme Logistics) in New York, Nina on its team, Rosa the committee lead."""
    return campaign


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """The beat's dispatcher, its queued sends run (eagerly) as if its transaction committed."""

    def run() -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return outbox_dispatch_due()

    return run


def on_roster(campaign, name: str, organizer=None, unit=None, email: str = ""):
    person = factories.person(committee=campaign.committee, given_name=name, family_name="Diaz")
    factories.on_roster(campaign=campaign, person=person, organizer=organizer, unit=unit)
    if email:
        person.emails.create(email=email, is_primary=True)
    return person


def follow_up(campaign, person, organizer, due_on: date, description: str = "Call back"):
    return FollowUp.objects.create(
        campaign=campaign,
        person=person,
        organizer=organizer,
        due_on=due_on,
        description=description,
    )


def log(campaign, person, organizer, assessment=None, at=None) -> Conversation:
    return conversation_log(
        campaign=campaign,
        person=person,
        organizer=organizer,
        data=ConversationData(
            happened_at=at or timezone.now(), channel="in_person", assessment=assessment
        ),
    )


def rows(kind: str):
    return OutboxMessage.objects.filter(kind=kind)


# --- The organizer's morning digest ---------------------------------------------------------------


def test_it_plans_the_digest_at_nine_new_york_time_on_both_sides_of_the_dst_change(
    team, team_organizer
):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    follow_up(team, ana, team_organizer, date(2026, 3, 2))

    with time_machine.travel(FRIDAY_NINE - timedelta(minutes=5), tick=False):
        nudges_plan_due()
        assert not rows(Kind.ORGANIZER_DIGEST).exists()
    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=1), tick=False):
        nudges_plan_due()
    with time_machine.travel(MONDAY_NINE - timedelta(minutes=1), tick=False):
        nudges_plan_due()
        assert rows(Kind.ORGANIZER_DIGEST).count() == 1
    with time_machine.travel(MONDAY_NINE, tick=False):
        nudges_plan_due()

    assert sorted(rows(Kind.ORGANIZER_DIGEST).values_list("due_at", flat=True)) == [
        FRIDAY_NINE,
        MONDAY_NINE,
    ]
    assert set(rows(Kind.ORGANIZER_DIGEST).values_list("user", flat=True)) == {team_organizer.pk}


def test_it_plans_each_digest_once_however_often_planning_runs(team, team_organizer):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    follow_up(team, ana, team_organizer, date(2026, 3, 2))

    for minutes in (0, 5, 10, 5, 600):
        with time_machine.travel(FRIDAY_NINE + timedelta(minutes=minutes), tick=False):
            nudges_plan_due()

    assert rows(Kind.ORGANIZER_DIGEST).count() == 1


def test_it_sends_one_email_of_overdue_follow_ups_and_todays_one_on_ones(
    team, team_organizer, mailbox, send
):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    ben = on_roster(team, "Ben", organizer=team_organizer)
    cai = on_roster(team, "Cai", organizer=team_organizer)
    dee = on_roster(team, "Dee", organizer=team_organizer)
    follow_up(team, ana, team_organizer, date(2026, 3, 4), "Bring the petition")
    follow_up(team, ben, team_organizer, date(2026, 3, 6))  # due today: not overdue yet
    snoozed = follow_up(team, cai, team_organizer, date(2026, 3, 3))
    NudgeSnooze.objects.create(
        user=team_organizer, kind=Kind.ORGANIZER_DIGEST, follow_up=snoozed, until=MONDAY_NINE
    )
    # 15:30 in New York today, and tomorrow's.
    ScheduledOneOnOne.objects.create(
        campaign=team,
        person=dee,
        organizer=team_organizer,
        starts_at=datetime(2026, 3, 6, 20, 30, tzinfo=UTC),
        place="Break room",
    )
    ScheduledOneOnOne.objects.create(
        campaign=team,
        person=ben,
        organizer=team_organizer,
        starts_at=datetime(2026, 3, 7, 20, 30, tzinfo=UTC),
    )

    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=3), tick=False):
        nudges_plan_due()
        send()

    # Rosa, the lead, hears of Cai's: three days overdue (Nina's snooze is Nina's own).
    [email] = [m for m in mailbox.wait_for(2) if m["X-Envelope-To"] == "nina@example.org"]
    text = body_text(email)
    assert subject(email) == "1 follow-up overdue, 1 one-on-one today"
    assert "Acme" not in subject(email) + text
    assert "Ana Diaz (Harbor), 2 days late: Bring the petition" in text
    assert "3:30 p.m. Dee Diaz (Harbor), Break room" in text
    assert "Ben Diaz" not in text
    assert "Cai Diaz" not in text
    assert rows(Kind.ORGANIZER_DIGEST).get().status == Status.SENT


def test_it_leaves_out_what_was_done_since_and_voids_a_digest_with_nothing_left(
    team, team_organizer, mailbox, send
):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    follow_up(team, ana, team_organizer, date(2026, 3, 2))
    with time_machine.travel(FRIDAY_NINE - timedelta(hours=1), tick=False):
        nudges_plan_due()  # not 09:00 yet
    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=1), tick=False):
        nudges_plan_due()
        log(team, ana, team_organizer)  # the talk happened: the follow-up closes
        send()

    digest = rows(Kind.ORGANIZER_DIGEST).get()
    assert (digest.status, digest.reason) == (Status.VOID, "nothing due")
    assert mailbox.messages == []


# --- The leads' digest ----------------------------------------------------------------------------


def test_it_tells_the_leads_of_follow_ups_overdue_for_the_campaigns_days_with_the_owner(
    team, team_organizer, lead, mailbox, send
):
    campaign_lead = factories.member_of(
        team.committee, Membership.Role.ORGANIZER, email="leo@example.org", name="Leo Park"
    )
    factories.on_team(campaign=team, user=campaign_lead, role="lead")
    ana = on_roster(team, "Ana", organizer=team_organizer)
    ben = on_roster(team, "Ben", organizer=team_organizer)
    follow_up(team, ana, team_organizer, date(2026, 3, 3))  # three days overdue
    follow_up(team, ben, team_organizer, date(2026, 3, 5))  # one day

    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=2), tick=False):
        nudges_plan_due()
        send()

    lead_emails = [m for m in mailbox.wait_for(3) if "still overdue" in subject(m)]
    assert sorted(m["X-Envelope-To"] for m in lead_emails) == [
        "leo@example.org",
        "rosa@example.org",
    ]
    text = body_text(lead_emails[0])
    assert "Ana Diaz (Harbor), 3 days late, owned by Nina Okafor: Call back" in text
    assert "Ben Diaz" not in text


def test_it_waits_longer_when_the_campaign_says_so(team, team_organizer, lead):
    team.escalate_after_days = 5
    team.save()
    ana = on_roster(team, "Ana", organizer=team_organizer)
    follow_up(team, ana, team_organizer, date(2026, 3, 3))

    with time_machine.travel(FRIDAY_NINE, tick=False):
        nudges_plan_due()

    assert not rows(Kind.LEAD_DIGEST).exists()
    assert rows(Kind.ORGANIZER_DIGEST).exists()


# --- A supporter's drop ---------------------------------------------------------------------------


def test_a_supporter_dropping_two_levels_reaches_the_leads_within_minutes(
    team, team_organizer, lead, mailbox, django_capture_on_commit_callbacks
):
    ana = on_roster(team, "Ana", organizer=team_organizer, email="ana@example.org")
    log(team, ana, team_organizer, assessment=2, at=timezone.now() - timedelta(days=10))
    logged_at = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        log(team, ana, team_organizer, assessment=4)

    [email] = mailbox.wait_for(1)
    nudge = rows(Kind.SUPPORTER_DROP).get()
    assert nudge.user == lead and nudge.person == ana
    assert nudge.due_at - logged_at < timedelta(minutes=5)
    assert nudge.status == Status.SENT
    assert email["X-Envelope-To"] == "rosa@example.org"  # never to Ana herself
    assert subject(email) == "Harbor: a supporter's assessment dropped"
    assert "Ana Diaz was assessed 2 and is now 4." in body_text(email)
    assert "Acme" not in subject(email) + body_text(email)


def test_a_one_level_change_or_an_undecided_person_dropping_is_no_alarm(
    team, team_organizer, lead, django_capture_on_commit_callbacks
):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    ben = on_roster(team, "Ben", organizer=team_organizer)
    log(team, ana, team_organizer, assessment=2, at=timezone.now() - timedelta(days=3))
    log(team, ben, team_organizer, assessment=3, at=timezone.now() - timedelta(days=3))

    log(team, ana, team_organizer, assessment=3)
    log(team, ben, team_organizer, assessment=5)

    assert not rows(Kind.SUPPORTER_DROP).exists()


def test_a_drop_is_void_when_a_newer_conversation_was_logged_before_it_went(
    team, team_organizer, lead, mailbox, send
):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    log(team, ana, team_organizer, assessment=1, at=timezone.now() - timedelta(days=3))
    log(team, ana, team_organizer, assessment=4, at=timezone.now() - timedelta(minutes=1))
    log(team, ana, team_organizer, assessment=2)

    send()

    nudge = rows(Kind.SUPPORTER_DROP).get()
    assert (nudge.status, nudge.reason) == (Status.VOID, "a newer conversation was logged")
    assert mailbox.messages == []


# --- Quiet units ----------------------------------------------------------------------------------


def test_quiet_units_go_to_their_organizers_on_monday_mornings_only(
    team, team_organizer, mailbox, send
):
    site = factories.site(campaign=team)
    docks = factories.unit(site=site, name="Docks")
    office = factories.unit(site=site, name="Office")
    night = factories.unit(site=site, name="Night shift")
    ana = on_roster(team, "Ana", organizer=team_organizer, unit=docks)
    ben = on_roster(team, "Ben", organizer=team_organizer, unit=office)
    on_roster(team, "Cai", unit=night)  # no organizer: the team's organizers hear of it
    with time_machine.travel(MONDAY_NINE - timedelta(days=30), tick=False):
        log(team, ana, team_organizer)
    with time_machine.travel(MONDAY_NINE - timedelta(days=3), tick=False):
        log(team, ben, team_organizer)

    with time_machine.travel(MONDAY_NINE - timedelta(days=1), tick=False):  # Sunday
        nudges_plan_due()
    assert not rows(Kind.QUIET_UNITS).exists()
    with time_machine.travel(MONDAY_NINE + timedelta(minutes=4), tick=False):
        nudges_plan_due()
        nudges_plan_due()
        send()
    with time_machine.travel(MONDAY_NINE + timedelta(days=1), tick=False):  # Tuesday
        nudges_plan_due()

    assert rows(Kind.QUIET_UNITS).count() == 1
    [email] = [m for m in mailbox.wait_for(1) if "nobody has talked" in subject(m)]
    assert email["X-Envelope-To"] == "nina@example.org"
    assert subject(email) == "2 units nobody has talked to lately"
    text = body_text(email)
    assert "Harbor · Docks: 1 person, quiet for 21 days" in text
    assert "Harbor · Night shift" in text
    assert "Office" not in text


# --- No-shows twice in a row ----------------------------------------------------------------------


def an_action(team, lead, days_ago: int) -> Action:
    starts = timezone.now() - timedelta(days=days_ago)
    return Action.objects.create(
        committee=team.committee,
        campaign=team,
        title="Meeting about Acme Logistics",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        time_zone=NEW_YORK,
        created_by=lead,
    )


def test_saying_yes_and_not_coming_twice_in_a_row_reaches_their_organizer(
    team, team_organizer, lead, mailbox, send
):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    first, second = an_action(team, lead, 14), an_action(team, lead, 1)
    for action in (first, second):
        Rsvp.objects.create(action=action, person=ana, response=Rsvp.Response.YES)

    action_close_out(action=first, by=lead)
    assert not rows(Kind.NO_SHOW_TWICE).exists()
    action_close_out(action=second, by=lead)
    action_close_out(action=second, by=lead)  # closing out again plans nothing new
    attendance_set(action=second, person=ana, attended=False, by=lead)
    send()

    nudge = rows(Kind.NO_SHOW_TWICE).get()
    assert (nudge.user, nudge.person, nudge.action) == (team_organizer, ana, second)
    [email] = mailbox.wait_for(1)
    assert email["X-Envelope-To"] == "nina@example.org"
    assert subject(email) == "Harbor: someone missed two actions they said yes to"
    assert "Ana Diaz said yes and did not come, twice in a row" in body_text(email)
    assert "Acme" not in subject(email) + body_text(email)


def test_closing_out_a_crowd_of_no_shows_takes_a_few_queries_not_a_few_per_person(
    team, team_organizer, lead, django_assert_max_num_queries
):
    assigned = [on_roster(team, f"Ana{i}", organizer=team_organizer) for i in range(12)]
    unassigned = [on_roster(team, f"Ben{i}") for i in range(3)]
    came_once = on_roster(team, "Cara", organizer=team_organizer)
    first, second = an_action(team, lead, 14), an_action(team, lead, 1)
    for person in [*assigned, *unassigned, came_once]:
        for action in (first, second):
            Rsvp.objects.create(action=action, person=person, response=Rsvp.Response.YES)
    attendance_set(action=first, person=came_once, attended=True, by=lead)
    action_close_out(action=first, by=lead)

    with django_assert_max_num_queries(8):
        action_close_out(action=second, by=lead)

    nudges = rows(Kind.NO_SHOW_TWICE)
    assert {(n.person, n.user, n.action) for n in nudges} == {
        *((person, team_organizer, second) for person in assigned),
        *((person, lead, second) for person in unassigned),
    }


def test_a_no_show_nudge_is_void_when_they_came_since(team, team_organizer, lead, mailbox, send):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    first, second = an_action(team, lead, 14), an_action(team, lead, 7)
    for action in (first, second):
        Rsvp.objects.create(action=action, person=ana, response=Rsvp.Response.YES)
        action_close_out(action=action, by=lead)
    nudge = rows(Kind.NO_SHOW_TWICE).get()
    nudge.due_at = nudge.next_attempt_at = timezone.now() + timedelta(hours=1)
    nudge.save()
    third = an_action(team, lead, 0)
    attendance_set(action=third, person=ana, attended=True, by=lead)

    with time_machine.travel(timezone.now() + timedelta(hours=2)):
        send()

    nudge.refresh_from_db()
    assert (nudge.status, nudge.reason) == (Status.VOID, "came since")
    assert mailbox.messages == []


# --- Snoozing -------------------------------------------------------------------------------------


def test_it_snoozes_from_the_email_only_on_post_and_refuses_a_tampered_link(
    team, team_organizer, mailbox, send, client
):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    overdue = follow_up(team, ana, team_organizer, date(2026, 3, 4))
    with time_machine.travel(FRIDAY_NINE, tick=False):
        nudges_plan_due()
        send()
    [email] = mailbox.wait_for(1)
    path = urlsplit(re.search(r"Snooze a week: (\S+)", body_text(email)).group(1)).path

    with time_machine.travel(FRIDAY_NINE + timedelta(hours=1), tick=False):
        page = client.get(path)
        assert page.status_code == 200
        assert "Snooze this reminder?" in page.content.decode()
        assert "Ana" not in page.content.decode()  # the page names no one
        assert not NudgeSnooze.objects.exists()

        assert client.post(path).status_code == 200
        snooze = NudgeSnooze.objects.get()
        assert (snooze.user, snooze.follow_up) == (team_organizer, overdue)

        assert client.get(path[:-3] + "xyz/").status_code == 404
    with time_machine.travel(MONDAY_NINE, tick=False):
        nudges_plan_due()
        send()
    to_nina = [m for m in mailbox.messages if m["X-Envelope-To"] == "nina@example.org"]
    assert len(to_nina) == 1  # Monday's digest had only the snoozed follow-up
    monday = rows(Kind.ORGANIZER_DIGEST).get(due_at=MONDAY_NINE)
    assert (monday.status, monday.reason) == (Status.VOID, "nothing due")


def test_an_organizer_snoozes_an_overdue_follow_up_from_my_list(team, team_organizer, client):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    overdue = follow_up(team, ana, team_organizer, timezone.localdate() - timedelta(days=2))
    client.force_login(team_organizer)

    assert "Snooze a week" in client.get(reverse("my_list")).content.decode()
    response = client.post(
        reverse("follow_up_snooze", args=[team.pk, overdue.pk]), {"next": reverse("my_list")}
    )

    assert response.status_code == 302
    assert NudgeSnooze.objects.get().follow_up == overdue
    page = client.get(reverse("my_list")).content.decode()
    assert "Left out of your morning emails until" in page
    assert "Snooze a week" not in page


def test_the_campaign_settings_hold_the_nudge_days(team, lead, client):
    client.force_login(lead)
    response = client.post(
        reverse("campaign_edit", args=[team.pk]),
        {
            "kind": "workplace",
            "target": "Acme Logistics",
            "code_name": "Harbor",
            "status": "active",
            "threshold_interest": "30",
            "threshold_majority": "50",
            "threshold_super": "67",
            "escalate_after_days": "5",
            "quiet_unit_days": "14",
        },
    )

    assert response.status_code == 302
    team.refresh_from_db()
    assert (team.escalate_after_days, team.quiet_unit_days) == (5, 14)


@pytest.mark.parametrize(
    ("day", "nine_utc"),
    [
        (date(2026, 10, 30), datetime(2026, 10, 30, 13, 0, tzinfo=UTC)),  # EDT, UTC-4
        (date(2026, 11, 2), datetime(2026, 11, 2, 14, 0, tzinfo=UTC)),  # EST, UTC-5
    ],
)
def test_nine_in_new_york_is_the_right_utc_instant_around_the_autumn_change(day, nine_utc):
    assert digest_time(NEW_YORK, day) == nine_utc


def test_a_drop_in_a_talk_from_weeks_ago_typed_in_now_is_no_alarm(team, team_organizer, lead):
    """History typed in later (or a demo's past weeks) must not flood the leads' inboxes."""
    ana = on_roster(team, "Ana", organizer=team_organizer)
    log(team, ana, team_organizer, assessment=2, at=timezone.now() - timedelta(days=30))

    log(team, ana, team_organizer, assessment=4, at=timezone.now() - timedelta(days=20))

    assert not rows(Kind.SUPPORTER_DROP).exists()


# --- Last night's backup, in the leads' digest ----------------------------------------------------

NIGHT = FRIDAY_NINE - timedelta(hours=11)  # 03:00 UTC: the nightly backup's hour
NO_SPACE = "[Errno 28] No space left on device: '/backups/majority-20260306-031500.age'"


@pytest.fixture
def backups_on(settings, tmp_path):
    settings.BACKUP_DIR = str(tmp_path)


def backup_fails(at: datetime = NIGHT, error: str = NO_SPACE) -> None:
    with time_machine.travel(at, tick=False):
        heartbeat_record("backup_failed", error=error)


def html_of(email) -> str:
    [part] = [p for p in email.walk() if p.get_content_type() == "text/html"]
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def system_url(committee) -> str:
    return settings.SITE_URL + reverse("system", args=[committee.pk])


def test_a_failed_backup_reaches_every_committee_lead_at_nine_with_nothing_overdue(
    team, team_organizer, lead, backups_on, mailbox, send
):
    omar = factories.member_of(
        team.committee, Membership.Role.LEAD, email="omar@example.org", name="Omar Haddad"
    )
    team_lead = factories.member_of(  # leads the campaign, not the committee: no System page
        team.committee, Membership.Role.ORGANIZER, email="leo@example.org", name="Leo Park"
    )
    factories.on_team(campaign=team, user=team_lead, role="lead")
    backup_fails()

    with time_machine.travel(FRIDAY_NINE - timedelta(minutes=1), tick=False):
        nudges_plan_due()
        send()
    assert not rows(Kind.LEAD_DIGEST).exists()  # not 09:00 yet
    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=1), tick=False):
        nudges_plan_due()
        send()

    emails = mailbox.wait_for(2)
    assert sorted(m["X-Envelope-To"] for m in emails) == [omar.email, lead.email]
    for email in emails:
        assert subject(email) == "Last night's backup failed"
        text = body_text(email)
        assert (
            f"Last night's backup failed: {NO_SPACE}. See the System page: "
            f"{system_url(team.committee)}" in text
        )
        assert "overdue" not in text
        html = html_of(email)
        assert "Last night's backup failed: [Errno 28] No space left on device: &#x27;" in html
        assert f'<a href="{system_url(team.committee)}">See the System page</a>' in html
    assert set(rows(Kind.LEAD_DIGEST).values_list("status", flat=True)) == {Status.SENT}


def test_the_paragraph_tops_a_digest_that_also_lists_follow_ups(
    team, team_organizer, lead, backups_on, mailbox, send
):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    follow_up(team, ana, team_organizer, date(2026, 3, 3))  # three days overdue
    backup_fails()

    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=1), tick=False):
        nudges_plan_due()
        send()

    email = mailbox.wait_for_one_to(lead.email)
    assert subject(email) == "Last night's backup failed · 1 follow-up still overdue"
    text = body_text(email)
    assert text.index("backup failed") < text.index("Ana Diaz (Harbor), 3 days late")


def test_a_good_backup_since_takes_it_out_and_a_digest_with_nothing_else_is_void(
    team, team_organizer, lead, backups_on, mailbox, send
):
    backup_fails()
    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=1), tick=False):
        nudges_plan_due()
    assert rows(Kind.LEAD_DIGEST).get().user == lead
    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=2), tick=False):
        heartbeat_record("backup")  # the operator freed the disk and ran `manage.py backup`
        send()

    digest = rows(Kind.LEAD_DIGEST).get()
    assert (digest.status, digest.reason) == (Status.VOID, "nothing due")
    assert mailbox.messages == []
    with time_machine.travel(FRIDAY_NINE + timedelta(days=1), tick=False):
        nudges_plan_due()  # Saturday: the failure is older than the good backup
    assert rows(Kind.LEAD_DIGEST).count() == 1


def test_a_failure_is_no_news_where_backups_are_not_configured(
    team, team_organizer, lead, settings, mailbox, send
):
    settings.BACKUP_DIR = ""
    backup_fails()

    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=1), tick=False):
        nudges_plan_due()
        send()

    assert not rows(Kind.LEAD_DIGEST).exists()
    assert mailbox.messages == []


def test_the_organizers_digest_never_mentions_the_backup(
    team, team_organizer, lead, backups_on, mailbox, send
):
    ana = on_roster(team, "Ana", organizer=team_organizer)
    follow_up(team, ana, team_organizer, date(2026, 3, 5))  # overdue for Nina, not escalated
    backup_fails()

    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=1), tick=False):
        nudges_plan_due()
        send()

    mailbox.wait_for(2)
    email = mailbox.wait_for_one_to(team_organizer.email)
    assert subject(email) == "1 follow-up overdue"
    assert "backup" not in (body_text(email) + html_of(email)).lower()
    assert "System" not in body_text(email)
    assert "backup failed" in body_text(mailbox.wait_for_one_to(lead.email))


def test_the_spanish_lead_reads_it_in_spanish(
    team, team_organizer, lead, backups_on, mailbox, send
):
    lead.language = "es"
    lead.save()
    backup_fails()

    with time_machine.travel(FRIDAY_NINE + timedelta(minutes=1), tick=False):
        nudges_plan_due()
        send()

    [email] = mailbox.wait_for(1)
    assert subject(email) == "La copia de seguridad de anoche falló"
    assert (
        f"La copia de seguridad de anoche falló: {NO_SPACE}. Vea la página Sistema: "
        f"{system_url(team.committee)}" in body_text(email)
    )
    assert "Vea la página Sistema</a>" in html_of(email)
