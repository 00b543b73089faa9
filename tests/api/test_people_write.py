"""Writing people through the API as Action Network's clients do: the person signup helper
(POST /api/v2/people) matches by email, then phone, among the token's people only, keeps
what was not sent, and never reveals or changes someone the token may not see; PUT changes
one person. Bad input is a 4xx with OSDI's error body, and nothing is half-written."""

import json

import pytest
from hypothesis import given
from hypothesis import settings as examples
from hypothesis import strategies as st

from campaigns.api.tokens import token_create
from campaigns.models import PossibleDuplicate, RosterEntry
from members.models import AuditEvent, Person, PersonEmail, PersonPhone
from tests import factories

pytestmark = pytest.mark.django_db

SIGNUP = {
    "person": {
        "given_name": "Ana",
        "family_name": "Diaz",
        "email_addresses": [{"address": "ana@example.org", "status": "subscribed"}],
        "phone_numbers": [{"number": "12025550143", "status": "subscribed"}],
        "postal_addresses": [{"postal_code": "20009"}],
        "languages_spoken": ["es"],
        "custom_fields": {},
    },
    "add_tags": ["Night shift", "Volunteer"],
}


def a_token(committee, lead, *, access="write", campaigns=()) -> str:
    return token_create(
        committee=committee, name="Sync", access=access, extras=[], campaigns=campaigns, by=lead
    )[1]


def post(client, token, body, path="/api/v2/people", content_type="application/json"):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post(path, data, content_type=content_type, headers={"OSDI-API-Token": token})


def test_the_signup_helper_adds_someone_new_with_their_tags(client, committee, lead):
    response = post(client, a_token(committee, lead), SIGNUP)

    assert response.status_code == 200
    person = Person.objects.get(given_name="Ana")
    assert response.json()["identifiers"] == [f"majority:{person.public_id}"]
    assert list(person.emails.values_list("email", flat=True)) == ["ana@example.org"]
    assert list(person.phones.values_list("number", flat=True)) == ["+12025550143"]
    assert sorted(person.tags.values_list("name", flat=True)) == ["Night shift", "Volunteer"]
    assert (person.email_ok, person.sms_ok) == (True, True)
    assert AuditEvent.objects.get(kind=AuditEvent.Kind.API).detail["action"] == "write"


def test_sending_the_same_person_again_updates_them_and_keeps_what_was_not_sent(
    client, committee, lead
):
    token = a_token(committee, lead)
    post(client, token, SIGNUP)
    again = {
        "person": {"given_name": "Anabel", "email_addresses": [{"address": "ANA@example.org"}]},
        "add_tags": ["Steward"],
        "remove_tags": ["volunteer"],
    }

    response = post(client, token, again)

    assert response.status_code == 200
    person = Person.objects.get()
    assert (person.given_name, person.family_name) == ("Anabel", "Diaz")
    assert sorted(person.tags.values_list("name", flat=True)) == ["Night shift", "Steward"]


def test_a_match_by_phone_when_no_email_matches(client, committee, lead):
    token = a_token(committee, lead)
    post(client, token, SIGNUP)
    by_phone = {"person": {"family_name": "Díaz", "phone_numbers": [{"number": "+12025550143"}]}}

    post(client, token, by_phone)

    assert Person.objects.get().family_name == "Díaz"


def test_someone_outside_a_campaign_tokens_scope_is_not_matched_nor_revealed(
    client, committee, campaign, lead
):
    other = factories.campaign(committee=committee, code_name="Oak")
    known = factories.person(committee=committee, given_name="Known", family_name="Elsewhere")
    PersonEmail.objects.create(person=known, email="ana@example.org")
    factories.on_roster(campaign=other, person=known)

    response = post(client, a_token(committee, lead, campaigns=[campaign]), SIGNUP)

    made = Person.objects.get(given_name="Ana")
    assert response.json()["identifiers"] == [f"majority:{made.public_id}"]
    assert "Elsewhere" not in response.content.decode()
    known.refresh_from_db()
    assert (known.given_name, known.tags.count()) == ("Known", 0)
    assert RosterEntry.objects.filter(campaign=campaign, person=made).exists()
    assert PossibleDuplicate.objects.get().existing == known


def test_an_unsubscribe_is_kept_and_a_sync_cannot_resubscribe(client, committee, lead):
    token = a_token(committee, lead)
    post(client, token, SIGNUP)
    unsubscribed = {
        "person": {"email_addresses": [{"address": "ana@example.org", "status": "unsubscribed"}]}
    }
    post(client, token, unsubscribed)
    post(client, token, SIGNUP)  # "subscribed" again, from another system

    person = Person.objects.get()
    assert person.email_ok is False
    assert (
        AuditEvent.objects.filter(kind=AuditEvent.Kind.CONSENT, subject_id=person.pk).count() == 1
    )


def test_put_changes_one_person_and_keeps_the_rest(client, committee, lead):
    token = a_token(committee, lead)
    post(client, token, SIGNUP)
    person = Person.objects.get()

    response = client.put(
        f"/api/v2/people/{person.public_id}",
        json.dumps({"family_name": "Diaz-Ruiz", "custom_fields": {"x": 1}}),
        content_type="application/json",
        headers={"OSDI-API-Token": token},
    )

    assert response.status_code == 200 and response.json()["family_name"] == "Diaz-Ruiz"
    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("Ana", "Diaz-Ruiz")


def test_a_read_only_token_may_not_write(client, committee, lead):
    response = post(client, a_token(committee, lead, access="read"), SIGNUP)

    assert response.status_code == 403
    assert response.json() == {"error": "This API token may only read."}
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("{not json", "application/json", 400),
        (json.dumps(SIGNUP), "text/plain", 415),
        ({"person": {"given_name": "Nobody"}}, "application/json", 400),
        (
            {"person": {"email_addresses": [{"address": f"a{i}@x.org"} for i in range(1000)]}},
            "application/json",
            400,
        ),
        ({"person": {"email_addresses": [{"address": "not an address"}]}}, "application/json", 400),
        ({"person": {"phone_numbers": [{"number": "12"}]}}, "application/json", 400),
        ("x" * 2_000_001, "application/json", 413),
        ([1, 2], "application/json", 400),
    ],
    ids=[
        "malformed",
        "content type",
        "no email or phone",
        "1,000 emails",
        "bad email",
        "bad phone",
        "2 MB",
        "not an object",
    ],
)
def test_bad_input_is_a_4xx_in_osdis_words_and_writes_nothing(
    client, committee, lead, body, content_type, status
):
    response = post(client, a_token(committee, lead), body, content_type=content_type)

    assert response.status_code == status
    assert response.json()["error"]
    assert not Person.objects.exists() and not PersonPhone.objects.exists()


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
PERSONISH = st.fixed_dictionaries(
    {},
    optional={
        "person": st.fixed_dictionaries(
            {},
            optional={
                "given_name": JSON,
                "email_addresses": st.lists(
                    st.fixed_dictionaries(
                        {"address": JSON}, optional={"status": JSON, "primary": JSON}
                    ),
                    max_size=3,
                ),
                "phone_numbers": st.lists(st.fixed_dictionaries({"number": JSON}), max_size=3),
            },
        ),
        "add_tags": JSON,
        "remove_tags": JSON,
    },
)


def test_no_body_breaks_the_signup_helper(client, settings, committee, lead):
    settings.API_RATE = "100000/min"  # every example read, none turned away by the limit
    token = a_token(committee, lead)

    @examples(max_examples=60, deadline=None)
    @given(st.one_of(PERSONISH, JSON))
    def send_anything(body) -> None:
        response = post(client, token, body)
        assert response.status_code < 500, body
        assert response.status_code != 429
        assert "error" in response.json() or response.status_code == 200

    send_anything()


def test_the_same_person_sent_again_leaves_their_modified_date(client, committee, lead):
    token = a_token(committee, lead)
    post(client, token, SIGNUP)
    first = Person.objects.get().updated_at

    post(client, token, SIGNUP)

    assert Person.objects.get().updated_at == first


def test_the_language_spoken_is_kept_when_the_app_speaks_it(client, committee, lead):
    token = a_token(committee, lead)
    post(client, token, SIGNUP)  # languages_spoken: ["es"]
    shown = post(client, token, {"person": {**SIGNUP["person"], "languages_spoken": ["tl"]}})

    assert Person.objects.get().preferred_language == "es"
    assert shown.json()["languages_spoken"] == ["es"]
