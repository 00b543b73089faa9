"""A person's data: a committee lead downloads everything the committee holds on one person,
and can erase them, leaving only anonymous counts so the campaign's numbers stay right."""

from datetime import timedelta

import pytest
from django.db import models
from django.urls import reverse
from django.utils import timezone

from campaigns.actions.selectors.turnout import rsvp_counts
from campaigns.actions.services.rsvps import action_invite
from campaigns.conversations.services.log import ConversationData, conversation_log
from campaigns.dashboards.selectors.coverage import DashboardFilters, dashboard_places
from campaigns.dashboards.selectors.dashboard import dashboard_build, overview_build
from campaigns.dashboards.services import trends_refresh
from campaigns.models import (
    Action,
    CalendarFeed,
    Conversation,
    FollowUp,
    OutboxMessage,
    RosterEntry,
    Rsvp,
    ScheduledOneOnOne,
    Signature,
)
from campaigns.outbox.services.consent import consent_opt_out
from campaigns.outbox.services.send import SUPPRESSED, outbox_send_one
from campaigns.people.data import ERASED_ROWS, ERASED_TEXT, NOT_ABOUT_THEM
from campaigns.people.services import roster_entry_remove
from campaigns.signups.services import DriveData, drive_create, signature_record
from members.models import AuditEvent, Person, PersonEmail, PersonPhone, Tag
from tests import factories


def data_url(person) -> str:
    return reverse("person_data", args=[person.pk])


def json_url(person) -> str:
    return reverse("person_data_json", args=[person.pk])


def erase_url(person) -> str:
    return reverse("person_erase", args=[person.pk])


def days_from_now(days: int):
    return timezone.now() + timedelta(days=days)


@pytest.fixture
def elm(committee):
    return factories.campaign(committee=committee, code_name="Elm")


@pytest.fixture
def meeting(committee, campaign):
    """Last week's general meeting on Harbor."""
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="General meeting at the hall",
        starts_at=days_from_now(-7),
        ends_at=days_from_now(-7) + timedelta(hours=2),
    )


@pytest.fixture
def maria(committee, campaign, elm, lead, team_organizer, meeting):
    """Maria Lopez, with everything an organizing committee ends up holding on someone."""
    person = factories.person(
        committee=committee,
        given_name="Maria",
        family_name="Lopez",
        preferred_name="Mari",
        pronouns="she/her",
        notes="Afraid of retaliation from Skyline",
    )
    PersonEmail.objects.create(person=person, email="maria@example.org", is_primary=True)
    PersonPhone.objects.create(person=person, number="+14155552671", is_primary=True)
    person.tags.add(Tag.objects.create(committee=committee, name="Building captain"))
    floor = factories.unit(site=factories.site(campaign=campaign), name="Floor 1")
    factories.on_roster(
        campaign=campaign,
        person=person,
        unit=floor,
        title="Apt 4B",
        shift="Nights",
        organizer=team_organizer,
    )
    roster_entry_remove(
        entry=factories.on_roster(campaign=elm, person=person),
        reason="Moved to her sister's",
        actor=lead,
    )
    conversation_log(
        campaign=campaign,
        person=person,
        organizer=team_organizer,
        data=ConversationData(
            happened_at=days_from_now(-2),
            channel="in_person",
            assessment=2,
            notes="Worried about her visa status",
            next_step="Bring the petition",
            follow_up_on=days_from_now(3).date(),
            schedule_at=days_from_now(3),
            schedule_place="Laundromat on 5th",
        ),
    )
    Rsvp.objects.create(
        action=meeting,
        person=person,
        response=Rsvp.Response.YES,
        responded_at=days_from_now(-9),
        note="Bringing my cousin",
        attended=True,
    )
    OutboxMessage.objects.create(
        committee=committee,
        kind=OutboxMessage.Kind.ACTION_REMINDER,
        action=meeting,
        person=person,
        due_at=days_from_now(-8),
        next_attempt_at=days_from_now(-8),
        status=OutboxMessage.Status.SENT,
        sent_at=days_from_now(-8),
        to_address="maria@example.org",
    )
    CalendarFeed.objects.create(person=person)
    consent_opt_out(person=person, channel="email", via="link")
    drive = drive_create(
        campaign=campaign,
        data=DriveData(
            kind="card",
            title="Harbor card",
            texts={"en": "I want the union."},
            opens_on=days_from_now(-30).date(),
        ),
        actor=lead,
    )
    signature_record(
        drive=drive,
        person=person,
        signed_on=days_from_now(-3).date(),
        method=Signature.Method.LINK,
        typed_name="Maria Lopez",
        consent=True,
        ip="203.0.113.9",
    )
    return person


# --- The export ----------------------------------------------------------------------------------


def test_it_gives_a_lead_everything_held_on_the_person_as_a_file(client, lead, maria):
    client.force_login(lead)

    response = client.get(json_url(maria))

    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="person-{maria.pk}.json"'
    assert "no-store" in response["Cache-Control"]
    data = response.json()
    assert data["person"]["given_name"] == "Maria"
    assert data["person"]["notes"] == "Afraid of retaliation from Skyline"
    assert data["person"]["tags"] == ["Building captain"]
    assert {row["value"] for row in data["contact_details"]} >= {"maria@example.org"}
    assert data["consent"] == {
        "email_ok": False,
        "sms_ok": False,
        "do_not_contact": False,
        "do_not_contact_reason": "",
    }
    positions = {row["campaign"]: row for row in data["roster_positions"]}
    assert positions["Harbor"]["title"] == "Apt 4B"
    assert positions["Harbor"]["unit"] == "Main site › Floor 1"
    assert positions["Elm"]["removed_reason"] == "Moved to her sister's"
    [talk] = data["conversations"]
    assert (talk["notes"], talk["next_step"]) == (
        "Worried about her visa status",
        "Bring the petition",
    )
    assert data["assessments"][0]["assessment"].startswith("2")
    assert data["follow_ups"][0]["next_step"] == "Bring the petition"
    assert data["scheduled_one_on_ones"][0]["place"] == "Laundromat on 5th"
    [rsvp] = data["rsvps"]
    assert (rsvp["note"], rsvp["attended"]) == ("Bringing my cousin", True)
    reminder = next(row for row in data["messages"] if row["to"] == "them" and row["action"])
    assert (reminder["action"], reminder["address"]) == (
        "General meeting at the hall",
        "maria@example.org",
    )
    [consent] = data["consent_history"]
    assert consent["what"] == "Opted out of email (from the link in an email)"
    assert "Took someone off the roster of Elm" in [row["what"] for row in data["audit_events"]]
    [signed] = data["signatures"]
    assert (signed["drive"], signed["text"], signed["typed_name"], signed["ip"]) == (
        "Harbor card",
        "I want the union.",
        "Maria Lopez",
        "203.0.113.9",
    )


def test_it_shows_the_same_as_a_page_to_read_or_print(client, lead, maria):
    client.force_login(lead)

    response = client.get(data_url(maria))

    assert response.status_code == 200
    page = response.content.decode()
    for typed in [
        "Afraid of retaliation",
        "Worried about her visa",
        "Bringing my cousin",
        "Apt 4B",
    ]:
        assert typed in page
    assert "maria@example.org" in page
    assert reverse("person_data_json", args=[maria.pk]) in page


def test_each_download_is_on_the_record_without_what_it_held(client, lead, maria):
    client.force_login(lead)

    client.get(data_url(maria))
    client.get(json_url(maria))

    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).order_by("pk")
    assert [e.detail for e in events] == [
        {"of": "person", "format": "html"},
        {"of": "person", "format": "json"},
    ]
    assert {(e.subject_type, e.subject_id, e.actor_id) for e in events} == {
        ("members.person", maria.pk, lead.pk)
    }
    log = client.get(reverse("audit_log", args=[maria.committee_id])).content.decode()
    assert "Exported a person&#x27;s data (JSON)" in log


def test_an_organizer_who_sees_the_person_gets_the_same_404_as_an_outsider(
    client, team_organizer, outsider, maria
):
    for user in [team_organizer, outsider]:
        client.force_login(user)
        for url in [data_url(maria), json_url(maria), erase_url(maria)]:
            assert client.get(url).status_code == 404
        assert client.post(erase_url(maria), {"confirm": "on"}).status_code == 404

    assert client.get(reverse("person_detail", args=[maria.pk])).status_code == 404
    client.force_login(team_organizer)
    assert client.get(reverse("person_detail", args=[maria.pk])).status_code == 200
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()
    assert Person.objects.get(pk=maria.pk).erased_at is None


def test_the_person_page_links_leads_to_the_export_and_erasure(client, lead, team_organizer, maria):
    client.force_login(lead)
    page = client.get(reverse("person_detail", args=[maria.pk])).content.decode()
    assert data_url(maria) in page
    assert erase_url(maria) in page

    client.force_login(team_organizer)
    page = client.get(reverse("person_detail", args=[maria.pk])).content.decode()
    assert data_url(maria) not in page
    assert erase_url(maria) not in page


def test_the_export_takes_the_same_few_queries_however_much_is_held(
    client, lead, maria, campaign, team_organizer, django_assert_max_num_queries
):
    for day in range(5):
        conversation_log(
            campaign=campaign,
            person=maria,
            organizer=team_organizer,
            data=ConversationData(
                happened_at=days_from_now(-10 - day), channel="phone", notes=f"Call {day}"
            ),
        )
    client.force_login(lead)

    with django_assert_max_num_queries(26):  # 24, and the membership with its payments counted
        assert client.get(json_url(maria)).status_code == 200


# --- Erasure -------------------------------------------------------------------------------------


def test_it_says_what_erasing_will_do_and_asks_to_confirm(client, lead, maria):
    client.force_login(lead)

    page = client.get(erase_url(maria)).content.decode()
    refused = client.post(erase_url(maria), {})

    assert "This cannot be undone." in page
    assert "so the dashboards, trends and turnout stay right" in page
    assert "2 roster places with their assessments, 1 one-on-one and 1 RSVP with" in page
    assert "1 signature on a card or petition stays, without the name they typed" in page
    assert refused.status_code == 422
    assert "Tick the box to confirm" in refused.content.decode()
    assert Person.objects.get(pk=maria.pk).given_name == "Maria"


def test_it_removes_who_they_are_and_everything_typed_about_them(client, lead, maria):
    client.force_login(lead)

    response = client.post(erase_url(maria), {"confirm": "on"})

    assert response.status_code == 302
    maria.refresh_from_db()
    assert (maria.given_name, maria.family_name, maria.preferred_name, maria.pronouns) == (
        "",
        "",
        "",
        "",
    )
    assert maria.notes == ""
    assert maria.display_name == "Erased person"
    assert maria.erased_at is not None
    assert maria.do_not_contact
    assert not maria.emails.exists() and not maria.phones.exists() and not maria.tags.exists()
    assert not CalendarFeed.objects.filter(person=maria).exists()
    assert set(RosterEntry.objects.filter(person=maria).values_list("title", "shift")) == {("", "")}
    assert set(
        RosterEntry.objects.filter(person=maria).values_list("removed_reason", flat=True)
    ) == {""}
    assert list(Conversation.objects.filter(person=maria).values_list("notes", "next_step")) == [
        ("", "")
    ]
    assert list(FollowUp.objects.filter(person=maria).values_list("description", flat=True)) == [""]
    assert list(ScheduledOneOnOne.objects.filter(person=maria).values_list("place", flat=True)) == [
        ""
    ]
    assert list(Rsvp.objects.filter(person=maria).values_list("note", "attended")) == [("", True)]
    addresses = OutboxMessage.objects.filter(person=maria).values_list("to_address", flat=True)
    assert set(addresses) == {""}
    # The signature still counts, but no longer says who typed what, or from where.
    signature = Signature.objects.get(person=maria)
    assert (signature.typed_name, signature.ip) == ("", None)
    page = client.get(reverse("person_detail", args=[maria.pk])).content.decode()
    assert "Erased person" in page
    assert "Maria" not in page


def test_the_dashboards_and_turnout_are_the_same_before_and_after(
    client, committee, campaign, lead, maria, meeting
):
    def numbers():
        places = dashboard_places(campaign)
        trends_refresh()  # as the dashboards' views do first
        return (
            dashboard_build(campaign=campaign, filters=DashboardFilters(), places=places),
            overview_build(committee=committee, user=lead),
            rsvp_counts(meeting),
        )

    before = numbers()
    client.force_login(lead)
    client.post(erase_url(maria), {"confirm": "on"})

    assert numbers() == before
    assert before[0].total.stats.people == 1
    assert before[2].yes_attended == 1


def test_it_is_on_the_record_and_earlier_events_no_longer_name_them(
    client, committee, lead, team_organizer, maria
):
    client.force_login(lead)
    client.get(data_url(maria))
    log_url = reverse("audit_log", args=[committee.pk])
    assert "Mari Lopez" in client.get(log_url).content.decode()

    client.post(erase_url(maria), {"confirm": "on"})

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ERASE)
    assert (event.subject_id, event.actor_id) == (maria.pk, lead.pk)
    kept = {"roster_entries": 2, "conversations": 1, "rsvps": 1, "signatures": 1}
    assert event.detail == {"kept": kept}
    log = client.get(log_url).content.decode()
    assert "Erased a person" in log
    assert "Erased person" in log
    assert "Mari" not in log and "Lopez" not in log


def test_an_erased_person_is_not_found_exported_or_messaged(
    client, committee, campaign, lead, team_organizer, maria
):
    waiting = OutboxMessage.objects.create(
        committee=committee,
        kind=OutboxMessage.Kind.ACTION_INVITATION,
        person=maria,
        due_at=days_from_now(0),
        next_attempt_at=days_from_now(0),
    )
    client.force_login(lead)
    client.post(erase_url(maria), {"confirm": "on"})

    waiting.refresh_from_db()
    assert waiting.status == OutboxMessage.Status.VOID
    upcoming = Action.objects.create(
        committee=committee,
        campaign=campaign,
        title="Delegation to the landlord",
        starts_at=days_from_now(7),
        ends_at=days_from_now(7) + timedelta(hours=1),
    )
    action_invite(action=upcoming, people=[maria], by=lead)
    for message in OutboxMessage.objects.filter(action=upcoming, person=maria):
        assert outbox_send_one(message_id=message.pk) == SUPPRESSED
    export = b"".join(client.get(reverse("roster_export", args=[campaign.pk])).streaming_content)
    assert export.decode("utf-8-sig").count("\n") == 1  # the header alone
    client.force_login(team_organizer)
    for query in ["Maria", "Lopez", "Erased"]:
        found = client.get(reverse("log_search"), {"q": query}).content.decode()
        assert f"/people/{maria.pk}/" not in found


def test_someone_whose_login_is_active_is_refused_until_it_is_deactivated(
    client, committee, lead, member, maria
):
    Person.objects.filter(pk=maria.pk).update(user=member)
    client.force_login(lead)

    page = client.get(erase_url(maria)).content.decode()
    refused = client.post(erase_url(maria), {"confirm": "on"})

    assert "Deactivate their login on the Team page" in page
    assert refused.status_code == 409
    assert "Deactivate their login on the Team page first" in refused.content.decode()
    assert Person.objects.get(pk=maria.pk).given_name == "Maria"
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.ERASE).exists()

    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.post(erase_url(maria), {"confirm": "on"}).status_code == 302
    maria.refresh_from_db()
    assert (maria.erased_at is not None, maria.user) == (True, None)


def test_every_text_field_of_a_persons_rows_is_erased_or_deleted():
    """A new free-text field on a person, or on a row that points at one (a per-campaign
    note...), must be added to ERASED_TEXT or ERASED_ROWS, or erasure would leave it."""
    models_with_person = {Person} | {
        relation.related_model
        for relation in Person._meta.get_fields(include_hidden=True)
        if relation.auto_created and (relation.one_to_many or relation.one_to_one)
    }
    typed = {
        (model, field.name)
        for model in models_with_person
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField) and not field.choices
    }
    handled = {(model, name) for model, names in ERASED_TEXT.items() for name in names}
    handled |= NOT_ABOUT_THEM

    assert {(m, f) for m, f in typed if m not in ERASED_ROWS} - handled == set()


def test_nothing_is_written_about_an_erased_person_again(client, committee, lead, maria):
    client.force_login(lead)
    client.post(erase_url(maria), {"confirm": "on"})
    other = factories.person(committee=committee, given_name="Mary", family_name="Lopez")

    edit = reverse("person_edit_details", args=[maria.pk])
    response = client.post(edit, {"given_name": "Maria"}, follow=True)

    assert "This person was erased" in response.content.decode()
    assert Person.objects.get(pk=maria.pk).given_name == ""
    merged = client.post(
        reverse("person_merge", args=[other.pk]),
        {"duplicate": maria.pk, "choice_email_ok": "survivor"},
    )
    assert merged.status_code == 422
    assert "An erased person cannot be merged" in merged.content.decode()
    assert Person.objects.filter(pk=maria.pk).exists()
