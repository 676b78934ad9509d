"""Weightings: "Weighting: 10", "weighting 15%", "(weighted 20%)", "(15%)" after a question,
"15% of the quality score", a Weighting column, and an evaluation table elsewhere in the
document naming the question by reference ("2.1 | 10%")."""

import re
from decimal import Decimal
from decimal import InvalidOperation

MAX_WEIGHTING = 100  # per cent, or points out of 100
_NUMBER = r"(?P<value>\d{1,3}(?:\.\d{1,2})?)"
WEIGHTING_PATTERNS = (
    re.compile(
        rf"\bweight(?:ing|ed)?s?\s*(?:is|of|at|=|:|-|\u2013)?\s*{_NUMBER}\s*(?:%|per\s*cent)?", re.I
    ),
    re.compile(
        rf"\b{_NUMBER}\s*(?:%|per\s*cent)\s*(?:weighting|weighted|of\s+the\s+(?:total|overall|"
        rf"quality|technical)\s+(?:score|marks?|evaluation))",
        re.I,
    ),
    # "(15%)" standing alone in brackets, as question titles carry it.
    re.compile(rf"\(\s*{_NUMBER}\s*%\s*[),;]"),
    # "Mobilisation plan - 15%" or "… your plan. 15%": a percentage closing the item on its own.
    re.compile(rf"(?:^|[.?!:\-\u2013|]\s*){_NUMBER}\s*%\s*$"),
)
_CELL = re.compile(rf"^\s*{_NUMBER}\s*(?:%|per\s*cent|points|marks)?\s*$", re.I)


def find_weighting(text: str) -> Decimal | None:
    """The weighting stated in ``text``, or None."""
    found = [(m.start(), m["value"]) for p in WEIGHTING_PATTERNS if (m := p.search(text))]
    value = _decimal(min(found)[1]) if found else None
    return value if value is not None and value <= MAX_WEIGHTING else None


def weighting_from_cell(cell: str) -> Decimal | None:
    """A weighting cell: "10%", "10", "7.5 %"; a weighting over 100 is not one."""
    match = _CELL.match(cell)
    if not match:
        return find_weighting(cell)
    value = _decimal(match["value"])
    return value if value is not None and value <= MAX_WEIGHTING else None


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None
