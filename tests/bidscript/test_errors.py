import logging

import pytest

from accounts.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.bidscript.urls_errors")]


def test_a_duplicate_insert_through_the_api_is_a_409_that_says_it_already_exists(api_client):
    api_client.post("/test-api/users/", {"email": "ann@example.com"}, format="json")

    response = api_client.post("/test-api/users/", {"email": "ANN@example.com"}, format="json")

    assert response.status_code == 409
    assert response.json() == {
        "message": "A user with these details already exists.",
        "code": "conflict",
    }


@pytest.mark.django_db(transaction=True)
def test_a_bad_foreign_key_through_the_api_is_a_400_invalid_reference_and_saves_nothing(
    api_client,
):
    response = api_client.post("/test-api/memberships/")

    assert response.status_code == 400
    assert response.json() == {
        "message": "Invalid reference: a related object does not exist.",
        "code": "invalid_reference",
    }
    assert not User.objects.filter(email="member@example.com").exists()


def test_a_missing_object_through_the_api_is_a_404(api_client):
    response = api_client.get("/test-api/groups/missing/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_invalid_input_through_the_api_is_a_400_with_field_errors(api_client):
    response = api_client.post("/test-api/validate/", {"email": "not-an-email"}, format="json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["errors"] == {"email": ["Enter a valid email address."]}


def test_an_unexpected_api_error_is_a_500_that_logs_but_does_not_leak_the_detail(
    api_client, caplog
):
    with caplog.at_level(logging.ERROR, logger="bidscript.errors"):
        response = api_client.get("/test-api/explode/")

    assert response.status_code == 500
    assert response.json()["code"] == "server_error"
    assert "secret" not in response.content.decode()
    assert "secret internal detail" in caplog.text


def test_a_missing_page_is_a_styled_404(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b'class="site-header"' in response.content


def test_a_duplicate_insert_from_a_page_is_a_styled_409(client):
    client.get("/test-pages/users/")

    response = client.get("/test-pages/users/")

    assert response.status_code == 409
    assert b"A user with these details already exists." in response.content
    assert b'class="site-header"' in response.content


def test_an_unexpected_page_error_is_a_styled_500_without_the_detail(client):
    client.raise_request_exception = False

    response = client.get("/test-pages/explode/")

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"secret" not in response.content
