"""/api/v2/events and attendances over HTTP, as an Action Network client reads them: the
shapes, times in UTC, cancelled events, a token's scope (outside it: 404), paging and filters,
RSVPs as attendances of the people the token sees, and the record attendance helper (a
write token answers for someone it sees, found as the public RSVP page finds people)."""

import json
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from campaigns.api.tokens import token_create
from campaigns.models import Action, Rsvp
from members.models import AuditEvent, PersonEmail, PersonPhone
from tests import factories

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://testserver/api/v2"
# Fields Action Network documents for an event that its recorded example happens to leave out.
DOCUMENTED_NOT_IN_EXAMPLE = {"description", "start_date", "end_date", "browser_url"}


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def local(zone: str, *args: int) -> datetime:
    return datetime(*args, tzinfo=ZoneInfo(zone))  # type: ignore[misc]


def an_action(committee, campaign, title: str, starts: datetime, **fields) -> Action:
    return Action.objects.create(
        committee=committee,
        campaign=campaign,
        title=title,
        starts_at=starts,
        ends_at=starts.replace(hour=starts.hour + 2),
        time_zone=str(starts.tzinfo),
        **fields,
    )


@pytest.fixture
def world(committee, campaign, lead):
    """Harbor's public picket at 18:00 in Chicago (winter), Oak's training, a cancelled
    committee-wide meeting, another committee's action; Harbor's three people and Oak's Dee
    answered."""
    oak = factories.campaign(committee=committee, code_name="Oak")
    site = factories.site(campaign=campaign, name="North gate")
    picket = an_action(
        committee,
        campaign,
        "Picket at the gate",
        local("America/Chicago", 2027, 1, 15, 18),
        site=site,
        location="12 Dock Street\nRiverside",
        visibility=Action.Visibility.PUBLIC,
        capacity=40,
        description="Bring a sign.",
    )
    training = an_action(committee, oak, "Steward training", local("Europe/Madrid", 2027, 6, 1, 18))
    meeting = an_action(
        committee, None, "General meeting", local("America/Chicago", 2027, 2, 1, 18)
    )
    meeting.cancelled_at = meeting.created_at
    meeting.save()
    elsewhere = factories.committee(name="Elsewhere")
    an_action(elsewhere, None, "Not ours", local("America/Chicago", 2027, 1, 1, 18))
    people = {}
    for name in ["Ana", "Ben", "Cruz"]:
        people[name] = factories.person(committee=committee, given_name=name)
        factories.on_roster(campaign=campaign, person=people[name])
    people["Dee"] = factories.person(committee=committee, given_name="Dee")
    factories.on_roster(campaign=oak, person=people["Dee"])
    Rsvp.objects.create(action=picket, person=people["Ana"], response="yes", attended=True)
    Rsvp.objects.create(action=picket, person=people["Ben"], response="maybe")
    Rsvp.objects.create(action=picket, person=people["Cruz"], response="no", attended=False)
    Rsvp.objects.create(action=meeting, person=people["Ana"], response="yes")
    Rsvp.objects.create(action=meeting, person=people["Dee"])
    return {
        "oak": oak,
        "picket": picket,
        "training": training,
        "meeting": meeting,
        "people": people,
    }


def a_token(committee, lead, campaigns=()) -> str:
    return token_create(
        committee=committee, name="Sync", access="read", extras=[], campaigns=campaigns, by=lead
    )[1]


def api(client, token: str, path: str, **query):
    return client.get(f"/api/v2/{path}", query, headers={"OSDI-API-Token": token})


def get(client, token: str, href: str):
    return client.get(href, headers={"OSDI-API-Token": token})


def by_title(page: dict) -> dict[str, dict]:
    return {event["title"]: event for event in page["_embedded"]["osdi:events"]}


def test_the_collection_has_action_networks_shape(client, committee, lead, world):
    response = api(client, a_token(committee, lead), "events")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/hal+json"
    page = response.json()
    example = fixture("events_collection.json")
    assert list(page) == list(example)
    assert page["total_records"] == 3
    assert set(by_title(page)) == {"Picket at the gate", "Steward training", "General meeting"}
    documented = example["_embedded"]["osdi:events"][0]
    picket = by_title(page)["Picket at the gate"]
    assert set(picket) - set(documented) == DOCUMENTED_NOT_IN_EXAMPLE
    assert set(picket["location"]) <= set(documented["location"])
    assert set(picket["_links"]) <= set(documented["_links"])
    assert [link["href"] for link in page["_links"]["osdi:events"]] == [
        event["_links"]["self"]["href"] for event in page["_embedded"]["osdi:events"]
    ]


def test_an_event_says_what_we_hold_of_it(client, committee, lead, world):
    picket = world["picket"]

    response = api(client, a_token(committee, lead), f"events/{picket.public_id}")

    event = response.json()
    href = f"{BASE}/events/{picket.public_id}"
    public_page = "http://testserver" + reverse(
        "action_public", kwargs={"public_key": picket.public_key}
    )
    assert event["identifiers"] == [f"majority:{picket.public_id}"]
    assert (event["title"], event["description"]) == ("Picket at the gate", "Bring a sign.")
    assert (event["status"], event["visibility"], event["capacity"]) == ("confirmed", "public", 40)
    assert event["location"] == {
        "venue": "North gate",
        "address_lines": ["12 Dock Street", "Riverside"],
    }
    assert event["browser_url"] == public_page
    assert event["_links"] == {
        "self": {"href": href},
        "osdi:attendances": {"href": f"{href}/attendances"},
        "osdi:record_attendance_helper": {"href": f"{href}/attendances"},
    }


@pytest.mark.parametrize(
    ("title", "start", "end"),
    [
        # 18:00 in Chicago in January is midnight UTC the next day (UTC-6).
        ("Picket at the gate", "2027-01-16T00:00:00Z", "2027-01-16T02:00:00Z"),
        # 18:00 in Madrid in June is 16:00 UTC (summer time, UTC+2).
        ("Steward training", "2027-06-01T16:00:00Z", "2027-06-01T18:00:00Z"),
    ],
)
def test_times_are_the_right_instant_in_utc(client, committee, lead, world, title, start, end):
    event = by_title(api(client, a_token(committee, lead), "events").json())[title]

    assert (event["start_date"], event["end_date"]) == (start, end)


def test_a_cancelled_private_event_says_so_and_has_no_public_page(client, committee, lead, world):
    event = by_title(api(client, a_token(committee, lead), "events").json())["General meeting"]

    assert event["status"] == "cancelled"
    assert event["visibility"] == "private"
    assert "browser_url" not in event and "capacity" not in event and "location" not in event


def test_a_campaign_token_sees_its_campaigns_and_the_committee_wide_events(
    client, committee, lead, world
):
    token = a_token(committee, lead, campaigns=[world["oak"]])

    page = api(client, token, "events").json()
    harbor = api(client, token, f"events/{world['picket'].public_id}")
    harbor_rsvps = api(client, token, f"events/{world['picket'].public_id}/attendances")

    assert set(by_title(page)) == {"Steward training", "General meeting"}
    assert harbor.status_code == 404 and harbor.json() == {"error": "Not found."}
    assert harbor_rsvps.status_code == 404


@pytest.mark.parametrize("event_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_event_is_not_found(client, committee, lead, world, event_id):
    response = api(client, a_token(committee, lead), f"events/{event_id}")

    assert response.status_code == 404


def test_a_client_pages_through_events_and_filters_by_start(client, committee, lead, world):
    token = a_token(committee, lead)

    first = api(client, token, "events", per_page=2).json()
    past = api(client, token, "events", per_page=2, page=3).json()
    coming = api(client, token, "events", filter="start_date gt '2027-01-20'").json()

    assert first["_links"]["next"]["href"] == f"{BASE}/events?page=2&per_page=2"
    assert len(first["_embedded"]["osdi:events"]) == 2
    assert past["_embedded"]["osdi:events"] == []
    assert set(by_title(coming)) == {"Steward training", "General meeting"}


def test_rsvps_are_attendances_with_action_networks_statuses(client, committee, lead, world):
    picket = world["picket"]
    token = a_token(committee, lead)

    page = api(client, token, f"events/{picket.public_id}/attendances").json()

    assert page["total_records"] == 3
    assert page["_links"]["self"]["href"] == f"{BASE}/events/{picket.public_id}/attendances"
    people = {str(p.public_id): name for name, p in world["people"].items()}
    seen = {
        people[a["_links"]["osdi:person"]["href"].rsplit("/", 1)[1]]: (a["status"], a["attended"])
        for a in page["_embedded"]["osdi:attendances"]
    }
    assert seen == {
        "Ana": ("accepted", True),
        "Ben": ("tentative", False),
        "Cruz": ("declined", False),
    }
    ana, documented = page["_embedded"]["osdi:attendances"][0], fixture("attendance.json")
    # The documented example's fields and links that we hold (no comment, referrer, inviter)
    assert set(ana) == set(documented) - {"origin_system", "action_date", "comment"}
    assert set(ana["_links"]) == set(documented["_links"]) - {"osdi:invited_by"}
    assert ana["_links"]["osdi:event"]["href"] == f"{BASE}/events/{picket.public_id}"
    assert ana["identifiers"][0] == "majority:" + ana["_links"]["self"]["href"].rsplit("/", 1)[1]
    assert get(client, token, ana["_links"]["self"]["href"]).json() == ana


def test_an_invitation_not_answered_needs_action_and_others_people_are_left_out(
    client, committee, lead, world
):
    token = a_token(committee, lead, campaigns=[world["oak"]])

    page = api(client, token, f"events/{world['meeting'].public_id}/attendances").json()

    [dee] = page["_embedded"]["osdi:attendances"]
    assert dee["status"] == "needs action" and dee["attended"] is False
    assert dee["_links"]["osdi:person"]["href"].endswith(str(world["people"]["Dee"].public_id))


def test_a_persons_attendances_link_lists_their_rsvps(client, committee, lead, world):
    token = a_token(committee, lead)
    person = api(client, token, f"people/{world['people']['Ana'].public_id}").json()

    page = get(client, token, person["_links"]["osdi:attendances"]["href"]).json()
    oak_token = a_token(committee, lead, campaigns=[world["oak"]])
    outside = api(client, oak_token, f"people/{world['people']['Ana'].public_id}/attendances")

    events = {a["_links"]["osdi:event"]["href"] for a in page["_embedded"]["osdi:attendances"]}
    assert events == {
        f"{BASE}/events/{world['picket'].public_id}",
        f"{BASE}/events/{world['meeting'].public_id}",
    }
    assert outside.status_code == 404


# The record attendance helper: POST /api/v2/events/{id}/attendances


def a_writer(committee, lead, campaigns=()) -> str:
    return token_create(
        committee=committee, name="Form", access="write", extras=[], campaigns=campaigns, by=lead
    )[1]


def post(client, token: str, path: str, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(
        f"/api/v2/{path}",
        data,
        content_type="application/json",
        headers={"OSDI-API-Token": token},
    )


def by_email(address: str) -> dict:
    return {"person": {"email_addresses": [{"address": address}]}}


def test_a_write_token_records_an_rsvp_and_a_second_call_changes_it(client, committee, lead, world):
    ben = world["people"]["Ben"]
    PersonEmail.objects.create(person=ben, email="ben@example.org")
    token = a_writer(committee, lead)
    path = f"events/{world['training'].public_id}/attendances"

    first = post(client, token, path, by_email("BEN@example.org"))
    second = post(client, token, path, {**by_email("ben@example.org"), "status": "declined"})

    assert first.status_code == 200 and first.json()["status"] == "accepted"
    assert second.json()["status"] == "declined"
    assert second.json()["identifiers"] == first.json()["identifiers"]
    rsvp = Rsvp.objects.get(action=world["training"], person=ben)
    assert rsvp.response == Rsvp.Response.NO
    assert rsvp.get_source_display() == "From another tool"
    assert AuditEvent.objects.filter(detail__action="write").count() == 2


def test_the_person_may_be_named_by_link_or_found_by_phone(client, committee, lead, world):
    ana, cruz = world["people"]["Ana"], world["people"]["Cruz"]
    PersonPhone.objects.create(person=cruz, number="+12024561111")
    token = a_writer(committee, lead)
    path = f"events/{world['training'].public_id}/attendances"

    linked = post(
        client,
        token,
        path,
        {
            "_links": {"osdi:person": {"href": f"{BASE}/people/{ana.public_id}"}},
            "status": "tentative",
        },
    )
    phoned = post(client, token, path, {"person": {"phone_numbers": [{"number": "12024561111"}]}})

    assert linked.status_code == 200 and phoned.status_code == 200
    answers = Rsvp.objects.filter(action=world["training"]).values_list("person", "response")
    assert set(answers) == {(ana.pk, "maybe"), (cruz.pk, "yes")}


def test_answers_are_recorded_on_the_event_not_on_the_person(client, committee, lead, world):
    token = a_writer(committee, lead)
    path = f"people/{world['people']['Ana'].public_id}/attendances"

    response = post(client, token, path, {"status": "declined"})

    assert response.status_code == 405
    assert "error" in response.json()


def test_a_read_only_token_may_not_record(client, committee, lead, world):
    response = post(
        client,
        a_token(committee, lead),
        f"events/{world['training'].public_id}/attendances",
        {"_links": {"osdi:person": {"href": f"{BASE}/people/{world['people']['Ana'].public_id}"}}},
    )

    assert response.status_code == 403
    assert response.json() == {"error": "This API token may only read."}
    assert not Rsvp.objects.filter(action=world["training"]).exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("{not json", "The request body is not valid JSON."),
        ("[1, 2]", "The request body is not valid JSON."),
        ({"person": {"given_name": "Ana"}}, "Say who is coming"),
        ({**by_email("ana@example.org"), "status": "going"}, "The status must be"),
    ],
)
def test_a_body_it_cannot_use_is_a_400_saying_why(client, committee, lead, world, body, error):
    PersonEmail.objects.create(person=world["people"]["Ana"], email="ana@example.org")

    response = post(
        client, a_writer(committee, lead), f"events/{world['training'].public_id}/attendances", body
    )

    assert response.status_code == 400
    assert response.json()["error"].startswith(error)
    assert not Rsvp.objects.filter(action=world["training"]).exists()


def test_someone_outside_the_tokens_scope_is_not_found(client, committee, lead, world):
    ana = world["people"]["Ana"]
    PersonEmail.objects.create(person=ana, email="ana@example.org")
    token = a_writer(committee, lead, campaigns=[world["oak"]])
    path = f"events/{world['training'].public_id}/attendances"

    by_mail = post(client, token, path, by_email("ana@example.org"))
    by_link = post(
        client, token, path, {"_links": {"osdi:person": {"href": f"{BASE}/people/{ana.public_id}"}}}
    )
    nobody = post(client, token, path, by_email("nobody@example.org"))

    assert (by_mail.status_code, by_link.status_code, nobody.status_code) == (404, 404, 404)
    assert not Rsvp.objects.filter(action=world["training"]).exists()


def test_a_cancelled_event_takes_no_answers(client, committee, lead, world):
    ana = world["people"]["Ana"]
    path = f"events/{world['meeting'].public_id}/attendances"

    response = post(
        client,
        a_writer(committee, lead),
        path,
        {
            "_links": {"osdi:person": {"href": f"{BASE}/people/{ana.public_id}"}},
            "status": "declined",
        },
    )

    assert response.status_code == 400 and response.json()["error"]
    assert Rsvp.objects.get(action=world["meeting"], person=ana).response == Rsvp.Response.YES
