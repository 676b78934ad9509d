"""What only parsing can find: a file that expands like a bomb, takes too long or needs too
much memory fails with a sentence that says so (never "is it a scan?"), in a child process the
worker survives, and a damaged file fails with a sentence, not a library's message."""

import pytest

from documents import services
from documents.models import Chunk
from documents.models import Document
from tests.documents import files
from tests.documents.conftest import tender_pdf
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db


def ingested(company, owner, name: str, data: bytes) -> Document:
    document = services.document_upload(company=company, uploaded_by=owner, file=upload(name, data))
    result = services.document_ingest(document_id=document.pk)
    assert result is not None
    return result


@pytest.mark.parametrize("in_form", [False, True], ids=["page stream", "form on the page"])
def test_a_pdf_that_inflates_to_gigabytes_fails_naming_the_decompression_bomb(
    company, owner, in_form
):
    document = ingested(company, owner, "bomb.pdf", files.pdf_bomb(1000, in_form=in_form))

    assert document.status == Document.Status.FAILED
    assert "(a decompression bomb)" in document.error
    assert "scan" not in document.error
    assert not Chunk.objects.filter(document=document).exists()


def test_the_worker_reads_the_next_file_after_a_hostile_one(company, owner):
    ingested(company, owner, "bomb.pdf", files.pdf_bomb(1000))

    assert ingested(company, owner, "itt.pdf", tender_pdf()).status == Document.Status.READY


def test_a_file_that_takes_too_long_to_read_is_stopped_with_a_reason(company, owner, settings):
    settings.DOCUMENT_PARSE_TIMEOUT = 0.2

    document = ingested(company, owner, "slow.pdf", files.pdf_bomb(70))

    assert document.status == Document.Status.FAILED
    assert document.error.startswith("This file took longer than 0.2 seconds to read")


def test_a_file_that_needs_more_memory_than_allowed_is_stopped_with_a_reason(
    company, owner, settings
):
    settings.DOCUMENT_PARSE_MEMORY_MB = 32

    document = ingested(company, owner, "greedy.pdf", files.pdf_bomb(70))

    assert document.status == Document.Status.FAILED
    assert document.error.startswith("This file needs more memory than allowed to read")


def test_a_damaged_file_fails_with_a_sentence_not_the_library_message(company, owner):
    broken = files.docx_with_part("word/document.xml", b"<w:document><w:body><w:p>")

    document = ingested(company, owner, "broken.docx", broken)

    assert document.error == (
        "This Word file is damaged and could not be read. Open it, save a new copy and upload that."
    )


def test_a_pdf_without_text_says_it_looks_like_a_scan(company, owner):
    document = ingested(company, owner, "scan.pdf", files.pdf([[]]))

    assert document.error.startswith("No text was found in this file: it looks like a scan")
