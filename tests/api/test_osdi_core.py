"""The OSDI core answers in the shapes Action Network's clients already read.

A sync script pages through a collection by following `next` until a page is empty, keeps its
`per_page` and `filter` on the way, and finds each item by its `self` link; these tests hold our
collections to Action Network's documented examples (tests/api/fixtures/) and check the filter
parser never fails with anything but an error the client can be shown.
"""

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campaigns.api import osdi

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = "https://majority.example.org/api/v2"
PEOPLE = osdi.FILTER_FIELDS["people"]


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def person(n: int) -> dict:
    public_id = uuid.UUID(int=n)
    return {
        "identifiers": [osdi.identifier(public_id)],
        "given_name": f"Person {n}",
        "_links": {"self": {"href": osdi.self_link(ROOT, "people", public_id)}},
    }


def page_of_people(*, page: int, total: int, per_page: int = 25, query: dict | None = None):
    first = (page - 1) * per_page
    items = [person(n) for n in range(first, min(first + per_page, total))]
    return osdi.collection(
        kind="people",
        items=items,
        page=page,
        per_page=per_page,
        total=total,
        base_url=ROOT,
        query=query or {},
    )


def all_hrefs(body: dict) -> list[str]:
    links = body["_links"]
    hrefs = [links[rel]["href"] for rel in ("self", "next", "prev") if rel in links]
    return hrefs + [link["href"] for link in links["osdi:people"]]


# --- The collection's shape ------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["forms", "events"])
def test_it_has_the_top_level_keys_of_action_networks_collections(kind):
    documented = fixture(f"{kind}_collection.json")
    item = {"_links": {"self": {"href": osdi.self_link(ROOT, kind, uuid.uuid4())}}}

    body = osdi.collection(
        kind=kind, items=[item], page=1, per_page=25, total=30, base_url=ROOT, query={}
    )

    assert body.keys() == documented.keys()
    assert body["_links"].keys() == documented["_links"].keys()
    assert body["_links"]["curies"] == documented["_links"]["curies"]


def test_it_links_and_embeds_each_item_as_the_documented_example_does():
    documented = fixture("forms_collection.json")
    body = page_of_people(page=1, total=2)

    item = body["_embedded"]["osdi:people"][0]
    assert body["_links"]["osdi:people"][0] == {"href": item["_links"]["self"]["href"]}
    assert documented["_links"]["osdi:forms"][0].keys() == body["_links"]["osdi:people"][0].keys()
    assert [p["given_name"] for p in body["_embedded"]["osdi:people"]] == ["Person 0", "Person 1"]


def test_a_person_is_linked_as_in_the_osdi_people_example():
    documented = fixture("people_collection.json")
    body = page_of_people(page=1, total=1)

    documented_item = documented["_embedded"]["osdi:people"][0]
    item = body["_embedded"]["osdi:people"][0]
    assert item["_links"]["self"].keys() == documented_item["_links"]["self"].keys()
    assert body["_links"]["osdi:people"] == [{"href": item["_links"]["self"]["href"]}]
    assert item["identifiers"][0].startswith("majority:")


def test_it_counts_records_and_pages():
    body = page_of_people(page=2, total=51, per_page=25)

    assert (body["total_records"], body["total_pages"], body["page"], body["per_page"]) == (
        51,
        3,
        2,
        25,
    )


def test_an_empty_collection_still_embeds_an_empty_list():
    body = page_of_people(page=1, total=0)

    assert body["_embedded"] == {"osdi:people": []}
    assert body["_links"]["osdi:people"] == []
    assert "next" not in body["_links"] and "prev" not in body["_links"]
    assert body["total_records"] == 0


def test_a_page_past_the_last_is_an_empty_page_without_next():
    body = page_of_people(page=9, total=30)

    assert body["_embedded"]["osdi:people"] == []
    assert "next" not in body["_links"]
    assert body["_links"]["prev"]["href"] == f"{ROOT}/people?page=8"


def test_the_first_page_links_next_but_not_prev_and_the_last_the_other_way():
    first, last = page_of_people(page=1, total=30), page_of_people(page=2, total=30)

    assert first["_links"]["next"]["href"] == f"{ROOT}/people?page=2"
    assert "prev" not in first["_links"]
    assert first["_links"]["self"]["href"] == f"{ROOT}/people"
    assert last["_links"]["prev"]["href"] == f"{ROOT}/people?page=1"
    assert "next" not in last["_links"]
    assert last["_links"]["self"]["href"] == f"{ROOT}/people?page=2"


def test_next_and_prev_keep_per_page_and_filter():
    query = {"page": "2", "per_page": "10", "filter": "modified_date gt '2024-01-31'"}

    body = page_of_people(page=2, total=35, per_page=10, query=query)

    for rel, page in (("next", "3"), ("prev", "1"), ("self", "2")):
        href = body["_links"][rel]["href"]
        assert urlsplit(href).path == "/api/v2/people"
        assert parse_qs(urlsplit(href).query) == {
            "page": [page],
            "per_page": ["10"],
            "filter": ["modified_date gt '2024-01-31'"],
        }
    assert " " not in body["_links"]["next"]["href"]


def test_every_link_is_absolute_without_a_trailing_slash_even_from_a_root_with_one():
    body = osdi.collection(
        kind="people",
        items=[person(1)],
        page=2,
        per_page=1,
        total=3,
        base_url=ROOT + "/",
        query={"per_page": "1"},
    )

    for href in all_hrefs(body):
        assert href.startswith("https://majority.example.org/api/v2/people")
        assert not urlsplit(href).path.endswith("/")


def test_a_nested_collection_lives_under_its_path():
    tag = uuid.uuid4()
    body = osdi.collection(
        kind="taggings",
        items=[],
        page=1,
        per_page=25,
        total=0,
        base_url=ROOT,
        query={},
        path=f"tags/{tag}/taggings",
    )

    assert body["_links"]["self"]["href"] == f"{ROOT}/tags/{tag}/taggings"
    assert body["_embedded"] == {"osdi:taggings": []}


def test_a_relative_base_url_is_a_programming_error():
    with pytest.raises(ValueError):
        osdi.self_link("/api/v2", "people", uuid.uuid4())


# --- Paging parameters -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, (1, 25)),
        ({"page": "3"}, (3, 25)),
        ({"page": "", "per_page": ""}, (1, 25)),
        ({"per_page": "10"}, (1, 10)),
        ({"per_page": "26"}, (1, 25)),
        ({"per_page": "1000"}, (1, 25)),
        ({"per_page": "9" * 5000}, (1, 25)),
        ({"page": "007"}, (7, 25)),
    ],
)
def test_page_params_default_to_the_first_page_of_25_and_never_more(query, expected):
    assert osdi.page_params(query) == expected


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "2e3", "²", "٣", "9" * 5000, "1 0"])
def test_a_page_that_is_not_a_positive_whole_number_is_a_400_with_a_message(page):
    with pytest.raises(osdi.OsdiError) as raised:
        osdi.page_params({"page": page})

    assert raised.value.status == 400
    assert raised.value.body() == {"error": "The page must be a whole number from 1 to 1000000."}


@pytest.mark.parametrize("per_page", ["0", "-5", "ten"])
def test_a_per_page_that_is_not_a_positive_whole_number_is_a_400(per_page):
    with pytest.raises(osdi.OsdiError) as raised:
        osdi.page_params({"per_page": per_page})

    assert raised.value.status == 400
    assert "per_page" in raised.value.body()["error"]


@settings(max_examples=100)
@given(page=st.text(max_size=20), per_page=st.text(max_size=20))
def test_any_page_params_give_a_page_of_at_most_25_or_a_400(page, per_page):
    try:
        got_page, got_per_page = osdi.page_params({"page": page, "per_page": per_page})
    except osdi.OsdiError as error:
        assert error.status == 400
    else:
        assert got_page >= 1 and 1 <= got_per_page <= osdi.MAX_PER_PAGE


# --- Identifiers and links -------------------------------------------------------------------


def test_an_identifier_names_our_system_and_the_public_id():
    public_id = uuid.uuid4()

    assert osdi.identifier(public_id) == f"majority:{public_id}"
    assert osdi.identifier(str(public_id).upper()) == f"majority:{public_id}"
    assert osdi.parse_identifier(osdi.identifier(public_id)) == public_id


@pytest.mark.parametrize(
    "value",
    [
        "action_network:d91b4b2e-ae0e-4cd3-9ed7-d0ec501b0bc3",
        "majority:d91b4b2e",
        "majority:{d91b4b2e-ae0e-4cd3-9ed7-d0ec501b0bc3}",
        "d91b4b2e-ae0e-4cd3-9ed7-d0ec501b0bc3",
        "majority:d91b4b2e-ae0e-4cd3-9ed7-d0ec501b0bc3\n",
        "",
        None,
        42,
    ],
)
def test_anything_but_our_identifier_parses_to_none(value):
    assert osdi.parse_identifier(value) is None


def test_a_self_link_is_the_resource_url_with_the_bare_uuid():
    public_id = uuid.uuid4()

    assert osdi.self_link(ROOT + "/", "people", public_id) == f"{ROOT}/people/{public_id}"


# --- Errors ----------------------------------------------------------------------------------


def test_errors_have_action_networks_body():
    assert osdi.not_found().body().keys() == fixture("error.json").keys()
    assert osdi.not_found().status == 404
    assert osdi.malformed_json().status == 400


def test_too_many_requests_says_when_to_come_back():
    error = osdi.too_many_requests(30)

    assert error.status == 429
    assert error.headers == {"Retry-After": "30"}
    assert "30" in error.body()["error"]


# --- Filters ---------------------------------------------------------------------------------


def test_it_reads_action_networks_modified_date_example():
    assert osdi.parse_filter("modified_date gt '2014-03-25'", fields=PEOPLE) == [
        osdi.Condition("modified_date", "gt", datetime(2014, 3, 25, tzinfo=UTC))
    ]


def test_it_reads_an_email_address_and_an_escaped_quote():
    assert osdi.parse_filter("email_address eq 'o''brien@example.org'", fields=PEOPLE) == [
        osdi.Condition("email_address", "eq", "o'brien@example.org")
    ]


def test_a_window_of_dates_joins_with_and():
    conditions = osdi.parse_filter(
        "modified_date gt '2024-01-01T08:00:00-05:00' AND modified_date lt '2024-02-01T00:00:00Z'",
        fields=PEOPLE,
    )

    assert [(c.op, c.value) for c in conditions] == [
        ("gt", datetime(2024, 1, 1, 13, tzinfo=UTC)),
        ("lt", datetime(2024, 2, 1, tzinfo=UTC)),
    ]


def test_a_blank_filter_filters_nothing():
    assert osdi.parse_filter("   ", fields=PEOPLE) == []


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("given_name eq 'Ana'", "cannot be filtered on given_name"),
        ("email_address gt 'a@example.org'", "only be compared with eq"),
        ("modified_date eq '2024-01-01'", "only be compared with gt or lt"),
        ("modified_date gt 'yesterday'", "is not a date"),
        ("email_address eq 'a@x.org' or email_address eq 'b@x.org'", "not or"),
        ("modified_date gt 2024-01-01", "could not be read"),
        ("modified_date gt '2024-01-01", "could not be read"),
        ("modified_date ge '2024-01-01'", "could not be read"),
        ("(modified_date gt '2024-01-01')", "could not be read"),
        ("email_address eq 'a\x00@example.org'", "could not be read"),
        ("modified_date gt '2024-01-01' and", "could not be read"),
        ("x" * 501, "too long"),
    ],
)
def test_a_filter_we_do_not_support_is_a_400_that_says_why(text, says):
    with pytest.raises(osdi.FilterError) as raised:
        osdi.parse_filter(text, fields=PEOPLE)

    assert raised.value.status == 400
    assert says in raised.value.body()["error"]


@settings(max_examples=100)
@given(text=st.text(max_size=200))
def test_any_text_either_parses_or_raises_a_filter_error(text):
    try:
        conditions = osdi.parse_filter(text, fields=PEOPLE)
    except osdi.FilterError as error:
        assert error.body()["error"]
    else:
        assert all(condition.field in PEOPLE for condition in conditions)


@settings(max_examples=100)
@given(
    field=st.sampled_from(sorted(PEOPLE)),
    op=st.sampled_from(["eq", "gt", "lt", "ge", "ne"]),
    value=st.text(max_size=40),
)
def test_any_condition_shaped_text_either_parses_or_raises_a_filter_error(field, op, value):
    escaped = value.replace("'", "''")
    text = f"{field} {op} '{escaped}'"
    try:
        conditions = osdi.parse_filter(text, fields=PEOPLE)
    except osdi.FilterError:
        return
    [condition] = conditions
    assert (condition.field, condition.op) == (field, op)
    if field in osdi.DATE_FIELDS:
        assert isinstance(condition.value, datetime) and condition.value.tzinfo is not None
    else:
        assert condition.value == value
