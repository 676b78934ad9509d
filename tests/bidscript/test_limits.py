"""Requests too large to serve get a 4xx that says why: JSON for the API, a page for people."""

import os
import socket
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.bidscript.test_serve import free_port
from tests.bidscript.test_serve import wait_until_serving
from tests.conftest import client_for
from tests.conftest import database_url
from tests.conftest import manage_command

pytestmark = pytest.mark.django_db

LONG_QUERY = "search=" + "a" * 1024 * 1024


def test_a_megabyte_query_string_on_the_api_is_a_414_with_a_json_message(api_client):
    response = api_client.get(f"/api/v1/documents/?{LONG_QUERY}")

    assert response.status_code == 414
    assert response.json()["code"] == "uri_too_long"
    assert "too long" in response.json()["message"]


def test_a_megabyte_query_string_on_a_page_is_a_414_page(client):
    response = client.get(f"/bids/?{LONG_QUERY}")

    assert response.status_code == 414
    assert response["Content-Type"].startswith("text/html")
    assert "The web address is too long" in response.content.decode()


def test_more_query_parameters_than_django_parses_is_a_414_not_a_500(owner):
    response = client_for(owner).get("/api/v1/documents/?" + "&".join(["a=1"] * 1001))

    assert response.status_code == 414


def test_oversized_headers_are_a_431(api_client):
    response = api_client.get("/api/v1/me/", HTTP_X_PADDING="p" * 20_000)

    assert response.status_code == 431
    assert response.json()["code"] == "headers_too_large"


def test_a_json_body_over_the_memory_limit_is_a_413_before_it_is_read(owner, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client_for(owner).post("/api/v1/projects/", {"name": "n" * 2000}, format="json")

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_an_upload_with_too_large_form_fields_is_a_413_not_a_500(owner, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = client_for(owner).post(
        "/api/v1/documents/",
        {"files": [SimpleUploadedFile("a.txt", b"text")], "metadata": "m" * 5000},
        format="multipart",
    )

    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_an_upload_larger_than_every_file_allowed_is_a_413_before_it_is_read(owner, settings):
    settings.UPLOAD_MAX_REQUEST_BYTES = 10_000

    response = client_for(owner).post(
        "/api/v1/documents/",
        {"files": [SimpleUploadedFile("big.txt", b"x" * 20_000)]},
        format="multipart",
    )

    assert response.status_code == 413


# ------------------------------------------------------------------ Through the real server


@pytest.fixture
def web():
    """``manage.py serve`` (uvicorn) in its own process, as ``make run`` starts it."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "DB_POOL": "false"}
    process = subprocess.Popen(
        manage_command("serve", "--addrport", f"127.0.0.1:{port}"), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    wait_until_serving(port)
    yield port
    os.killpg(process.pid, 15)
    process.wait(timeout=20)


def raw_request(port: int, head: bytes) -> tuple[int, bytes]:
    """Send a request as a browser would (all of it), then read the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(head)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


@pytest.mark.django_db(transaction=True)
def test_the_server_answers_oversized_requests_instead_of_resetting_the_connection(web):
    a_megabyte = b"a" * 1024 * 1024
    cases = {
        b"GET /api/v1/documents/?search="
        + a_megabyte
        + b" HTTP/1.1\r\nHost: localhost\r\n\r\n": 414,
        b"GET /bids/?search=" + a_megabyte + b" HTTP/1.1\r\nHost: localhost\r\n\r\n": 414,
        b"GET /api/v1/me/ HTTP/1.1\r\nHost: localhost\r\nX-Padding: "
        + a_megabyte
        + b"\r\n\r\n": 431,
        b"GET /api/v1/documents/?search="
        + b"a" * 20_000
        + b" HTTP/1.1\r\nHost: localhost\r\n\r\n": 414,
    }

    for head, expected in cases.items():
        status, body = raw_request(web, head)

        assert status == expected, head[:60]
        assert b"too long" in body or b"too large" in body
    assert raw_request(web, b"GET /api/v1/ HTTP/1.1\r\nHost: localhost\r\n\r\n")[0] == 200
