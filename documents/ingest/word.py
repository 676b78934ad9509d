"""Word documents: the body's paragraphs, list items and tables in reading order.

python-docx's own iteration skips text that tenders are full of: content controls (form
fields), tracked insertions, text boxes and nested tables. So the body is walked as XML here,
with python-docx only opening the file and naming the styles. Headers and footers live in
parts of their own and are never read, so they never repeat in passages.
"""

import re
from collections.abc import Iterator
from typing import IO
from typing import Any

from documents.ingest.parsed import Block
from documents.ingest.parsed import ParsedDocument
from documents.ingest.parsed import pages_from
from documents.ingest.parsed import row_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Office writes a drawing twice (mc:Choice and an older mc:Fallback); read it once.
FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TEXT_TAGS = (f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}p")
HEADING_STYLE = re.compile(r"Heading (\d)")


def parse_docx(file: IO[bytes]) -> ParsedDocument:
    """Headings from the Title/Heading N styles (or an outline level), tables row by row.

    Word files have no fixed pages; page numbers follow the page breaks Word recorded when it
    last laid the file out, or else the hard page breaks.
    """
    import docx

    document = docx.Document(file)
    body = document.element.body
    rendered = bool(body.xpath(".//w:lastRenderedPageBreak"))
    levels = _style_levels(document)

    def blocks() -> Iterator[tuple[int, Block]]:
        page = 1
        for element in _block_elements(body):
            if element.tag == f"{W}tbl":
                yield from ((page, Block(row)) for row in _table_rows(element))
                continue
            if rendered:
                page += len(element.findall(f".//{W}lastRenderedPageBreak"))
            yield page, Block(_paragraph_text(element), _paragraph_level(element, levels))
            if not rendered:
                page += len(element.xpath('.//w:br[@w:type="page"]'))

    return pages_from(blocks())


def _block_elements(container: Any) -> Iterator[Any]:
    """Paragraphs and tables in reading order, including those inside content controls."""
    for child in container.iterchildren():
        if child.tag in (f"{W}p", f"{W}tbl"):
            yield child
        elif child.tag == f"{W}sdt":
            for content in child.iterchildren(f"{W}sdtContent"):
                yield from _block_elements(content)
        elif child.tag == f"{W}customXml":
            yield from _block_elements(child)


def _paragraph_text(paragraph: Any) -> str:
    """All the paragraph's text: runs, hyperlinks, fields' results, insertions, text boxes
    (deleted text is w:delText, so it is left out)."""
    parts: list[str] = []
    for node in paragraph.iter(*TEXT_TAGS):
        if any(ancestor.tag == FALLBACK for ancestor in node.iterancestors()):
            continue
        if node.tag == f"{W}t":
            parts.append(node.text or "")
        elif node.tag == f"{W}tab":
            parts.append("\t")
        elif node is not paragraph:  # a line break, or a paragraph of a text box
            parts.append(" ")
    return " ".join("".join(parts).split())


def _table_rows(table: Any) -> Iterator[str]:
    for row in table.iterchildren(f"{W}tr"):
        yield row_text(_cell_text(cell) for cell in row.iterchildren(f"{W}tc"))


def _cell_text(cell: Any) -> str:
    """A cell's paragraphs, and the rows of any table nested in it, on one line."""
    parts: list[str] = []
    for element in _block_elements(cell):
        if element.tag == f"{W}tbl":
            parts.extend(_table_rows(element))
        else:
            parts.append(_paragraph_text(element))
    return " ".join(part for part in parts if part)


def _paragraph_level(paragraph: Any, levels: dict[str, int]) -> int:
    outline = paragraph.find(f"{W}pPr/{W}outlineLvl")
    if outline is not None:
        return _outline_level(outline)
    style = paragraph.find(f"{W}pPr/{W}pStyle")
    return levels.get(style.get(f"{W}val"), 0) if style is not None else 0


def _style_levels(document: Any) -> dict[str, int]:
    """Style id → heading level for Title, Heading 1-9, outline levels and styles based on them."""
    levels = {}
    for style in document.styles:
        if level := _style_level(style):
            levels[style.style_id] = level
    return levels


def _style_level(style: Any) -> int:
    for _ in range(10):  # base styles can chain; Word stops well before this
        if style is None:
            return 0
        if style.name == "Title":
            return 1
        if match := HEADING_STYLE.fullmatch(style.name or ""):
            return int(match.group(1))
        outline = style.element.find(f"{W}pPr/{W}outlineLvl")
        if outline is not None:
            return _outline_level(outline)
        style = getattr(style, "base_style", None)
    return 0


def _outline_level(element: Any) -> int:
    """w:outlineLvl counts from 0; 9 means body text."""
    value = int(element.get(f"{W}val", "9"))
    return value + 1 if value < 9 else 0
