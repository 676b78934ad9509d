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
