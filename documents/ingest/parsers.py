"""Turn an uploaded file into pages of text blocks, keeping page numbers, headings and table rows.

One registry (``PARSERS``) maps each ``FileKind`` to its parser; every parser returns the same
``ParsedDocument`` shape so chunking never needs to know the format.
"""

import csv
import io
import re
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from documents.ingest.validation import FileKind

# "3.2 Social value" or "4. Mobilisation": numbered section headings in extracted PDF text.
NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+){0,3})\.?\s+([A-Z][^\n]{1,90})$")
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*$")
CELL_SEPARATOR = " | "


class ParseError(Exception):
    """The file passed the upload checks but its content could not be read."""


@dataclass(frozen=True)
class Block:
    """A heading (level >= 1) or a run of body text (level 0) on one page."""

    text: str
    heading_level: int = 0


@dataclass(frozen=True)
class Page:
    number: int
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


@dataclass(frozen=True)
class ParsedDocument:
    pages: tuple[Page, ...]

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)


def _row_text(cells: object) -> str:
    values = [str(cell).strip() for cell in cells if cell not in (None, "")]  # type: ignore[attr-defined]
    return CELL_SEPARATOR.join(value for value in values if value)


def _pages(numbered_blocks: Iterator[tuple[int, Block]]) -> ParsedDocument:
    """Group (page number, block) pairs into pages, dropping empty blocks."""
    pages: dict[int, list[Block]] = {}
    for number, block in numbered_blocks:
        if block.text.strip():
            pages.setdefault(number, []).append(Block(block.text.strip(), block.heading_level))
    return ParsedDocument(tuple(Page(n, tuple(blocks)) for n, blocks in sorted(pages.items())))


# ------------------------------------------------------------------ PDF


def parse_pdf(file: IO[bytes]) -> ParsedDocument:
    from pypdf import PdfReader

    reader = PdfReader(file)

    def blocks() -> Iterator[tuple[int, Block]]:
        for number, page in enumerate(reader.pages, start=1):
            for line in (page.extract_text() or "").splitlines():
                heading = NUMBERED_HEADING.match(line.strip())
                level = heading.group(1).count(".") + 1 if heading else 0
                yield number, Block(line, level)

    return _merge_body_lines(_pages(blocks()))


def _merge_body_lines(document: ParsedDocument) -> ParsedDocument:
    """PDF text comes line by line; join consecutive body lines into paragraphs."""
    pages = []
    for page in document.pages:
        merged: list[Block] = []
        for block in page.blocks:
            if block.heading_level == 0 and merged and merged[-1].heading_level == 0:
                merged[-1] = Block(f"{merged[-1].text} {block.text}")
            else:
                merged.append(block)
        pages.append(Page(page.number, tuple(merged)))
    return ParsedDocument(tuple(pages))


# ------------------------------------------------------------------ Word


def parse_docx(file: IO[bytes]) -> ParsedDocument:
    """Headings from the Title/Heading N styles, tables row by row.

    Word files have no fixed pages; page numbers follow the page breaks Word recorded when it
    last laid the file out, or else the hard page breaks.
    """
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = docx.Document(file)
    rendered = bool(document.element.body.xpath(".//w:lastRenderedPageBreak"))

    def blocks() -> Iterator[tuple[int, Block]]:
        page = 1
        for item in document.iter_inner_content():
            if isinstance(item, Paragraph):
                if rendered:
                    page += len(item._p.xpath(".//w:lastRenderedPageBreak"))
                level = _docx_heading_level(item.style.name if item.style else "")
                yield page, Block(item.text, level)
                if not rendered:
                    page += len(item._p.xpath('.//w:br[@w:type="page"]'))
            elif isinstance(item, Table):
                for row in item.rows:
                    yield page, Block(_row_text(cell.text for cell in row.cells))

    return _pages(blocks())


def _docx_heading_level(style: str) -> int:
    if style == "Title":
        return 1
    match = re.fullmatch(r"Heading (\d)", style)
    return int(match.group(1)) if match else 0


# ------------------------------------------------------------------ Excel and PowerPoint


def parse_xlsx(file: IO[bytes]) -> ParsedDocument:
    """One page per sheet: the sheet name as heading, then one block per non-empty row."""
    import openpyxl

    workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)

    def blocks() -> Iterator[tuple[int, Block]]:
        for number, sheet in enumerate(workbook.worksheets, start=1):
            yield number, Block(sheet.title, 1)
            for row in sheet.iter_rows(values_only=True):
                yield number, Block(_row_text(row))

    try:
        return _pages(blocks())
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
                        yield number, Block(_row_text(cell.text for cell in row.cells))

    return _pages(blocks())


# ------------------------------------------------------------------ Plain text


def _decode(file: IO[bytes]) -> str:
    return file.read().decode("utf-8-sig", errors="replace")


def parse_text(file: IO[bytes]) -> ParsedDocument:
    """Paragraphs separated by blank lines; form feeds start new pages."""
    return _pages(
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

    return _pages(blocks())


def parse_csv(file: IO[bytes]) -> ParsedDocument:
    rows = csv.reader(io.StringIO(_decode(file)))
    return _pages((1, Block(_row_text(row))) for row in rows)


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
    try:
        parsed = PARSERS[kind](file)
    except ParseError:
        raise
    except Exception as error:
        raise ParseError(f"The {kind.value.upper()} content could not be read: {error}") from error
    if not parsed.pages:
        raise ParseError(
            "No text was found in this file (is it a scan? Text recognition is not supported yet)."
        )
    return parsed
