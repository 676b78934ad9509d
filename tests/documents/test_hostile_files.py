"""Hostile and broken files, uploaded the way an API client would: refused at the door, one
reason per file, and nothing stored."""

import pytest

from documents.models import Document
from tests.conftest import client_for
from tests.documents import files
from tests.documents.conftest import tender_pdf
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db

HOSTILE = {
    "laughs.docx": (files.billion_laughs_docx, "contains XML entity declarations"),
    "styles.docx": (lambda: files.billion_laughs_docx("word/styles.xml"), "entity declarations"),
    "bomb.docx": (files.zip_bomb_docx, "(a zip bomb?)"),
    "lying.docx": (files.lying_size_docx, "is damaged"),
    "zipcrypto.docx": (files.zip_flagged_encrypted_docx, "is password-protected"),
    "locked.docx": (files.password_protected_office, "is password-protected"),
    "locked.pptx": (files.password_protected_office, "is password-protected"),
    "locked.pdf": (files.encrypted_pdf, "is password-protected"),
    "pages.pdf": (files.page_tree_bomb_pdf, "(a decompression bomb)"),
}


def post_files(client, *uploads):
    return client.post("/api/v1/documents/", {"files": list(uploads)}, format="multipart")


def stored_files(settings) -> list:
    media = settings.MEDIA_ROOT
    return [path for path in media.rglob("*") if path.is_file()] if media.exists() else []


def test_hostile_files_are_refused_with_a_reason_each_and_nothing_is_stored(member, settings):
    response = post_files(
        client_for(member), *(upload(name, build()) for name, (build, _) in HOSTILE.items())
    )

    assert response.status_code == 400
    reasons = {item["filename"]: item["reason"] for item in response.json()["refused"]}
    assert reasons.keys() == HOSTILE.keys()
    for name, (_, reason) in HOSTILE.items():
        assert reasons[name].startswith(f"“{name}”")
        assert reason in reasons[name]
    assert Document.objects.count() == 0
    assert stored_files(settings) == []


def test_a_hostile_file_beside_a_good_one_stores_only_the_good_one(member, settings):
    response = post_files(
        client_for(member),
        upload("itt.pdf", tender_pdf()),
        upload("laughs.docx", files.billion_laughs_docx()),
    )

    assert response.status_code == 201
    assert [doc["filename"] for doc in response.json()["uploaded"]] == ["itt.pdf"]
    assert [item["filename"] for item in response.json()["refused"]] == ["laughs.docx"]
    assert Document.objects.count() == 1
    assert [path.suffix for path in stored_files(settings)] == [".pdf"]


def test_a_word_file_with_an_svg_picture_is_accepted(member):
    response = post_files(client_for(member), upload("logo.docx", files.docx_with_svg_picture()))

    assert response.status_code == 201
