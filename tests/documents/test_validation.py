import io

import pytest

from documents.ingest.validation import FileKind
from documents.ingest.validation import UploadRefused
from documents.ingest.validation import inspect_upload
from tests.documents import files


def inspect(name: str, data: bytes):
    return inspect_upload(name=name, file=io.BytesIO(data), size=len(data))


@pytest.mark.parametrize(
    ("name", "build", "kind"),
    [
        ("tender.pdf", lambda: files.pdf([["Invitation to tender"]]), FileKind.PDF),
        ("method.docx", files.docx_file, FileKind.DOCX),
        ("prices.xlsx", files.xlsx_file, FileKind.XLSX),
        ("pitch.pptx", files.pptx_file, FileKind.PPTX),
        ("notes.txt", lambda: b"Clarification questions", FileKind.TEXT),
        ("brief.md", lambda: b"# Brief\n\nScope of works", FileKind.MARKDOWN),
        ("lots.csv", lambda: b"lot,value\n1,100", FileKind.CSV),
    ],
)
def test_each_supported_format_is_accepted_for_what_it_is(name, build, kind):
    inspected = inspect(name, build())

    assert inspected.kind is kind


def test_a_pdf_reports_its_page_count():
    assert inspect("tender.pdf", files.pdf([["one"], ["two"], ["three"]])).page_count == 3


@pytest.mark.parametrize(
    ("name", "build", "reason"),
    [
        ("empty.pdf", lambda: b"", "is empty"),
        ("tender.exe", lambda: b"MZ\x90\x00", "not a supported type"),
        ("invoice.pdf", lambda: b"MZ\x90\x00" + b"\0" * 100, "is a program"),
        ("script.txt", lambda: b"#!/bin/sh\nrm -rf /", "is a program"),
        ("bid.docx", lambda: files.pdf([["I am a PDF"]]), "not a DOCX file"),
        ("bid.pdf", files.docx_file, "not a PDF file"),
        ("locked.pdf", files.encrypted_pdf, "password-protected"),
        ("broken.pdf", lambda: files.pdf([["x"]])[:300], "damaged"),
        ("bomb.docx", files.zip_bomb_docx, "expand"),
        ("laughs.docx", files.billion_laughs_docx, "entity declarations"),
        ("styles.docx", lambda: files.billion_laughs_docx("word/styles.xml"), "entity"),
        ("core.docx", lambda: files.billion_laughs_docx("docProps/core.xml"), "entity"),
        ("utf16.docx", lambda: files.billion_laughs_docx(encoding="utf-16"), "entity"),
        ("lying.docx", files.lying_size_docx, "damaged"),
        ("zipcrypto.docx", files.zip_flagged_encrypted_docx, "password-protected"),
        ("locked.docx", files.password_protected_office, "password-protected"),
        ("locked.xlsx", files.password_protected_office, "password-protected"),
        ("old.docx", files.legacy_word_document, "old Word format"),
        ("fake.xlsx", files.docx_file, "not a XLSX file"),
        ("binary.csv", lambda: b"a,b\x00\x01\x02", "not a text file"),
        ("latin1.txt", lambda: "Café prices".encode("latin-1") + b" more text", "not UTF-8"),
    ],
)
def test_hostile_or_broken_files_are_refused_with_a_clear_reason(name, build, reason):
    with pytest.raises(UploadRefused, match=reason):
        inspect(name, build())


def test_files_over_the_size_limit_are_refused_before_reading(settings):
    settings.DOCUMENT_MAX_BYTES = 1000

    with pytest.raises(UploadRefused, match="the limit is"):
        inspect_upload(name="huge.pdf", file=io.BytesIO(b"%PDF-"), size=5000)


def test_pdfs_over_the_page_limit_are_refused(settings):
    settings.DOCUMENT_MAX_PAGES = 2

    with pytest.raises(UploadRefused, match="has 3 pages; the limit is 2"):
        inspect("long.pdf", files.pdf([["a"], ["b"], ["c"]]))


def test_a_picture_with_its_own_dtd_does_not_make_a_word_file_hostile():
    assert inspect("logo.docx", files.docx_with_svg_picture()).kind is FileKind.DOCX
