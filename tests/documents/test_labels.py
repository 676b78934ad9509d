"""An upload is labelled primary in a bid (its tender pack) and reference in the company library,
unless the uploader chooses otherwise; the upload form and the API agree."""

import re

import pytest

from documents.models import Document
from projects import services as projects
from tests.conftest import client_for
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def bid(company, owner):
    return projects.project_create(company=company, created_by=owner, name="Courts cleaning")


def selected_label(page: str) -> str:
    select = re.search(r'<select name="label".*?</select>', page, re.S)
    assert select, "no label choice on the page"
    chosen = re.search(r'<option value="(\w+)" selected>', select.group(0))
    assert chosen, "no label chosen"
    return chosen.group(1)


def test_the_upload_form_on_a_bid_starts_on_primary(bid, owner):
    page = client_for(owner).get(f"/bids/{bid.pk}/").content.decode()

    assert selected_label(page) == "primary"


def test_the_upload_form_in_the_library_starts_on_reference(owner):
    page = client_for(owner).get("/documents/").content.decode()

    assert selected_label(page) == "reference"


def post_files(client, *uploads, **fields):
    return client.post("/api/v1/documents/", {"files": list(uploads), **fields}, format="multipart")


def test_an_api_upload_into_a_bid_without_a_label_is_primary(bid, owner):
    response = post_files(client_for(owner), upload("itt.txt", b"tender"), project=str(bid.pk))

    assert response.status_code == 201
    assert response.json()["uploaded"][0]["label"] == "primary"


def test_an_api_upload_into_the_library_without_a_label_is_reference(owner):
    response = post_files(client_for(owner), upload("policy.txt", b"quality policy"))

    assert response.json()["uploaded"][0]["label"] == "reference"


def test_a_chosen_label_wins_over_the_default(bid, owner):
    response = post_files(
        client_for(owner), upload("spec.txt", b"spec"), project=str(bid.pk), label="secondary"
    )

    assert response.json()["uploaded"][0]["label"] == "secondary"
    assert Document.objects.get().label == "secondary"
