"""Turn an uploaded file into pages of text blocks, keeping page numbers, headings and table rows.

One registry (``PARSERS``) maps each ``FileKind`` to its parser; every parser returns the same
``ParsedDocument`` shape (documents/ingest/parsed.py) so chunking never needs to know the
format. PDF and Word have modules of their own (pdf.py, word.py).
"""

import csv
import io
import re
from collections.abc import Callable
from collections.abc import Iterator
from typing import IO

from documents.ingest.parsed import DECOMPRESSION_BOMB
from documents.ingest.parsed import NO_TEXT
from documents.ingest.parsed import OUT_OF_MEMORY
from documents.ingest.parsed import Block
from documents.ingest.parsed import Page
from documents.ingest.parsed import ParsedDocument
from documents.ingest.parsed import ParseError
from documents.ingest.parsed import pages_from
from documents.ingest.parsed import row_text
from documents.ingest.parsed import unreadable
from documents.ingest.pdf import parse_pdf
from documents.ingest.validation import FileKind
from documents.ingest.word import parse_docx

__all__ = ["Block", "Page", "ParseError", "ParsedDocument", "parse"]

MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")


# ------------------------------------------------------------------ Excel and PowerPoint


def parse_xlsx(file: IO[bytes]) -> ParsedDocument:
    """One page per sheet: the sheet name as heading, then one block per non-empty row."""
    import openpyxl

    workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)

    def blocks() -> Iterator[tuple[int, Block]]:
        for number, sheet in enumerate(workbook.worksheets, start=1):
            yield number, Block(sheet.title, 1)
            for row in sheet.iter_rows(values_only=True):
                yield number, Block(row_text(row))

    try:
        return pages_from(blocks())
    finally:
        workbook.close()


def parse_pptx(file: IO[bytes]) -> ParsedDocument:
    """One page per slide: the title as heading, then text frames and table rows in order."""
    from pptx import Presentation

    presentation = Presentation(file)

    def blocks() -> Iterator[tuple[int, Block]]:
        for number, slide in enumerate(presentation.slides, start=1):
            title = slide.shapes.title
            if title is not None and title.has_text_frame:
                yield number, Block(title.text_frame.text, 1)
            for shape in slide.shapes:
                if shape is title:
                    continue
                if shape.has_text_frame:
                    for paragraph in shape.text_frame.paragraphs:
                        yield number, Block("".join(run.text for run in paragraph.runs))
                if getattr(shape, "has_table", False):
                    for row in shape.table.rows:
                        yield number, Block(row_text(cell.text for cell in row.cells))

    return pages_from(blocks())


# ------------------------------------------------------------------ Plain text


def _decode(file: IO[bytes]) -> str:
    return file.read().decode("utf-8-sig", errors="replace")


def parse_text(file: IO[bytes]) -> ParsedDocument:
    """Paragraphs separated by blank lines; form feeds start new pages."""
    return pages_from(
        (number, Block(paragraph))
        for number, page in enumerate(_decode(file).split("\f"), start=1)
        for paragraph in re.split(r"\n\s*\n", page)
    )


def parse_markdown(file: IO[bytes]) -> ParsedDocument:
    def blocks() -> Iterator[tuple[int, Block]]:
        for number, page in enumerate(_decode(file).split("\f"), start=1):
            paragraph: list[str] = []
            for line in page.splitlines():
                heading = MARKDOWN_HEADING.match(line)
                if heading or not line.strip():
                    yield number, Block("\n".join(paragraph))
                    paragraph = []
                if heading:
                    yield number, Block(heading.group(2), len(heading.group(1)))
                elif line.strip():
                    paragraph.append(line)
            yield number, Block("\n".join(paragraph))

    return pages_from(blocks())


def parse_csv(file: IO[bytes]) -> ParsedDocument:
    rows = csv.reader(io.StringIO(_decode(file)))
    return pages_from((1, Block(row_text(row))) for row in rows)


PARSERS: dict[FileKind, Callable[[IO[bytes]], ParsedDocument]] = {
    FileKind.PDF: parse_pdf,
    FileKind.DOCX: parse_docx,
    FileKind.XLSX: parse_xlsx,
    FileKind.PPTX: parse_pptx,
    FileKind.TEXT: parse_text,
    FileKind.MARKDOWN: parse_markdown,
    FileKind.CSV: parse_csv,
}


def parse(kind: FileKind, file: IO[bytes]) -> ParsedDocument:
    """Parse a checked upload; a file whose content still cannot be read raises ParseError."""
    from pypdf.errors import LimitReachedError

    try:
        parsed = PARSERS[kind](file)
    except ParseError:
        raise
    except LimitReachedError as error:
        raise ParseError(DECOMPRESSION_BOMB, repr(error)) from error
    except MemoryError as error:
        raise ParseError(OUT_OF_MEMORY, "MemoryError") from error
    except Exception as error:
        raise ParseError(unreadable(kind), repr(error)) from error
    if not parsed.pages:
        raise ParseError(NO_TEXT)
    return parsed
