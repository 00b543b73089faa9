"""The audit log page: committee leads read what happened, filter it by kind, person, campaign
and dates, page through it and download it; nobody else reads it."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from members.audit import audit_record, client_ip
from members.audit_views import CSV_HEADER
from members.models import AuditEvent, Invitation, Membership
from tests import factories

Kind = AuditEvent.Kind


def log_url(committee, query: str = "") -> str:
    return reverse("audit_log", args=[committee.pk]) + query


def csv_url(committee, query: str = "") -> str:
    return reverse("audit_log_csv", args=[committee.pk]) + query


@pytest.fixture
def maria(committee, campaign):
    person = factories.person(committee=committee, given_name="Maria", family_name="Lopez")
    factories.on_roster(campaign=campaign, person=person)
    return person


@pytest.fixture
def history(committee, campaign, lead, organizer, maria):
    """A week of events: Marcus looked at Maria, Rosa exported Harbor and took him off it."""
    events = [
        audit_record(actor=organizer, kind=Kind.PERSON_VIEW, committee=committee, subject=maria),
        audit_record(
            actor=lead,
            kind=Kind.EXPORT,
            committee=committee,
            subject=campaign,
            campaign_id=campaign.pk,
            count=212,
            detail={"format": "csv"},
        ),
        audit_record(
            actor=lead,
            kind=Kind.TEAM_CHANGE,
            committee=committee,
            subject=organizer,
            campaign_id=campaign.pk,
            detail={"role": "organizer", "change": "removed"},
        ),
    ]
    return events


def texts(response) -> list[str]:
    return [line.text for line in response.context["lines"]]


def test_it_shows_a_lead_what_happened_in_words_newest_first(
    client, committee, lead, history, maria
):
    client.force_login(lead)

    response = client.get(log_url(committee))

    assert response.status_code == 200
    assert texts(response) == [
        "Took Marcus Bell off the team of Harbor",
        "Exported 212 rows of Harbor",
        "Viewed a person's page",
    ]
    page = response.content.decode()
    assert f'href="{reverse("person_detail", args=[maria.pk])}">Maria Lopez</a>' in page
    assert "Marcus Bell" in page and "Rosa Delgado" in page


def test_it_says_what_each_kind_of_event_was(client, committee, campaign, lead, organizer, maria):
    site = factories.site(campaign=campaign)
    unit = factories.unit(site=site, name="Dock")
    team = factories.on_team(campaign=campaign, user=organizer, role="lead")
    invitation = Invitation.objects.create(
        committee=committee, email="a@example.org", role="member"
    )
    in_harbor = {"committee": committee, "campaign_id": campaign.pk}
    recorded = [
        (Kind.LOGIN, None, {"methods": ["mfa", "password"]}, None),
        (Kind.LOGIN_FAILED, organizer, {"stage": "password"}, None),
        (Kind.LOGIN_FAILED, organizer, {"stage": "mfa", "type": "totp"}, None),
        (Kind.LOGOUT, None, {}, None),
        (Kind.MFA_CHANGE, None, {"change": "added", "type": "totp"}, None),
        (Kind.MFA_CHANGE, None, {"change": "removed", "type": "webauthn"}, None),
        (Kind.ROLE_CHANGE, organizer, {"role": "organizer", "previous": None}, None),
        (Kind.ROLE_CHANGE, organizer, {"role": "lead", "previous": "organizer"}, None),
        (Kind.TEAM_CHANGE, team, {"role": "lead", "change": "added"}, None),
        (Kind.IMPORT, None, {}, 40),
        (Kind.MERGE, maria, {"merged_person_id": 99}, None),
        (Kind.BULK, None, {"action": "assign_organizer", "organizer_id": organizer.pk}, 3),
        (Kind.BULK, None, {"action": "add_tag", "tag_id": 1}, 1),
        (Kind.DELETE, maria.roster_entries.get(), {}, None),
        (Kind.DELETE, unit, {"units": 1, "moved_to": None}, 2),
        (Kind.DELETE, invitation, {"role": "member"}, None),
    ]
    for kind, subject, detail, count in recorded:
        audit_record(
            actor=lead, kind=kind, subject=subject, detail=detail, count=count, **in_harbor
        )
    client.force_login(lead)

    response = client.get(log_url(committee))

    lines = [(line.text, line.link_text) for line in reversed(response.context["lines"])]
    assert lines == [
        ("Logged in with two-factor, password", ""),
        ("Wrong password for Marcus Bell's account", ""),
        ("Wrong two-factor code for Marcus Bell's account", ""),
        ("Logged out", ""),
        ("Turned on two-factor: authenticator app", ""),
        ("Turned off two-factor: security key", ""),
        ("Marcus Bell joined the committee as Organizer", ""),
        ("Marcus Bell went from Organizer to Committee lead", ""),
        ("Put Marcus Bell on the team of Harbor as campaign lead", ""),
        ("Imported 40 people into Harbor", ""),
        ("Merged two records of one person", "Maria Lopez"),
        ("Assigned 3 people of Harbor to Marcus Bell", ""),
        ("Tagged 1 person of Harbor", ""),
        ("Took someone off the roster of Harbor", "Maria Lopez"),
        ("Deleted a unit of Harbor; 2 people moved", ""),
        ("Withdrew an invitation to join as Member", ""),
    ]


def test_it_says_which_action_was_cancelled_a_campaigns_or_a_committee_wide_one(
    client, committee, campaign, lead
):
    from datetime import timedelta

    from django.utils import timezone

    from campaigns.models import Action

    starts = timezone.now() + timedelta(days=3)
    for on in (campaign, None):
        action = Action.objects.create(
            committee=committee, campaign=on, title="Meeting", starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )  # fmt: skip
        audit_record(
            actor=lead,
            kind=Kind.DELETE,
            committee=committee,
            subject=action,
            campaign_id=action.campaign_id,
            detail={"change": "cancelled"},
        )
    client.force_login(lead)

    response = client.get(log_url(committee))

    assert [line.text for line in reversed(response.context["lines"])] == [
        "Cancelled an action of Harbor",
        "Cancelled a committee-wide action",
    ]


def test_it_shows_the_ip_and_the_local_time(client, committee, lead):
    committee.time_zone = "America/Chicago"
    committee.save(update_fields=["time_zone"])
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4")
    with time_machine.travel(datetime(2026, 3, 10, 5, 30, tzinfo=UTC)):
        audit_record(actor=lead, kind=Kind.LOGIN, committee=committee, ip=client_ip(request))
    client.force_login(lead)

    page = client.get(log_url(committee)).content.decode()

    assert "from 198.51.100.4" in page
    assert 'datetime="2026-03-10T00:30:00-05:00"' in page


def test_it_shows_only_this_committees_events(client, committee, other_committee, lead, outsider):
    audit_record(actor=outsider, kind=Kind.EXPORT, committee=other_committee, count=9)
    audit_record(actor=None, kind=Kind.LOGIN_FAILED, committee=None)
    client.force_login(lead)

    response = client.get(log_url(committee))

    assert response.context["lines"] == []
    assert "Nothing recorded matches." in response.content.decode()


def test_it_filters_by_kind_who_and_campaign(client, committee, campaign, lead, organizer, history):
    oak = factories.campaign(committee=committee, code_name="Oak")
    audit_record(actor=lead, kind=Kind.EXPORT, committee=committee, campaign_id=oak.pk, count=5)
    client.force_login(lead)

    by_kind = client.get(log_url(committee, "?kind=export"))
    by_actor = client.get(log_url(committee, f"?actor={organizer.pk}"))
    by_campaign = client.get(log_url(committee, f"?campaign={campaign.pk}&kind=export"))

    assert texts(by_kind) == ["Exported 5 rows of Oak", "Exported 212 rows of Harbor"]
    assert texts(by_actor) == ["Viewed a person's page"]
    assert texts(by_campaign) == ["Exported 212 rows of Harbor"]
    assert '<details class="card" open>' in by_kind.content.decode()


def test_it_filters_by_whole_days_in_the_committees_time_zone(client, committee, lead):
    """Chicago moved its clocks on Sunday March 8, 2026: the days start at 06:00 UTC before
    and at 05:00 UTC after."""
    committee.time_zone = "America/Chicago"
    committee.save(update_fields=["time_zone"])
    moments = [
        datetime(2026, 3, 7, 5, 59, tzinfo=UTC),  # 23:59 on Friday March 6
        datetime(2026, 3, 7, 6, 0, tzinfo=UTC),  # midnight starting Saturday March 7
        datetime(2026, 3, 9, 4, 59, tzinfo=UTC),  # 23:59 on Sunday March 8
        datetime(2026, 3, 9, 5, 0, tzinfo=UTC),  # midnight starting Monday March 9
    ]
    for count, moment in enumerate(moments):
        with time_machine.travel(moment):
            audit_record(actor=lead, kind=Kind.EXPORT, committee=committee, count=count)
    client.force_login(lead)

    response = client.get(log_url(committee, "?since=2026-03-07&until=2026-03-08"))

    assert [line.event.count for line in response.context["lines"]] == [2, 1]


def test_it_keeps_what_was_typed_and_says_why_when_the_dates_are_backwards(
    client, committee, lead, history
):
    client.force_login(lead)

    response = client.get(log_url(committee, "?kind=export&since=2026-05-02&until=2026-05-01"))

    assert response.status_code == 422
    page = response.content.decode()
    assert "The end date is before the start date." in page
    assert 'value="2026-05-01"' in page and 'value="2026-05-02"' in page
    assert texts(response) == ["Exported 212 rows of Harbor"], "the valid filters still apply"


def test_it_pages_fifty_at_a_time_keeping_the_filters(client, committee, lead):
    AuditEvent.objects.bulk_create(
        AuditEvent(actor=lead, kind=Kind.LOGIN, committee=committee) for _ in range(60)
    )
    client.force_login(lead)

    first = client.get(log_url(committee, "?kind=login"))
    second = client.get(log_url(committee, "?kind=login&page=2"))

    assert len(first.context["lines"]) == 50 and len(second.context["lines"]) == 10
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?kind=login&amp;page=2"' in first.content.decode()
    assert re.search(r'rel="next">\s*Older<', first.content.decode())
    assert re.search(r'rel="prev">\s*Newer<', second.content.decode())


def test_it_names_someone_deleted_since_and_links_no_one_it_may_not_show(
    client, committee, other_committee, lead, maria
):
    gone = factories.member_of(committee, Membership.Role.ORGANIZER, name="Gone Soon")
    stranger = factories.person(committee=other_committee, given_name="Stranger")
    audit_record(actor=gone, kind=Kind.PERSON_VIEW, committee=committee, subject=stranger)
    gone.delete()
    client.force_login(lead)

    response = client.get(log_url(committee))

    page = response.content.decode()
    assert "someone no longer here" in page
    assert "Stranger" not in page
    assert reverse("person_detail", args=[stranger.pk]) not in page


def test_it_reads_a_page_in_a_fixed_number_of_queries(
    client, committee, campaign, lead, organizer, maria, django_assert_max_num_queries
):
    def record_a_bit_of_everything(times: int) -> None:
        entry = maria.roster_entries.get()
        team = factories.on_team(
            campaign=campaign, user=factories.member_of(committee, "organizer")
        )
        for _ in range(times):
            for subject, kind in [
                (maria, Kind.PERSON_VIEW),
                (None, Kind.BULK),
                (maria, Kind.MERGE),
                (entry, Kind.DELETE),
                (team, Kind.TEAM_CHANGE),
                (organizer, Kind.ROLE_CHANGE),
                (organizer, Kind.LOGIN_FAILED),
            ]:
                audit_record(
                    actor=organizer,
                    kind=kind,
                    committee=committee,
                    subject=subject,
                    campaign_id=campaign.pk,
                    detail={"role": "organizer", "change": "added", "organizer_id": lead.pk},
                )

    client.force_login(lead)
    record_a_bit_of_everything(1)
    with django_assert_max_num_queries(14) as few:
        client.get(log_url(committee))
    record_a_bit_of_everything(8)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(log_url(committee))

    assert len(response.context["lines"]) == 50


@pytest.mark.parametrize("persona", ["organizer", "member"])
def test_it_refuses_the_committees_organizers_and_members(client, committee, persona, request):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(log_url(committee)).status_code == 403
    assert client.get(csv_url(committee)).status_code == 403


def test_it_is_a_404_for_another_committees_lead(client, committee, outsider):
    client.force_login(outsider)

    assert client.get(log_url(committee)).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, committee):
    response = client.get(log_url(committee))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_it_links_the_log_in_a_leads_navigation_only(client, committee, lead, organizer):
    client.force_login(lead)
    assert log_url(committee) in client.get("/").content.decode()

    client.force_login(organizer)
    assert log_url(committee) not in client.get("/").content.decode()


# --- CSV -----------------------------------------------------------------------------------------


def test_it_downloads_the_filtered_log_and_records_the_download(
    client, committee, campaign, lead, history
):
    campaign.code_name = "=Harbor"
    campaign.save()
    client.force_login(lead)

    response = client.get(csv_url(committee, "?kind=export"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(content))
    assert header == CSV_HEADER
    assert [row[1:] for row in rows] == [
        [
            "rosa@example.org",
            "export",
            "Exported 212 rows of =Harbor",
            "campaigns.campaign",
            str(campaign.pk),
            "'=Harbor",
            "212",
            "",
        ]
    ]
    download = AuditEvent.objects.get(kind=Kind.EXPORT, detail__of="audit")
    assert (download.actor, download.count, download.committee) == (lead, 1, committee)


def test_it_shows_the_download_in_the_log(client, committee, lead, history):
    client.force_login(lead)
    client.get(csv_url(committee, "?kind=team_change"))

    response = client.get(log_url(committee))

    assert texts(response)[0] == "Downloaded 1 event of this log"
