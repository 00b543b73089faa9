"""The API's documentation page, /api/v2/docs: public, drawn from the OpenAPI description the
views generate, so an endpoint added without a description is missing from it; in the
reader's language."""

import re

import pytest
from django.urls import get_resolver, reverse

from campaigns.api.docs import endpoints
from campaigns.api.urls import urlpatterns
from tests.test_translations import english_on

pytestmark = pytest.mark.django_db

PAGES = {"api_docs", "api_schema", "api_tokens", "api_token_revoke"}


def documented_path(name: str) -> str:
    """The route as the description names it: `/api/v2/people/{person_id}`, no trailing
    slash."""
    [(possibilities, *_rest)] = get_resolver().reverse_dict.getlist(name)[:1]
    template, params = possibilities[0]
    return "/" + template.rstrip("/") % {param: "{" + param + "}" for param in params}


def test_every_api_address_is_on_the_page(client):
    names = [p.name for p in urlpatterns if p.name.startswith("api_") and p.name not in PAGES]

    page = client.get("/api/v2/docs").content.decode()

    assert len(names) >= 13  # entry, people, tags, events and what hangs off them
    missing = [
        name for name in names if f'<code lang="en">{documented_path(name)}</code>' not in page
    ]
    assert missing == []


def test_each_operation_says_what_it_does_and_what_it_answers(client):
    page = client.get("/api/v2/docs").content.decode()
    signup = page[page.index('<code lang="en">/api/v2/people</code>') :]
    signup = signup[: signup.index("</section>")]

    assert "Add or update someone (the person signup helper)" in signup
    assert "matched by email, then by phone, among the token" in signup
    assert '<code lang="en">add_tags</code>' in signup
    assert '<code lang="en">per_page</code>' in signup and "25 at most" in signup
    assert re.search(r"<th scope=\"row\">404</th>\s*<td>Not found, or outside", page)


def test_no_operation_or_parameter_goes_undescribed():
    undescribed = [
        f"{operation.method} {endpoint.path} {what}"
        for endpoint in endpoints("en")
        for operation in endpoint.operations
        for what, text in [
            ("summary", operation.summary),
            *((parameter.name, parameter.text) for parameter in operation.parameters),
            *((answer.code, answer.text) for answer in operation.answers),
        ]
        if not text.strip()
    ]

    assert undescribed == []


def test_the_page_is_public_and_links_the_raw_description(client, settings):
    settings.API_RATE = "60/min"

    response = client.get("/api/v2/docs/")

    assert response.status_code == 200
    assert f'href="{reverse("api_schema")}?lang=en"' in response.content.decode()
    assert '<code lang="en">60/min</code> requests' in response.content.decode()
    assert client.post("/api/v2/docs").status_code == 405


def test_a_spanish_reader_gets_it_all_in_spanish(client):
    response = client.get("/api/v2/docs", headers={"accept-language": "es"})
    page = response.content.decode()

    assert response["Content-Language"] == "es"
    assert "Añadir o actualizar a alguien (el asistente de alta de personas)" in page
    assert "Add or update someone" not in page
    assert english_on(page) == []
    assert f'href="{reverse("api_schema")}?lang=es"' in page


def test_the_raw_description_speaks_the_language_asked_for(client):
    spanish = client.get("/api/v2/schema?lang=es").content.decode()

    assert "Añadir o actualizar a alguien" in spanish
    assert "Add or update someone" not in spanish


def test_the_api_tokens_page_links_to_it(client, committee, lead):
    client.force_login(lead)

    page = client.get(reverse("api_tokens", args=[committee.pk])).content.decode()

    assert f'href="{reverse("api_docs")}"' in page
