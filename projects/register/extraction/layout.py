"""The parsed document as the extractor reads it: one stream of lines, each knowing its page,
whether it is a heading or a table row, and the heading it sits under.

Left out on the way: contents pages (a "Contents" heading's section, and dot-leader lines
anywhere), page numbers, and lines that recur on most pages (running headers and footers a
parser let through). Body text a PDF broke mid-sentence ("… Maximum" / "500 words.") is joined
again, and blocks in which a PDF ran several numbered paragraphs together are split.
"""

import dataclasses
import re
from collections import Counter
from dataclasses import dataclass

from documents.ingest.parsed import CELL_SEPARATOR
from documents.ingest.parsed import ParsedDocument
from projects.register.extraction.numbering import CONTENTS_HEADING
from projects.register.extraction.numbering import is_contents_line
from projects.register.extraction.numbering import is_page_number
from projects.register.extraction.numbering import leading_reference
from projects.register.extraction.numbering import split_inline

# A line recurring on this share of the pages (and on at least 3) is running text.
RUNNING_SHARE = 0.5
_DIGITS = re.compile(r"\d+")
_ENDS_SENTENCE = re.compile(r"[.?!:;)\]]\s*$")
_CARRIES_ON = re.compile(r"^(?:[a-z]|\d[\d,]*\s+[a-z])")


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    heading_level: int = 0
    section: str = ""
    section_reference: str = ""  # the reference of the nearest numbered heading
    position: int = 0  # in the document's stream of lines

    @property
    def is_heading(self) -> bool:
        return self.heading_level > 0

    @property
    def is_row(self) -> bool:
        return not self.is_heading and CELL_SEPARATOR in self.text

    @property
    def cells(self) -> list[str]:
        return [cell.strip() for cell in self.text.split(CELL_SEPARATOR)]


def lines_of(parsed: ParsedDocument) -> list[Line]:
    """The document's lines in reading order, without contents, page numbers and running lines."""
    running = _running_lines(parsed)
    lines: list[Line] = []
    section, reference, contents_level = "", "", 0
    for page in parsed.pages:
        for block in page.blocks:
            text = " ".join(block.text.split())
            if not text or is_page_number(text) or _key(text) in running:
                continue
            if block.heading_level:
                if contents_level and block.heading_level > contents_level:
                    continue
                contents_level = block.heading_level if CONTENTS_HEADING.match(text) else 0
                section, reference = text, _heading_reference(text)
                lines.append(Line(text, page.number, block.heading_level, section, reference))
                continue
            if contents_level or is_contents_line(text):
                continue
            lines.extend(_body_lines(lines, text, page.number, section, reference))
    return [dataclasses.replace(line, position=index) for index, line in enumerate(lines)]


def _body_lines(
    lines: list[Line], text: str, page: int, section: str, reference: str
) -> list[Line]:
    previous = lines[-1] if lines else None
    if (
        previous is not None
        and not previous.is_heading
        and not previous.is_row
        and CELL_SEPARATOR not in text
        and not _ENDS_SENTENCE.search(previous.text)
        and _CARRIES_ON.match(text)
    ):
        lines.pop()
        text = f"{previous.text} {text}"
        page = previous.page
    if CELL_SEPARATOR in text:
        return [Line(text, page, 0, section, reference)]
    return [Line(part, page, 0, section, reference) for part in split_inline(text)]


def _heading_reference(text: str) -> str:
    found = leading_reference(text)
    return found[0] if found and not found[2] else ""


def _running_lines(parsed: ParsedDocument) -> set[str]:
    if parsed.page_count < 3:
        return set()
    seen: Counter[str] = Counter()
    for page in parsed.pages:
        # Only a page's first and last lines can be running ones; table rows and numbered
        # items never are (a long tender repeats "N.1 Describe …" on every page).
        edges = [block.text for block in (*page.blocks[:1], *page.blocks[-1:])]
        seen.update({
            _key(text) for text in edges
            if CELL_SEPARATOR not in text and not leading_reference(text)
        })  # fmt: skip
    needed = max(3, int(parsed.page_count * RUNNING_SHARE))
    return {key for key, count in seen.items() if count >= needed and len(key) < 150}


def _key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))
