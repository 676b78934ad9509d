import re
import uuid

import pytest

from accounts.services import token_create
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def schema_paths(client) -> list[str]:
    paths = client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    return [re.sub(r"\{[^}]+\}", str(uuid.uuid4()), path) for path in paths]


def test_every_api_route_answers_options_with_its_methods(api_client, owner, company):
    _, secret = token_create(user=owner, company=company, name="options")
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")

    for path in schema_paths(api_client):
        response = api_client.options(path)

        assert response.status_code == 200, (path, response.content)
        assert "OPTIONS" in response.json()["methods"]
        assert response.json()["schema"].endswith("/api/v1/schema/")


def test_options_on_the_bids_routes_lists_what_each_accepts(owner):
    response = client_for(owner).options("/api/v1/projects/")

    assert response.status_code == 200
    assert set(response.json()["methods"]) >= {"GET", "POST"}
    assert response.json()["parses"][0] == "application/json"


def test_json_input_of_the_wrong_type_is_refused_not_converted(owner):
    client = client_for(owner)

    named_by_number = client.post("/api/v1/projects/", {"name": 7}, format="json")
    valued_as_text = client.post(
        "/api/v1/projects/", {"name": "Courts", "value": "12.5"}, format="json"
    )

    assert named_by_number.status_code == 400
    assert named_by_number.json()["errors"] == {"name": ["Must be text."]}
    assert valued_as_text.json()["errors"] == {"value": ["Must be a number."]}


def test_an_empty_query_parameter_is_refused_not_ignored(owner, company):
    response = client_for(owner).get("/api/v1/activity/?until=")

    assert response.status_code == 400
    assert "until" in response.json()["errors"]


def test_input_is_json_only_except_the_upload(owner):
    response = client_for(owner).post("/api/v1/projects/", {"name": "Courts"}, format="multipart")

    assert response.status_code == 415


def test_an_error_raised_without_a_field_is_listed_under_non_field_errors(owner):
    response = client_for(owner).post("/api/v1/projects/", [1, 2], format="json")

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_the_schema_documents_each_error_an_operation_can_answer(api_client):
    schema = api_client.get("/api/v1/schema/", {"format": "json"}).json()
    upload = schema["paths"]["/api/v1/documents/"]["post"]["responses"]
    rename = schema["paths"]["/api/v1/conversations/{conversation_id}/"]["patch"]["responses"]
    ask = schema["paths"]["/api/v1/conversations/{conversation_id}/messages/"]["post"]["responses"]

    assert upload["400"]["content"]["application/json"]["schema"]["$ref"].endswith("/UploadRefused")
    assert set(rename) == {"200", "400", "401", "403", "404", "409", "413", "414", "415", "431"}
    assert "429" in ask
    assert set(schema["components"]["schemas"]["Error"]["required"]) == {"message", "code"}
