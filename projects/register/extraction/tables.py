"""Questions laid out in tables: DOCX and PDF tables and XLSX questionnaires.

A header row is a row whose every cell names a column (Ref, Question, Requirement, Weighting,
Word limit, Response, Section, Pass/Fail …). The rows under it, up to the first line that is not
a row, are read by column: one item per row with a question or requirement, while a row that
gives only a reference and a weighting (an evaluation table, "2.1 | 10%") feeds the weighting
map. Parsers drop empty cells and a PDF may run two narrow cells together ("5% | 250" read as
"… action? 5%"), so cells are first split where a value trails the text, then matched to
columns in order by what they hold, skipping columns left empty.
"""

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from decimal import Decimal

from documents.ingest.parsed import CELL_SEPARATOR
from projects.register.extraction.kinds import QUESTION
from projects.register.extraction.kinds import REQUIREMENT
from projects.register.extraction.kinds import classify
from projects.register.extraction.kinds import is_mandatory
from projects.register.extraction.layout import Line
from projects.register.extraction.limits import find_limit
from projects.register.extraction.limits import limit_from_cell
from projects.register.extraction.numbering import is_cell_reference
from projects.register.extraction.numbering import leading_reference
from projects.register.extraction.numbering import normalise
from projects.register.extraction.weightings import find_weighting
from projects.register.extraction.weightings import weighting_from_cell

REF, TEXT, WEIGHTING, LIMIT, RESPONSE, SECTION, MANDATORY = (
    "ref", "text", "weighting", "limit", "response", "section", "mandatory",
)  # fmt: skip
COLUMN_NAMES = re.compile(
    r"(?P<limit>(?:max(?:imum)?\s+)?(?:word|page|character)s?\s+(?:limit|count)|limit|"
    r"max(?:imum)?\s+(?:words|pages|length))"
    r"|(?P<weighting>weight(?:ing)?s?(?:\s*\(?%\)?)?|%|marks?|points)"
    r"|(?P<mandatory>pass\s*/\s*fail|mandatory(?:\s*/\s*desirable)?|compliance|type)"
    r"|(?P<ref>ref(?:erence)?\.?(?:\s+no\.?)?|no\.?|number|item\s+no\.?|q(?:uestion)?\s*(?:no\.?|"
    r"number|ref)|id|#)"
    r"|(?P<text>questions?|requirements?|description|criteri(?:on|a)|specification|statement|"
    r"item)"
    r"|(?P<response>(?:bidder'?s?\s+|supplier'?s?\s+|your\s+)?(?:response|answer)s?|comments?|"
    r"evidence)"
    r"|(?P<section>section|category|theme|lot|area|topic)",
    re.I,
)
_TRAILING_VALUE = re.compile(
    r"^(?P<rest>.*\S)\s+(?P<value>\d{1,3}(?:\.\d+)?\s*%|pass\s*/\s*fail|n/?a|"
    r"\d[\d,]*(?:\s*(?:words|pages|characters))?)$",
    re.I,
)
SHORT_TITLE_WORDS = 8
MAX_HEADER_CELL = 40
_NOT_APPLICABLE = re.compile(r"^(?:n/?a|-|\u2013|none|nil|tbc)$", re.I)
_PASS_FAIL = re.compile(r"pass\s*/\s*fail|^(?:yes|mandatory|m)$", re.I)


@dataclass(frozen=True)
class TableRow:
    """What one row of a question table says."""

    reference: str
    text: str
    kind: str
    page: int
    section: str
    mandatory: bool
    limit: tuple[int, str] | None
    weighting: Decimal | None
    position: int = 0


@dataclass
class TableFindings:
    rows: list[TableRow] = field(default_factory=list)
    weightings: dict[str, Decimal] = field(default_factory=dict)
    consumed: set[int] = field(default_factory=set)  # indexes of the lines read as a table


def read_tables(lines: list[Line]) -> TableFindings:
    """Every question table's rows and every reference's weighting from evaluation tables."""
    reader = _TableReader(TableFindings())
    for index, line in enumerate(lines):
        reader.read(index, line, lines[index + 1] if index + 1 < len(lines) else None)
    reader.flush()
    return reader.findings


@dataclass
class _TableReader:
    """Reads table rows under a header row. A PDF may hand a row over in pieces: a row whose
    first cell is a number as plain text ("1.3 6%"), a question cell wrapped over several lines
    with its values on a row of their own ("10% | 750"); the pieces are put back together."""

    findings: TableFindings
    columns: list[tuple[str, str]] | None = None
    pending: tuple[Line, list[str]] | None = None

    def read(self, index: int, line: Line, following: Line | None) -> None:
        if line.is_heading:
            self.close()
            return
        header = header_columns(line.cells) if line.is_row else None
        if header:
            self.flush()
            self.columns = header
        elif not self.columns:
            return
        elif line.is_row and self.pending and self._incomplete() and _values_only(line.cells):
            self.pending[1].extend(line.cells)
            self.flush()
        elif line.is_row:
            self.flush()
            self.pending = (line, list(line.cells))
        elif not self._read_text(line, following):
            self.close()
            return
        self.findings.consumed.add(index)

    def _read_text(self, line: Line, following: Line | None) -> bool:
        """Take a plain line as (part of) a row when it reads as one; False when it does not."""
        values_follow = following is not None and following.is_row and _values_only(following.cells)
        found = leading_reference(line.text)
        if found and not found[2] and (values_follow or _TRAILING_VALUE.match(line.text)):
            self.flush()
            self.pending = (line, [found[0], found[1]])
            return True
        if self.pending and (values_follow or line.text[:1].islower()):
            cells = self.pending[1]
            last_text = max(i for i, cell in enumerate(cells) if not _is_value(cell))
            cells[last_text] = f"{cells[last_text]} {line.text}"
            return True
        return False

    def _incomplete(self) -> bool:
        """A row is waiting for the values a PDF set on a line of their own."""
        return bool(self.pending and self.columns and len(self.pending[1]) < len(self.columns))

    def flush(self) -> None:
        if self.pending and self.columns:
            line, cells = self.pending
            row = dataclasses.replace(line, text=CELL_SEPARATOR.join(cells))
            _read_row(row, self.columns, self.findings)
        self.pending = None

    def close(self) -> None:
        self.flush()
        self.columns = None


def header_columns(cells: list[str]) -> list[tuple[str, str]] | None:
    """The columns (kind, header text) a header row names, or None if the row is not one."""
    if any(len(cell) > MAX_HEADER_CELL for cell in cells):
        return None
    columns: list[tuple[str, str]] = []
    for cell in cells:
        matches = [m for m in COLUMN_NAMES.finditer(cell) if m.group().strip()]
        covered = sum(len(m.group()) for m in matches)
        if not matches or covered < len(re.sub(r"[\s()]", "", cell)) * 0.6:
            return None
        columns.extend((m.lastgroup or "", m.group()) for m in matches)
    kinds = [kind for kind, _ in columns]
    if len(columns) < 2 or not ({TEXT, REF} & set(kinds)) or kinds == [REF, REF]:
        return None
    return columns


def _read_row(line: Line, columns: list[tuple[str, str]], findings: TableFindings) -> None:
    values = _aligned(_split_cells(line.cells, len(columns)), columns)
    reference = normalise(values.get(REF, ""))
    text = values.get(TEXT, "")
    if text and not reference and is_cell_reference(text):
        reference, text = normalise(text), ""
    if text and not reference and (found := leading_reference(text)) and not found[2]:
        reference, text = found[0], found[1]
    weighting = weighting_from_cell(values[WEIGHTING]) if WEIGHTING in values else None
    if _names_only(text, columns):  # an evaluation table: "3.1 Mobilisation | 15%"
        text = ""
    if not text:
        if reference and weighting is not None:
            findings.weightings.setdefault(reference, weighting)
        return
    text_header = next((name for kind, name in columns if kind == TEXT), "")
    kind = classify(text) or (REQUIREMENT if "requirement" in text_header.lower() else QUESTION)
    if not reference and classify(text) is None:
        return
    limit_header = next((name for kind, name in columns if kind == LIMIT), "")
    limit = limit_from_cell(values[LIMIT], limit_header) if LIMIT in values else None
    marker = f"{values.get(WEIGHTING, '')} {values.get(MANDATORY, '')}"
    findings.rows.append(
        TableRow(
            reference=reference,
            text=text,
            kind=kind,
            page=line.page,
            section=line.section,
            mandatory=bool(_PASS_FAIL.search(marker)) or is_mandatory(line.text, kind),
            limit=limit or find_limit(text),
            weighting=weighting if weighting is not None else find_weighting(text),
            position=line.position,
        )
    )


def _names_only(text: str, columns: list[tuple[str, str]]) -> bool:
    """In a table of weightings alone (no limit or response column), a short title that asks
    nothing names a question rather than being one."""
    kinds = {kind for kind, _ in columns}
    return (
        bool(text)
        and kinds <= {REF, TEXT, WEIGHTING, SECTION}
        and len(text.split()) <= SHORT_TITLE_WORDS
        and classify(text) is None
    )


def _values_only(cells: list[str]) -> bool:
    """A row of weightings, limits and marks only (the rest of a wrapped PDF row)."""
    return all(
        _is_value(cell) or _PASS_FAIL.search(cell) or limit_from_cell(cell, "") for cell in cells
    )


def _split_cells(cells: list[str], wanted: int) -> list[str]:
    """Cells with values that trail text in the same cell split off, while fewer than wanted."""
    cells = list(cells)
    index = len(cells) - 1
    while len(cells) < wanted and index >= 0:
        match = _TRAILING_VALUE.match(cells[index])
        if match and not _is_value(cells[index]):
            cells[index : index + 1] = [match["rest"], match["value"]]
            continue
        index -= 1
    return cells


def _is_value(cell: str) -> bool:
    return bool(_NOT_APPLICABLE.match(cell)) or weighting_from_cell(cell) is not None


_FITS: dict[str, Callable[[str], bool]] = {
    REF: is_cell_reference,
    SECTION: lambda cell: 0 < len(cell.split()) <= 4 and not _is_value(cell),
    TEXT: lambda cell: any(character.isalpha() for character in cell) or is_cell_reference(cell),
    WEIGHTING: lambda cell: (
        weighting_from_cell(cell) is not None
        or bool(_NOT_APPLICABLE.match(cell) or _PASS_FAIL.search(cell))
    ),
    LIMIT: lambda cell: limit_from_cell(cell, "") is not None or bool(_NOT_APPLICABLE.match(cell)),
    MANDATORY: lambda cell: len(cell.split()) <= 3,
    RESPONSE: lambda cell: True,
}


def _aligned(cells: list[str], columns: list[tuple[str, str]]) -> dict[str, str]:
    """Cells matched to columns in order, a column skipped when the next cell cannot be its."""
    values: dict[str, str] = {}
    position = 0
    for kind, _ in columns:
        if position >= len(cells):
            break
        if _FITS.get(kind, _FITS[RESPONSE])(cells[position]):
            values.setdefault(kind, cells[position])
            position += 1
    return values
