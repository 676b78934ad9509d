"""Items in running text: numbered paragraphs, questions, instructions and obligations, each with
the guidance that follows it.

An item starts at a numbered line ("6.1.1 Describe …", "Q3 …", "B.2.1 …") or, without a number,
at a sentence that asks, instructs or obliges. What follows joins it while it reads as guidance:
"Your response should cover:" and the bullets after it, "Maximum 500 words.", "Weighting: 10%",
lower-case list lines, and everything after a line ending in a colon.

Sub-items — decision: a lettered or roman sub-item ("(a)", "ii)") under a numbered item is a
separate item, referenced "3.2(a)", when it can be answered on its own (it asks, instructs or
obliges — "(a) Set out your mobilisation plan …"); the parent is then an item only if it asks
something itself. A sub-item that only lists what to cover or hold ("(a) local employment;")
is guidance and stays in its parent's text. A sub-item straight under a numbered heading
("6.2 Mobilisation" then "(a) …") takes the heading's number as its parent, and so does the
only question under a numbered heading that numbers nothing else ("3.2 Mobilisation plan",
then "Describe your plan …" becomes 3.2).

Inside one block, sentences after a numbered item's first stay with it until a definition, or
until an obligation or question follows a sentence unrelated to the item (PDFs run single-line
paragraphs together, so the next requirement may share the block).
"""

from dataclasses import dataclass

from projects.register.extraction.kinds import QUESTION
from projects.register.extraction.kinds import classify
from projects.register.extraction.kinds import is_continuation
from projects.register.extraction.kinds import is_definition
from projects.register.extraction.kinds import sentences
from projects.register.extraction.layout import Line
from projects.register.extraction.numbering import leading_reference


@dataclass
class Unit:
    """An item being gathered: its number, its lines of text, and where it was found."""

    reference: str
    lines: list[str]
    origin: Line
    numbered: bool
    sub_item: bool = False

    @property
    def page(self) -> int:
        return self.origin.page

    @property
    def section(self) -> str:
        return self.origin.section

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def open_ended(self) -> bool:
        """Its text ends with a colon: what comes next belongs to it."""
        return self.lines[-1].rstrip().endswith(":")


def body_units(lines: list[Line], skip: set[int]) -> list[Unit]:
    """Every unit of running text (a candidate item, still to be classified)."""
    units: list[Unit] = []
    current: Unit | None = None
    parent: Unit | None = None  # the numbered item sub-items hang from
    for index, line in enumerate(lines):
        if index in skip:
            current = parent = None
            continue
        if line.is_heading:
            current = parent = None
            continue
        if line.is_row:  # a row of a table that is not a question table: one line on its own
            current = parent = None
            units.append(_row_unit(line))
            continue
        numbered = leading_reference(line.text)
        if numbered and numbered[2]:
            current = _sub_item(units, parent, current, line, numbered[0], numbered[1])
            continue
        if numbered:
            reference, rest = numbered[0], numbered[1]
            kept, left = _own_sentences(rest)
            current = parent = Unit(reference, [kept], line, numbered=True)
            units.append(current)
            if left:
                current = _loose_sentences(units, None, left, line)
                parent = parent if current is None else None
            continue
        current = _loose_sentences(units, current, sentences(line.text), line)
        if current is None or not current.numbered:
            parent = parent if current is None else None
    _number_by_heading(units)
    return units


def _number_by_heading(units: list[Unit]) -> None:
    """The one question under a numbered heading that numbers nothing else ("3.2 Mobilisation
    plan", then "Describe your plan …") takes the heading's number."""
    sections: dict[tuple[str, str], list[Unit]] = {}
    for unit in units:
        sections.setdefault((unit.section, unit.origin.section_reference), []).append(unit)
    for (_, reference), members in sections.items():
        questions = [unit for unit in members if classify(unit.text) == QUESTION]
        if reference and len(questions) == 1 and not any(unit.numbered for unit in members):
            questions[0].reference, questions[0].numbered = reference, True


def _sub_item(
    units: list[Unit], parent: Unit | None, current: Unit | None, line: Line, letter: str,
    rest: str,
) -> Unit | None:  # fmt: skip
    if classify(rest) is None:  # guidance: what to cover, or a list of what to hold
        if current is not None:
            current.lines.append(line.text)
        return current
    base = parent.reference if parent is not None else line.section_reference
    reference = f"{base}{letter}" if base else letter
    unit = Unit(reference, [rest], line, numbered=bool(base), sub_item=True)
    units.append(unit)
    return unit


def _own_sentences(text: str) -> tuple[str, list[str]]:
    """A numbered paragraph's own sentences, and those that start new items."""
    parts = sentences(text)
    kept = parts[:1]
    related = True
    for position, sentence in enumerate(parts[1:], start=1):
        candidate = classify(sentence) is not None
        if is_definition(sentence) or (candidate and not related and not is_continuation(sentence)):
            return " ".join(kept), parts[position:]
        related = candidate or is_continuation(sentence)
        kept.append(sentence)
    return " ".join(kept), []


def _loose_sentences(
    units: list[Unit], current: Unit | None, parts: list[str], line: Line
) -> Unit | None:
    for sentence in parts:
        if current is not None and (current.open_ended or is_continuation(sentence)):
            current.lines.append(sentence)
        elif classify(sentence) is not None and not is_definition(sentence):
            current = Unit("", [sentence], line, numbered=False)
            units.append(current)
        else:
            current = None
    return current


def _row_unit(line: Line) -> Unit:
    cells = line.cells
    if len(cells) > 1 and (found := leading_reference(f"{cells[0]} x")) and not found[2]:
        return Unit(found[0], ["; ".join(cells[1:])], line, numbered=True)
    return Unit("", ["; ".join(cells)], line, numbered=False)
