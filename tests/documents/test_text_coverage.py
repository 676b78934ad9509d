"""No text is lost in parsing: a realistic tender, as a PDF and as a Word file, uploaded and
ingested for real, must have every word of its body in the stored passages, its headings in
their breadcrumbs, and none of its running headers or page numbers."""

import re
from collections import Counter

import pytest

from documents import services
from documents.models import Chunk
from tests.documents import files
from tests.documents.conftest import upload

pytestmark = pytest.mark.django_db

WORD = re.compile(r"\w+(?:[./,:'-]\w+)*")
BUILDERS = {"tender.pdf": files.tender_pdf, "tender.docx": files.tender_docx}


@pytest.fixture(params=BUILDERS)
def passages(request, company, owner) -> list[Chunk]:
    document = services.document_upload(
        company=company, uploaded_by=owner, file=upload(request.param, BUILDERS[request.param]())
    )
    ingested = services.document_ingest(document_id=document.pk)
    assert ingested is not None
    assert ingested.status == "ready"
    return list(Chunk.objects.filter(document=document).order_by("ordinal"))


def words(texts: list[str]) -> Counter[str]:
    return Counter(WORD.findall(" ".join(texts).lower()))


def share_found(expected: Counter[str], found: Counter[str]) -> float:
    return sum(min(count, found[word]) for word, count in expected.items()) / expected.total()


def flat(text: str) -> str:
    return " ".join(text.split())


def test_every_word_of_the_body_reaches_a_passage(passages):
    body = [line for line in files.tender_body() if not isinstance(line, files.Heading)]

    assert share_found(words(body), words([chunk.text for chunk in passages])) >= 0.99


def test_numbered_items_and_lines_of_data_are_passage_text_not_headings(passages):
    text = flat("\n".join(chunk.text for chunk in passages))

    for item in files.TENDER_ITEMS.values():
        assert flat(item) in text
    assert files.TENDER_CERTIFICATE in text
    assert not any("45001" in chunk.heading for chunk in passages)


def test_headings_are_kept_as_the_passages_breadcrumbs(passages):
    breadcrumbs = " > ".join(chunk.heading for chunk in passages)

    for heading in (part for part in files.TENDER if isinstance(part, files.Heading)):
        assert heading in breadcrumbs
    assert any(
        chunk.heading.endswith("2. Specification > 2.2 Staffing and training") for chunk in passages
    )


def test_running_headers_footers_and_page_numbers_are_not_repeated_in_passages(passages):
    for chunk in passages:
        assert files.TENDER_HEADER not in chunk.text
        assert not re.search(r"Page \d+ of \d+", chunk.text)


def test_table_rows_stay_rows(passages):
    lines = [line for chunk in passages for line in chunk.text.splitlines()]

    assert "Western General Hospital | 36,500 | £955,000" in lines
