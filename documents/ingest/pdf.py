"""PDF text with its layout: every line, with its font size and weight and its height on the page.

pypdf extracts the text; its visitor reports the font and position of each piece of it. From
that, headings are recognised by how they look (larger or bolder than the body text, and shaped
like a title), never guessed from short lines, so a numbered item such as "1.4 Bidders must …"
stays body text. Lines that recur at the top or bottom edge of most pages (running headers,
footers, "Page 3 of 10") are dropped. Everything else reaches a block.
"""

import itertools
import logging
import math
import re
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from typing import IO
from typing import Any

from pypdf import PageObject
from pypdf import PdfReader
from pypdf.errors import LimitReachedError

from documents.ingest.parsed import CELL_SEPARATOR
from documents.ingest.parsed import DECOMPRESSION_BOMB
from documents.ingest.parsed import Block
from documents.ingest.parsed import ParsedDocument
from documents.ingest.parsed import ParseError
from documents.ingest.parsed import pages_from

# "1.4 ", "2. ", "(a) ", "b) ", "iv. ", "• ", "- ": a line that starts a numbered item or bullet.
LIST_ITEM = re.compile(r"^(\d+(\.\d+)*\.?|\(?[a-z]{1,2}\)|\(?[ivx]{1,4}[.)]|[•▪◦\-\u2013*])\s")
SECTION_NUMBER = re.compile(r"^(\d+(?:\.\d+){0,3})\.?\s")
# A title is short and is not a sentence, a question or a "label: 31/03/2027" line of data.
MAX_TITLE_WORDS = 12
NOT_A_TITLE = re.compile(r"[.,;:?]$|:\s*\S*\d")
# A heading is at least this many points larger than the body text, or bold where it is not.
LARGER_BY = 1.0
# Lines this near the top or bottom of a page may be running headers or footers ...
EDGE_LINES = 2
# ... and are when they recur (digits aside) on at least this share of the pages.
RUNNING_SHARE = 0.5
# A paragraph starts where the space above a line exceeds the usual spacing by this factor.
PARAGRAPH_SPACING = 1.25
# Text widths are estimated (average letter width in ems); a gap this wide parts two cells.
CHARACTER_EMS = 0.55
CELL_GAP_EMS = 2.0
BOLD_NAMES = ("bold", "black", "heavy", "semibold", "demi")
FORCE_BOLD_FLAG = 1 << 18
BOLD_WEIGHT = 600


@dataclass(frozen=True)
class Style:
    size: float
    bold: bool


@dataclass(frozen=True)
class Line:
    text: str
    style: Style
    height: float  # of the baseline above the page's bottom edge; 0 when unknown
    is_row: bool = False  # of a table: cells set apart on one line
    cells: tuple[str, ...] = ()

    @property
    def block_text(self) -> str:
        return CELL_SEPARATOR.join(self.cells) if self.is_row else self.text


LevelOf = Callable[[Line], int]


def parse_pdf(file: IO[bytes]) -> ParsedDocument:
    """Body text in paragraphs (a numbered item or bullet starts a new one), headings by look."""
    reader = PdfReader(file)
    with _limits_hit() as hits:
        pages = [_page_lines(page) for page in reader.pages]
    if hits:
        raise ParseError(DECOMPRESSION_BOMB, repr(hits[0]))
    pages = _without_running_lines(pages)
    level_of = _heading_levels([line for lines in pages for line in lines])
    spacing = _line_spacing(pages)
    return pages_from(
        (number, block)
        for number, lines in enumerate(pages, start=1)
        for block in _blocks(lines, level_of, spacing)
    )


# ------------------------------------------------------------------ Lines and their style


@dataclass
class _LineInProgress:
    text: str = ""
    height: float = 0.0
    weights: Counter[Style] = field(default_factory=Counter)
    cells: list[str] = field(default_factory=list)
    end: float | None = None  # where the last piece of text is estimated to end

    def add(self, text: str, style: Style, position: tuple[float, float]) -> None:
        self.text += text
        if not text.strip():
            return
        if self.end is None:  # the line's first text
            self.height = position[1]
        # A wide gap before a piece of text starts a new cell of a table row.
        gap = position[0] - self.end if self.end is not None else 0.0
        if not self.cells or gap > CELL_GAP_EMS * style.size:
            self.cells.append("")
        self.cells[-1] += text
        self.end = position[0] + len(text) * CHARACTER_EMS * style.size
        self.weights[style] += len(text.strip())

    def line(self) -> Line:
        style = self.weights.most_common(1)[0][0] if self.weights else Style(0.0, False)
        cells = [cell.strip() for cell in self.cells if cell.strip()]
        return Line(self.text.strip(), style, self.height, _is_row(cells), tuple(cells))


def _is_row(cells: list[str]) -> bool:
    """Cells apart on one line make a table row, unless the first is just a number or bullet
    (Word sets "1.4" and its text apart with a tab)."""
    return len(cells) > 1 and not LIST_ITEM.match(cells[0] + " ")


def _page_lines(page: PageObject) -> list[Line]:
    """The page's lines in pypdf's reading order, each with the style of most of its letters."""
    lines: list[Line] = []
    current = _LineInProgress()

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        nonlocal current
        for index, part in enumerate(text.split("\n")):
            if index:
                lines.append(current.line())
                current = _LineInProgress()
            current.add(part, _style(font, size, cm, tm), _position(cm, tm))

    extracted = page.extract_text(visitor_text=visit)
    lines.append(current.line())
    if _letters(line.text for line in lines) != _letters([extracted]):
        # The visitor missed some text: keep every line, styles unknown, rather than lose any.
        return [Line(text.strip(), Style(0.0, False), 0.0) for text in extracted.splitlines()]
    return [line for line in lines if line.text]


def _letters(texts: Iterable[str]) -> str:
    return "".join("".join(text.split()) for text in texts)


def _style(font: Any, size: float, cm: list[float], tm: list[float]) -> Style:
    # The font size in points is the Tf size scaled by the text and graphics matrices.
    scale = math.hypot(tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3])
    return Style(round(size * scale * 2) / 2, _is_bold(font))


def _position(cm: list[float], tm: list[float]) -> tuple[float, float]:
    """Where a piece of text starts on the page (x, y)."""
    x, y = tm[4], tm[5]
    return x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5]


def _is_bold(font: Any) -> bool:
    try:
        name = str(font.get("/BaseFont", "")).lower()
        descendants = font.get("/DescendantFonts")
        described = descendants[0].get_object() if descendants else font
        descriptor = described.get("/FontDescriptor")
        descriptor = descriptor.get_object() if descriptor else {}
        return (
            any(word in name for word in BOLD_NAMES)
            or float(descriptor.get("/FontWeight", 0)) >= BOLD_WEIGHT
            or bool(int(descriptor.get("/Flags", 0)) & FORCE_BOLD_FLAG)
        )
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return False


# ------------------------------------------------------------------ Running headers and footers


def _without_running_lines(pages: list[list[Line]]) -> list[list[Line]]:
    """The pages without the lines that recur at their top or bottom edge."""
    if len(pages) < 2:
        return pages
    seen: Counter[str] = Counter()
    for lines in pages:
        seen.update({_key(line.text) for line in _edge_lines(lines)})
    needed = max(2, math.ceil(len(pages) * RUNNING_SHARE))
    running = {key for key, count in seen.items() if count >= needed}
    return [_dropped(lines, running) for lines in pages]


def _edge_lines(lines: list[Line]) -> list[Line]:
    by_height = sorted(lines, key=lambda line: line.height, reverse=True)
    return by_height[:EDGE_LINES] + by_height[-EDGE_LINES:]


def _dropped(lines: list[Line], running: set[str]) -> list[Line]:
    edges = {id(line) for line in _edge_lines(lines) if _key(line.text) in running}
    return [line for line in lines if id(line) not in edges]


def _key(text: str) -> str:
    """Digits aside, so "Page 3 of 10" on one page is "Page 4 of 10" on the next."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


# ------------------------------------------------------------------ Headings and paragraphs


def _heading_levels(lines: list[Line]) -> LevelOf:
    """A function giving each line its heading level (0 for body text)."""
    body = _body_style(lines)
    heading_styles = {line.style for line in lines if _stands_out(line.style, body)}
    sizes = sorted({style.size for style in heading_styles}, reverse=True)

    def level_of(line: Line) -> int:
        if line.is_row or line.style not in heading_styles or not _is_title(line.text):
            return 0
        number = SECTION_NUMBER.match(line.text)
        if number:
            return number.group(1).count(".") + 1
        return sizes.index(line.style.size) + 1

    return level_of


def _body_style(lines: list[Line]) -> Style:
    """The style most of the document's letters are set in."""
    weights: Counter[Style] = Counter()
    for line in lines:
        weights[line.style] += len(line.text)
    return weights.most_common(1)[0][0] if weights else Style(0.0, False)


def _stands_out(style: Style, body: Style) -> bool:
    if not style.size or not body.size:
        return False
    larger = style.size >= body.size + LARGER_BY
    bolder = style.bold and not body.bold and style.size >= body.size - LARGER_BY / 2
    return larger or bolder


def _is_title(text: str) -> bool:
    words = text.split()
    has_letters = any(character.isalpha() for character in text)
    return has_letters and len(words) <= MAX_TITLE_WORDS and not NOT_A_TITLE.search(text)


def _blocks(lines: list[Line], level_of: LevelOf, spacing: float) -> Iterator[Block]:
    """Headings (a title wrapped over two lines joined again), table rows, and body lines joined
    into paragraphs, where a numbered item, a bullet or extra space above starts a new one."""
    paragraph: list[str] = []
    heading: Block | None = None
    for line, apart in zip(lines, _spaced_apart(lines, spacing), strict=True):
        level = level_of(line)
        if paragraph and (level or line.is_row or apart or LIST_ITEM.match(line.text)):
            yield Block(" ".join(paragraph))
            paragraph = []
        if heading and level == heading.heading_level and not SECTION_NUMBER.match(line.text):
            heading = Block(f"{heading.text} {line.text}", level)
            continue
        if heading:
            yield heading
            heading = None
        if level:
            heading = Block(line.text, level)
        elif line.is_row:
            yield Block(line.block_text)
        else:
            paragraph.append(line.text)
    if paragraph:
        yield Block(" ".join(paragraph))
    if heading:
        yield heading


def _line_spacing(pages: list[list[Line]]) -> float:
    """The document's usual distance between two lines of one paragraph: the lower quartile of
    the gaps between consecutive lines of the same style, since the gaps between paragraphs
    are the wider ones (0 when positions are unknown)."""
    gaps = sorted(
        above.height - line.height
        for lines in pages
        for above, line in itertools.pairwise(lines)
        if above.style == line.style and above.height > line.height
    )
    return gaps[len(gaps) // 4] if gaps else 0.0


def _spaced_apart(lines: list[Line], spacing: float) -> list[bool]:
    """For each line, whether more space than the usual line spacing sits above it."""
    gaps = [above.height - line.height for above, line in itertools.pairwise(lines)]
    apart = [bool(spacing) and gap > spacing * PARAGRAPH_SPACING for gap in gaps]
    return [False, *apart] if lines else []


# ------------------------------------------------------------------ Decompression limits


@contextmanager
def _limits_hit() -> Iterator[list[BaseException]]:
    """pypdf logs, rather than raises, a limit it hits inside a form a page draws; collect those."""
    hits: list[BaseException] = []
    handler = _LimitHandler(hits)
    pypdf_logger = logging.getLogger("pypdf")
    pypdf_logger.addHandler(handler)
    try:
        yield hits
    finally:
        pypdf_logger.removeHandler(handler)


class _LimitHandler(logging.Handler):
    def __init__(self, hits: list[BaseException]) -> None:
        super().__init__(logging.WARNING)
        self.hits = hits

    def emit(self, record: logging.LogRecord) -> None:
        values = record.args.values() if isinstance(record.args, dict) else record.args or ()
        self.hits.extend(
            value for value in values if isinstance(value, LimitReachedError | MemoryError)
        )
