"""People as an API token sees them (campaigns/api/people.py): who, and in which shape.

The committee "Riverside" runs two campaigns, Harbor and Oak. Ana is on Harbor, Ben on Oak,
Cleo on no roster yet, Dario was on Harbor and was taken off it; someone was erased; Eve's
committee is another one.
"""

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from campaigns.api.people import people_for_scope, people_osdi, person_osdi, person_public_id
from campaigns.conversations.services.log import (
    ConversationData,
    conversation_delete,
    conversation_log,
)
from campaigns.imports.services import import_commit, import_upload
from campaigns.models import PersonNote
from campaigns.people.data import person_erase
from campaigns.people.services import person_update
from campaigns.roster.services import assessment_record, roster_remove
from members.models import PersonEmail, PersonPhone, Tag
from tests import factories

BASE = "https://majority.example/api/v2"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

# The keys of the person in Action Network's documented example (GET
# https://actionnetwork.org/api/v2/people/[id]), without postal_addresses: we hold none.
ACTION_NETWORK_PERSON_KEYS = {
    "identifiers",
    "created_date",
    "modified_date",
    "family_name",
    "given_name",
    "languages_spoken",
    "email_addresses",
    "phone_numbers",
    "custom_fields",
    "_links",
}
ACTION_NETWORK_EMAIL_KEYS = {"primary", "address", "status"}
ACTION_NETWORK_PHONE_KEYS = {"primary", "number", "number_type", "status"}


@pytest.fixture
def oak(committee):
    return factories.campaign(committee=committee, code_name="Oak")


@pytest.fixture
def world(committee, other_committee, campaign, oak):
    with time_machine.travel(T0, tick=False):
        receiving = factories.unit(site=factories.site(campaign=campaign), name="Receiving")
        ana = factories.person(committee=committee, given_name="Ana", family_name="Lima")
        ana_entry = factories.on_roster(campaign=campaign, person=ana, unit=receiving)
        ben = factories.person(committee=committee, given_name="Ben", family_name="Okoro")
        factories.on_roster(campaign=oak, person=ben)
        cleo = factories.person(committee=committee, given_name="Cleo")
        dario = factories.person(committee=committee, given_name="Dario")
        roster_remove(entry=factories.on_roster(campaign=campaign, person=dario))
        erased = factories.person(committee=committee, given_name="Gone")
        factories.on_roster(campaign=campaign, person=erased)
        person_erase(person=erased, actor=None, ip=None)
        eve_campaign = factories.campaign(committee=other_committee, code_name="Elsewhere")
        eve = factories.person(committee=other_committee, given_name="Eve")
        factories.on_roster(campaign=eve_campaign, person=eve)
    return {
        "ana": ana,
        "ana_entry": ana_entry,
        "ben": ben,
        "cleo": cleo,
        "dario": dario,
        "eve_campaign": eve_campaign,
    }


def consent(*, email_ok: bool, sms_ok: bool) -> dict:
    """The consent section of the person page, as its form sends it."""
    return {
        "email_ok": email_ok,
        "sms_ok": sms_ok,
        "do_not_contact": False,
        "do_not_contact_reason": "",
    }


def names(people) -> list[str]:
    return [person.given_name for person in people]


def one(person, *, committee, campaign_ids=None, extras=frozenset()):
    """The person as a token of this scope gets them."""
    found = people_for_scope(committee=committee, campaign_ids=campaign_ids).get(pk=person.pk)
    return person_osdi(found, base_url=BASE, extras=set(extras), campaign_ids=campaign_ids)


# --- Who ---------------------------------------------------------------------------------------


def test_it_shows_a_committee_wide_token_everyone_a_lead_sees_oldest_first(committee, world):
    people = people_for_scope(committee=committee, campaign_ids=None)

    assert names(people) == ["Ana", "Ben", "Cleo", "Dario"]


def test_it_shows_a_campaign_token_only_the_people_now_on_its_roster(committee, campaign, world):
    people = people_for_scope(committee=committee, campaign_ids={campaign.pk})

    assert names(people) == ["Ana"]


def test_it_shows_a_token_of_two_campaigns_the_people_of_either(committee, campaign, oak, world):
    people = people_for_scope(committee=committee, campaign_ids={campaign.pk, oak.pk})

    assert names(people) == ["Ana", "Ben"]


def test_it_never_shows_another_committees_people(committee, world):
    """Even a token wrongly given another committee's campaign finds nobody there."""
    people = people_for_scope(committee=committee, campaign_ids={world["eve_campaign"].pk})

    assert names(people) == []


def test_a_token_with_no_campaign_left_sees_nobody(committee, world):
    assert names(people_for_scope(committee=committee, campaign_ids=set())) == []


# --- In which shape ------------------------------------------------------------------------------


def test_a_person_has_the_keys_and_links_of_action_networks_example(committee, world):
    ana = world["ana"]

    shown = one(ana, committee=committee)

    assert set(shown) == ACTION_NETWORK_PERSON_KEYS
    public_id = person_public_id(ana)
    assert shown["identifiers"] == [f"majority:{public_id}"]
    assert str(ana.pk) != public_id
    assert shown["given_name"] == "Ana"
    assert shown["family_name"] == "Lima"
    assert shown["created_date"] == "2026-03-02T09:00:00Z"
    assert shown["_links"] == {
        "self": {"href": f"{BASE}/people/{public_id}"},
        "osdi:attendances": {"href": f"{BASE}/people/{public_id}/attendances"},
        "osdi:taggings": {"href": f"{BASE}/people/{public_id}/taggings"},
    }


def test_links_stay_without_a_trailing_slash_when_the_base_has_one(committee, world):
    found = people_for_scope(committee=committee, campaign_ids=None).get(pk=world["ana"].pk)

    shown = person_osdi(found, base_url=f"{BASE}/", extras=set(), campaign_ids=None)

    assert shown["_links"]["self"]["href"] == f"{BASE}/people/{person_public_id(found)}"


def test_consent_is_the_status_of_emails_and_phones(committee, world):
    ana = world["ana"]
    ana.emails.create(email="ana@example.org", is_primary=True)
    ana.phones.create(number="+15551230001", is_primary=True)
    person_update(person=ana, section="consent", data=consent(email_ok=True, sms_ok=False))

    shown = one(ana, committee=committee)

    assert shown["email_addresses"] == [
        {"primary": True, "address": "ana@example.org", "status": "subscribed"}
    ]
    assert shown["phone_numbers"] == [
        {
            "primary": True,
            "number": "15551230001",
            "number_type": "Mobile",
            "status": "unsubscribed",
        }
    ]
    assert set(shown["email_addresses"][0]) == ACTION_NETWORK_EMAIL_KEYS
    assert set(shown["phone_numbers"][0]) == ACTION_NETWORK_PHONE_KEYS


def test_someone_who_asked_not_to_be_contacted_is_unsubscribed_everywhere(committee, world):
    ana = world["ana"]
    ana.emails.create(email="ana@example.org", is_primary=True)
    ana.phones.create(number="+15551230001", is_primary=True)
    ana.sms_ok, ana.do_not_contact = True, True
    ana.save()

    shown = one(ana, committee=committee)

    assert shown["email_addresses"][0]["status"] == "unsubscribed"
    assert shown["phone_numbers"][0]["status"] == "unsubscribed"


def test_the_language_is_the_persons_preferred_one(committee, world):
    ana, ben = world["ana"], world["ben"]
    ana.preferred_language = "es"
    ana.save()

    assert one(ana, committee=committee)["languages_spoken"] == ["es"]
    assert one(ben, committee=committee)["languages_spoken"] == []


def test_a_campaign_token_sees_no_email_or_phone_another_campaigns_team_added(
    committee, campaign, oak, world
):
    ana = world["ana"]
    PersonEmail.objects.create(
        person=ana, email="oak@example.org", is_primary=True, campaign_id=oak.pk
    )
    PersonEmail.objects.create(person=ana, email="harbor@example.org", campaign_id=campaign.pk)
    PersonEmail.objects.create(person=ana, email="ana@example.org")
    PersonPhone.objects.create(person=ana, number="+15551230009", campaign_id=oak.pk)

    harbor = one(ana, committee=committee, campaign_ids={campaign.pk})
    everyone = one(ana, committee=committee)

    assert [e["address"] for e in harbor["email_addresses"]] == [
        "harbor@example.org",
        "ana@example.org",
    ]
    assert [e["primary"] for e in harbor["email_addresses"]] == [True, False]
    assert harbor["phone_numbers"] == []
    assert [e["address"] for e in everyone["email_addresses"]] == [
        "oak@example.org",
        "harbor@example.org",
        "ana@example.org",
    ]
    assert [p["number"] for p in everyone["phone_numbers"]] == ["15551230009"]


def test_no_custom_field_unless_the_token_shows_it(committee, world):
    assessment_record(entry=world["ana_entry"], level=2, happened_at=T0, recorded_by=None)

    assert one(world["ana"], committee=committee)["custom_fields"] == {}


def test_a_campaign_token_shows_the_unit_and_assessment_alone(committee, campaign, world):
    assessment_record(entry=world["ana_entry"], level=2, happened_at=T0, recorded_by=None)

    shown = one(
        world["ana"],
        committee=committee,
        campaign_ids={campaign.pk},
        extras={"unit", "assessment"},
    )

    assert shown["custom_fields"] == {"assessment": "2", "unit": "Main site › Receiving"}


def test_a_committee_token_names_the_campaign_of_each_value(committee, oak, world):
    ana = world["ana"]
    oak_entry = factories.on_roster(campaign=oak, person=ana)
    assessment_record(entry=world["ana_entry"], level=2, happened_at=T0, recorded_by=None)
    assessment_record(entry=oak_entry, level=3, happened_at=T0, recorded_by=None)

    shown = one(ana, committee=committee, extras={"unit", "assessment"})

    assert shown["custom_fields"] == {
        "assessment": "Harbor: 2; Oak: 3",
        "unit": "Harbor: Main site › Receiving",
    }


def test_notes_are_never_shown_even_to_a_token_asking_for_them(committee, campaign, world):
    ana = world["ana"]
    ana.notes = "Committee secret: talks to the manager"
    ana.save()
    PersonNote.objects.create(person=ana, campaign=campaign, text="Harbor secret: afraid")

    shown = one(ana, committee=committee, extras={"unit", "assessment", "notes"})

    assert "notes" not in shown["custom_fields"]
    assert "secret" not in json.dumps(shown, ensure_ascii=False)


# --- modified_date -------------------------------------------------------------------------------


def test_modified_date_is_the_creation_for_someone_never_changed(committee, world):
    shown = one(world["cleo"], committee=committee)

    assert shown["modified_date"] == shown["created_date"] == "2026-03-02T09:00:00Z"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", shown["modified_date"])


def test_modified_date_moves_when_the_consent_changes(committee, world):
    ana = world["ana"]
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        person_update(person=ana, section="consent", data=consent(email_ok=False, sms_ok=True))

    assert one(ana, committee=committee)["modified_date"] == "2026-03-05T09:00:00Z"


def test_modified_date_moves_when_an_assessment_is_recorded_even_backdated(committee, world):
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        assessment_record(
            entry=world["ana_entry"], level=1, happened_at=T0 - timedelta(days=30), recorded_by=None
        )

    assert one(world["ana"], committee=committee)["modified_date"] == "2026-03-05T09:00:00Z"


def test_modified_date_moves_when_its_conversation_is_deleted_and_the_assessment_goes(
    committee, campaign, world, team_organizer
):
    """The assessment shown falls back to the one before; the date moves on, never back."""
    when = T0 + timedelta(days=1)
    with time_machine.travel(when, tick=False):
        talk = conversation_log(
            organizer=team_organizer,
            campaign=campaign,
            person=world["ana"],
            data=ConversationData(happened_at=when, channel="in_person", assessment=2),
        )
    before = one(world["ana"], committee=committee, extras={"assessment"})
    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        conversation_delete(conversation=talk, actor=team_organizer)

    shown = one(world["ana"], committee=committee, extras={"assessment"})
    assert before["custom_fields"]["assessment"] == "Harbor: 2"
    assert shown["modified_date"] == "2026-03-07T09:00:00Z"
    assert "2" not in shown["custom_fields"].get("assessment", "")


def test_modified_date_moves_when_an_import_adds_a_phone_or_a_tag_to_someone_known(
    committee, campaign, world, lead
):
    ana, ben = world["ana"], world["ben"]
    PersonEmail.objects.create(person=ana, email="ana@example.org")
    PersonEmail.objects.create(person=ben, email="ben@example.org")
    ben.tags.add(Tag.objects.create(committee=committee, name="Night shift"))
    with time_machine.travel(T0, tick=False):
        factories.on_roster(campaign=campaign, person=ben)  # on the roster already
    data = (
        b"Name,Email,Phone,Tags\n"
        b"Ana Lima,ana@example.org,312-555-0110,\n"  # a phone she lacked
        b"Ben Okoro,ben@example.org,,night shift\n"  # what we know already
    )
    with time_machine.travel(T0 + timedelta(days=4), tick=False):
        batch = import_upload(campaign=campaign, uploaded_by=lead, filename="r.csv", data=data)
        assert import_commit(batch_id=batch.pk, actor=lead).committed

    assert one(ana, committee=committee)["modified_date"] == "2026-03-06T09:00:00Z"
    assert one(ben, committee=committee)["modified_date"] < "2026-03-06"


def test_a_sync_by_modified_date_finds_someone_who_joined_the_campaign(committee, campaign, world):
    """Ben was made long ago; put on Harbor today, he is new to a Harbor token's sync."""
    since = T0 + timedelta(days=1)
    with time_machine.travel(T0 + timedelta(days=3), tick=False):
        factories.on_roster(campaign=campaign, person=world["ben"])

    changed = people_for_scope(committee=committee, campaign_ids={campaign.pk}).filter(
        osdi_modified_at__gt=since
    )

    assert names(changed) == ["Ben"]


# --- Cost ----------------------------------------------------------------------------------------


def test_a_page_costs_the_same_queries_for_2_people_as_for_25(
    committee, campaign, django_assert_max_num_queries
):
    receiving = factories.unit(site=factories.site(campaign=campaign), name="Receiving")
    oak = factories.campaign(committee=committee, code_name="Oak")

    def add_people(count: int) -> None:
        for n in range(count):
            person = factories.person(committee=committee)
            person.emails.create(email=f"p{person.pk}@example.org", is_primary=True)
            person.phones.create(number=f"+1555200{person.pk:04d}", is_primary=True)
            entry = factories.on_roster(campaign=campaign, person=person, unit=receiving)
            assessment_record(entry=entry, level=1 + n % 5, happened_at=T0, recorded_by=None)
            factories.on_roster(campaign=oak, person=person)

    def page(size: int) -> list[dict]:
        people = list(people_for_scope(committee=committee, campaign_ids=None)[:size])
        return people_osdi(people, base_url=BASE, extras={"unit", "assessment"}, campaign_ids=None)

    add_people(2)
    with django_assert_max_num_queries(5) as small:
        assert len(page(2)) == 2
    add_people(23)
    with django_assert_max_num_queries(len(small.captured_queries)):
        shown = page(25)

    assert len(shown) == 25
    assert all(person["custom_fields"]["unit"] for person in shown)
