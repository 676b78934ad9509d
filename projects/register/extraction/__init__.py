"""Register extraction: the questions, requirements, attachments and key dates of one parsed
tender document, as plain data (no database).

``extract(parsed)`` reads the document as a stream of lines (layout.py), takes question tables
row by row and evaluation tables as a weighting map (tables.py), gathers numbered and
unnumbered items with their guidance from running text (body.py), classifies each
(kinds.py), reads limits and weightings (limits.py, weightings.py), then gives each item the
weighting an evaluation table names it with, merges items found twice, and reads the key
dates (dates.py). Every regular expression is compiled once, at import.
"""

import dataclasses
from decimal import Decimal

from documents.ingest.parsed import ParsedDocument
from projects.register.extracted import ExtractedItem
from projects.register.extracted import Extraction
from projects.register.extraction.body import Unit
from projects.register.extraction.body import body_units
from projects.register.extraction.dates import find_dates
from projects.register.extraction.kinds import QUESTION
from projects.register.extraction.kinds import classify
from projects.register.extraction.kinds import is_mandatory
from projects.register.extraction.layout import lines_of
from projects.register.extraction.limits import find_limit
from projects.register.extraction.tables import TableRow
from projects.register.extraction.tables import read_tables
from projects.register.extraction.weightings import find_weighting

__all__ = ["extract"]

# How sure extraction is, by how the item was found.
CONFIDENCE_TABLE_ROW = 0.95
CONFIDENCE_NUMBERED_QUESTION = 0.9
CONFIDENCE_NUMBERED = 0.8
CONFIDENCE_QUESTION = 0.7
CONFIDENCE_OBLIGATION = 0.55
MAX_TEXT = 10_000
MAX_REFERENCE = 50  # Question.reference
MAX_SECTION = 300  # Question.section


def extract(parsed: ParsedDocument) -> Extraction:
    """The items and key dates ``parsed`` states, in document order, each item once."""
    lines = lines_of(parsed)
    tables = read_tables(lines)
    units = body_units(lines, tables.consumed)
    found = [(unit.origin.position, item) for unit in units if (item := _from_unit(unit))]
    found.extend((row.position, _from_row(row)) for row in tables.rows)
    found.sort(key=lambda pair: pair[0])  # stable: document order
    items = _merged(_weighted([item for _, item in found], tables.weightings))
    return Extraction(items=tuple(items), dates=tuple(find_dates(lines)))


def _from_unit(unit: Unit) -> ExtractedItem | None:
    text = unit.text.strip()
    kind = classify(text)
    if kind is None:
        return None
    limit, weighting = find_limit(text), find_weighting(text)
    if unit.reference and unit.reference == unit.origin.section_reference:
        # Numbered by its heading ("3.2 Mobilisation (15%, max 500 words)"): so are its terms.
        limit = limit or find_limit(unit.section)
        weighting = weighting if weighting is not None else find_weighting(unit.section)
    if unit.numbered:
        confidence = CONFIDENCE_NUMBERED_QUESTION if kind == QUESTION else CONFIDENCE_NUMBERED
    else:
        confidence = CONFIDENCE_QUESTION if kind == QUESTION else CONFIDENCE_OBLIGATION
    return ExtractedItem(
        reference=unit.reference[:MAX_REFERENCE] if unit.numbered else "",
        text=text[:MAX_TEXT],
        kind=kind,
        page=unit.page,
        section=unit.section[:MAX_SECTION],
        mandatory=is_mandatory(text, kind),
        limit_value=limit[0] if limit else None,
        limit_unit=limit[1] if limit else "",
        weighting=weighting,
        confidence=confidence,
    )


def _from_row(row: TableRow) -> ExtractedItem:
    return ExtractedItem(
        reference=row.reference[:MAX_REFERENCE],
        text=row.text[:MAX_TEXT],
        kind=row.kind,
        page=row.page,
        section=row.section[:MAX_SECTION],
        mandatory=row.mandatory,
        limit_value=row.limit[0] if row.limit else None,
        limit_unit=row.limit[1] if row.limit else "",
        weighting=row.weighting,
        confidence=CONFIDENCE_TABLE_ROW if row.reference else CONFIDENCE_NUMBERED,
    )


def _weighted(items: list[ExtractedItem], weightings: dict[str, Decimal]) -> list[ExtractedItem]:
    """Items given the weighting an evaluation table names them with, where they state none."""
    return [
        dataclasses.replace(item, weighting=weightings[item.reference])
        if item.weighting is None and item.reference in weightings
        else item
        for item in items
    ]


def _merged(items: list[ExtractedItem]) -> list[ExtractedItem]:
    """One item per reference (or per text when unnumbered): a later sighting only fills in
    what the first lacked."""
    by_key: dict[str, int] = {}
    merged: list[ExtractedItem] = []
    for item in items:
        key = item.reference or " ".join(item.text.lower().split())
        if key not in by_key:
            by_key[key] = len(merged)
            merged.append(item)
            continue
        first = merged[by_key[key]]
        merged[by_key[key]] = dataclasses.replace(
            first,
            limit_value=first.limit_value if first.limit_value is not None else item.limit_value,
            limit_unit=first.limit_unit or item.limit_unit,
            weighting=first.weighting if first.weighting is not None else item.weighting,
            mandatory=first.mandatory or item.mandatory,
            confidence=max(first.confidence, item.confidence),
        )
    return merged
