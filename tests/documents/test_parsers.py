import io

import pytest

from documents.ingest.parsers import ParseError
from documents.ingest.parsers import parse
from documents.ingest.validation import FileKind
from tests.documents import files


def headings(document):
    return [
        (page.number, block.heading_level, block.text)
        for page in document.pages
        for block in page.blocks
        if block.heading_level
    ]


def test_pdf_pages_keep_their_numbers_and_numbered_headings():
    data = files.pdf([
        [files.Heading("1. Introduction"), "The authority seeks a provider", "for hospital cleaning."],
        [files.Heading("3.2 Social value"), "Describe your apprenticeship plan."],
    ])  # fmt: skip

    document = parse(FileKind.PDF, io.BytesIO(data))

    assert document.page_count == 2
    assert headings(document) == [(1, 1, "1. Introduction"), (2, 2, "3.2 Social value")]
    assert "The authority seeks a provider for hospital cleaning." in document.pages[0].text


def test_docx_headings_tables_and_page_breaks_survive():
    document = parse(FileKind.DOCX, io.BytesIO(files.docx_file()))

    assert headings(document) == [
        (1, 1, "Method statement"),
        (1, 2, "Social value"),
        (2, 1, "Pricing"),
    ]
    assert "Cleaning | £120,000" in document.pages[1].text


def test_xlsx_sheets_become_pages_of_rows():
    document = parse(FileKind.XLSX, io.BytesIO(files.xlsx_file()))

    assert headings(document) == [(1, 1, "Pricing schedule"), (2, 1, "Assumptions")]
    assert "1 | Security | 45000" in document.pages[0].text


def test_pptx_slides_become_pages_with_titles_and_tables():
    document = parse(FileKind.PPTX, io.BytesIO(files.pptx_file()))

    assert [title for _, _, title in headings(document)] == ["Our approach", "Case study", "Prices"]
    assert "NHS Lothian: 99.2% KPI" in document.pages[1].text
    assert "2027 | £1.2m" in document.pages[2].text


def test_markdown_headings_and_text_pages():
    markdown = parse(
        FileKind.MARKDOWN, io.BytesIO(b"# Brief\n\nScope of works\n\n## Lots\n\nLot 1: security")
    )
    text = parse(FileKind.TEXT, io.BytesIO(b"First page\f\nSecond page"))

    assert headings(markdown) == [(1, 1, "Brief"), (1, 2, "Lots")]
    assert [page.text for page in text.pages] == ["First page", "Second page"]


def test_csv_rows_are_kept_as_rows():
    document = parse(FileKind.CSV, io.BytesIO(b"lot,service\n1,Security\n"))

    assert document.pages[0].text == "lot | service\n1 | Security"


def test_a_pdf_without_text_is_a_clear_parse_error():
    with pytest.raises(ParseError, match="No text was found"):
        parse(FileKind.PDF, io.BytesIO(files.pdf([[]])))
