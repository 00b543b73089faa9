"""The API describes itself: an OpenAPI document generated from the views, public."""

import pytest
import yaml

pytestmark = pytest.mark.django_db


def test_the_openapi_description_lists_the_api_s_paths(client):
    response = client.get("/api/v2/schema")

    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["info"]["title"] == "Majority OSDI API"
    assert {"/api/v2/people", "/api/v2/people/{person_id}"} <= set(schema["paths"])
    assert "put" in schema["paths"]["/api/v2/people/{person_id}"]
