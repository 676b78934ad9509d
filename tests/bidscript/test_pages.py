import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_landing_page_says_what_bidscript_does(client):
    response = client.get(reverse("home"))

    assert response.status_code == 200
    content = response.content.decode()
    assert "Answer tenders faster, without inventing anything." in content
    assert "with a citation for every claim" in content
    assert reverse("api:docs") in content


def test_pages_carry_a_content_security_policy(client):
    response = client.get(reverse("home"))

    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy


def test_the_api_root_links_the_schema_docs_and_health(api_client):
    response = api_client.get("/api/v1/")

    assert response.status_code == 200
    assert response.json() == {
        "version": "v1",
        "schema": "http://testserver/api/v1/schema/",
        "docs": "http://testserver/api/v1/docs/",
        "health": "http://testserver/health",
    }


def test_an_unknown_api_address_is_a_json_404(api_client):
    response = api_client.get("/api/v1/no-such-endpoint/")

    assert response.status_code == 404
    assert response.json() == {"message": "Not found.", "code": "not_found"}


def test_the_openapi_schema_and_interactive_docs_are_served(api_client):
    schema = api_client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    docs = api_client.get("/api/v1/docs/")

    assert schema.status_code == 200
    assert schema.json()["info"]["title"] == "BidScript API"
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def test_the_admin_asks_staff_to_sign_in(client):
    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_openapi_schema_is_valid_and_documents_every_api_route(tmp_path):
    from django.core.management import call_command

    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml")
    )

    schema = (tmp_path / "schema.yml").read_text()
    for route in (
        "/api/v1/me/",
        "/api/v1/members/",
        "/api/v1/invitations/",
        "/api/v1/tokens/",
        "/api/v1/activity/",
    ):
        assert f"  {route}:" in schema
