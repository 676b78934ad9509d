"""References buyers give their items: ``1.2``, ``3.2.1``, ``Q3``, ``Question 3``, ``A.4``,
``B.2.1``, ``(a)``, ``(iv)``, and in tables codes such as ``T1`` or ``M2``.

A reference counts only at the start of an item (or of a sentence inside a block where a PDF
ran several numbered paragraphs together), never inside running text.
"""

import re

# Top-level forms, in the order they are tried: "Question 3.1", "Q3", "B.2.1" / "A.4",
# "3.2.1" / "1.2", "3." / "3)".
_DOTTED = r"(?:Question|Q)\s?\d+(?:\.\d+)*[a-z]?|[A-Z]\.\d+(?:\.\d+)*|\d+(?:\.\d+)+"
_MAIN = rf"{_DOTTED}|\d+[.)](?=\s)"
_SUB = r"\((?:[a-z]|[ivx]{1,4})\)|(?:[a-z]|[ivx]{1,4})\)"
LEADING = re.compile(rf"^\s*(?:(?P<main>{_MAIN})|(?P<sub>{_SUB}))[.:)]?\s+(?=\S)")
# A reference that starts a sentence inside a block: only the unmistakable dotted and lettered
# forms, so "within 2 hours. 3 sites" never splits.
INLINE = re.compile(
    r"(?<=[.?!;:)])\s+(?=(?:(?:Question|Q)\s?\d+(?:\.\d+)*|[A-Z]\.\d+(?:\.\d+)*|\d+\.\d+(?:\.\d+)*)"
    r"\s+[A-Z“\"(])"
)
# A table cell holding just a reference: any of the above, or a short code such as "T1", "M2".
CELL = re.compile(
    rf"^(?:{_DOTTED}|[A-Z]{{1,3}}\d+(?:\.\d+)*[a-z]?|\d+"
    rf"|\d+(?:\.\d+)*\((?:[a-z]|[ivx]{{1,4}})\))\.?$"
)
# A contents line: a title, dot leaders (or a wide gap) and a page number.
CONTENTS_LINE = re.compile(r"(?:\.{4,}|…{2,}|\s{3,}|\t)\s*\d{1,3}\s*$")
CONTENTS_INLINE = re.compile(r"(?:\.{4,}|…{2,})\s*\d{1,3}\b")
CONTENTS_HEADING = re.compile(r"^(?:table of )?contents$|^index$", re.IGNORECASE)
PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s+(?:of|/)\s+\d{1,4})?$", re.IGNORECASE)


def normalise(reference: str) -> str:
    """One spelling per reference: "Question 3" and "Q 3" are "Q3"; "3." is "3"; "6.2 (a)" is
    "6.2(a)"."""
    text = " ".join(reference.split())
    text = re.sub(r"^(?:Question|Q)\s?(?=\d)", "Q", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+\(", "(", text)
    if not text.endswith(")") or "(" not in text:
        text = text.rstrip(".:)")
    return text


def leading_reference(text: str) -> tuple[str, str, bool] | None:
    """(reference, rest of the text, whether it is a sub-item like "(a)"), or None."""
    match = LEADING.match(text)
    if not match:
        return None
    rest = text[match.end() :]
    if match.group("main"):
        return normalise(match.group("main")), rest, False
    letter = match.group("sub").strip("()")
    return f"({letter})", rest, True


def split_inline(text: str) -> list[str]:
    """A block split where a numbered item starts mid-block (PDFs run single-line paragraphs
    together when they are all spaced alike)."""
    return [part for part in INLINE.split(text) if part.strip()]


def is_cell_reference(cell: str) -> bool:
    return bool(CELL.match(cell.strip())) and len(cell) <= 16


def is_contents_line(text: str) -> bool:
    return bool(CONTENTS_LINE.search(text)) or len(CONTENTS_INLINE.findall(text)) >= 1


def is_page_number(text: str) -> bool:
    return bool(PAGE_NUMBER.match(text.strip()))
