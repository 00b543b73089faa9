"""One clock: late on a Thursday evening in Chicago, when UTC is already on Friday, My list,
the person page, the Overview, the morning digest and the audit trail agree on what day it is
and how late a follow-up is. The server runs on UTC; the committee lives in Chicago."""

import re
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from campaigns.models import FollowUp, ScheduledOneOnOne
from campaigns.nudges.services.digests import nudges_plan_due
from campaigns.outbox.services.send import outbox_dispatch_due
from members.audit import audit_record
from members.models import AuditEvent
from tests import factories
from tests.conftest import body_text

CHICAGO = "America/Chicago"
THURSDAY_NINE = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)  # 09:00 in Chicago: the digest
THURSDAY_EVENING = datetime(2026, 12, 4, 4, 30, tzinfo=UTC)  # 22:30 Thursday in Chicago
MEETING = datetime(2026, 12, 4, 5, 30, tzinfo=UTC)  # 23:30 Thursday at the Chicago dock


@pytest.fixture
def chicago(settings, committee):
    settings.TIME_ZONE = "UTC"  # the server's clock, which no page may use
    committee.time_zone = CHICAGO
    committee.save(update_fields=["time_zone"])
    return committee


@pytest.fixture
def maria(chicago, campaign, team_organizer, lead):
    """Maria works nights at the dock: a card promised for Monday, a talk set for 23:30."""
    dock = factories.site(campaign=campaign, name="Dock")
    dock.time_zone = CHICAGO
    dock.save(update_fields=["time_zone"])
    unit = factories.unit(site=dock, name="Night shift")
    person = factories.person(committee=chicago, given_name="Maria", family_name="Lopez")
    factories.on_roster(campaign=campaign, person=person, unit=unit, organizer=team_organizer)
    for due_on, what in ((date(2026, 11, 30), "Bring the card"), (date(2026, 12, 3), "Call")):
        FollowUp.objects.create(
            campaign=campaign,
            person=person,
            organizer=team_organizer,
            due_on=due_on,
            description=what,
        )
    ScheduledOneOnOne.objects.create(
        campaign=campaign, person=person, organizer=team_organizer, starts_at=MEETING
    )
    # My list shows each person once, in their most urgent section (Maria: overdue), so two
    # coworkers carry today's call and tonight's talk there.
    for given, due_on, starts_at in (("Ana", date(2026, 12, 3), None), ("Kwame", None, MEETING)):
        coworker = factories.person(committee=chicago, given_name=given, family_name="Night")
        factories.on_roster(campaign=campaign, person=coworker, unit=unit, organizer=team_organizer)
        if due_on:
            FollowUp.objects.create(
                campaign=campaign,
                person=coworker,
                organizer=team_organizer,
                due_on=due_on,
                description="Call",
            )
        if starts_at:
            ScheduledOneOnOne.objects.create(
                campaign=campaign, person=coworker, organizer=team_organizer, starts_at=starts_at
            )
    return person


def text(response) -> str:
    """The page's words, tags dropped and spaces folded."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.django_db
def test_every_page_and_the_digest_agree_it_is_still_thursday_in_chicago(
    client, chicago, maria, team_organizer, lead, mailbox, django_capture_on_commit_callbacks
):
    with time_machine.travel(THURSDAY_NINE, tick=False):
        nudges_plan_due()  # the digest is due at 09:00; the mail was slow today
    with time_machine.travel(THURSDAY_EVENING, tick=False):
        audit_record(actor=lead, kind=AuditEvent.Kind.LOGIN, committee=chicago)
        with django_capture_on_commit_callbacks(execute=True):
            outbox_dispatch_due()
        client.force_login(team_organizer)
        my_list = text(client.get(reverse("my_list")))
        person = text(client.get(reverse("person_detail", args=[maria.pk])))
        client.force_login(lead)
        overview = text(client.get(reverse("committee_overview", args=[chicago.pk])))
        audit = text(client.get(reverse("audit_log", args=[chicago.pk])))
    [email] = [m for m in mailbox.wait_for(1) if m["X-Envelope-To"] == team_organizer.email]
    digest = body_text(email)

    assert "what to do next, Thursday, December 3." in my_list
    assert "3 days late: Bring the card" in my_list
    assert "Due today: Call" in my_list
    assert "Today at 11:30 p.m." in my_list
    assert "Maria Lopez (Harbor), 3 days late: Bring the card" in digest
    assert "11:30 p.m. Maria Lopez (Harbor)" in digest
    assert "Thu, Dec 3, 11:30 p.m." in person
    assert person.count("Overdue") == 1  # Monday's card, not today's call
    assert re.search(r"Maria Lopez .*Bring the card 3 ", overview)
    assert "As of Thu, Dec 3" in overview
    assert "Thu, Dec 3, 10:30 p.m." in audit
    assert "Times are in the committee's time zone, America/Chicago." in audit
