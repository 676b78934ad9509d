"""Response limits in the phrasings tenders use.

"maximum 500 words", "(Max 1,000 words)", "no more than 2 sides of A4", "up to 3 pages",
"4000 characters including spaces", "500 word limit", "word count: 750", "must not exceed 300
words", "limited to 2 pages", and a bare number in a "Word limit" column. Sides of A4 count as
pages. A number with a unit but no sign of a limit ("we employ 500 words"? no: "30 pages of
appendices") is not a limit.
"""

import re

WORDS, CHARACTERS, PAGES = "words", "characters", "pages"

_NUMBER = r"(?P<value>\d{1,3}(?:,\d{3})+|\d+)"
_UNIT = r"(?P<unit>words?|characters?|chars|pages?|sides?(?:\s+of\s+A4)?|A4\s+(?:pages?|sides?))"
_CUE = (
    r"max(?:imum)?\.?|up\s+to|no\s+(?:more|longer)\s+than|not\s+(?:to\s+)?exceed(?:ing)?|"
    r"limit(?:ed)?\s+(?:of|to)|at\s+most|within|not\s+more\s+than|maximum\s+of|limit:"
)
LIMIT_PATTERNS = (
    # "maximum 500 words", "no more than 2 sides of A4", "limited to 4,000 characters",
    # "maximum response length: 2 pages", "up to a maximum of 500 words"
    re.compile(
        rf"\b(?:{_CUE})(?:\s+(?:a|an|the|of|total|maximum|response|answer|length|in)){{0,4}}"
        rf"\s*[:\-]?\s*{_NUMBER}\s*{_UNIT}\b",
        re.I,
    ),
    # "(500 words)" standing alone in brackets after a question
    re.compile(rf"\(\s*{_NUMBER}\s*{_UNIT}\s*(?:max(?:imum)?)?\s*\)", re.I),
    # "500 word limit", "500 words maximum", "4000 characters including spaces"
    re.compile(
        rf"\b{_NUMBER}[\s-]*{_UNIT}\s*(?:\(?max(?:imum)?\)?|limit|in\s+total|"
        rf"(?:including|excluding|incl\.?|excl\.?)\s+spaces)",
        re.I,
    ),
    # "word count: 750", "Word limit - 500", "page limit of 4", "character limit 2000"
    re.compile(
        r"\b(?P<unit>word|character|page)\s+(?:limit|count)s?\s*(?:is|of|[:=\-\u2013])?\s*"
        r"(?P<value>\d{1,3}(?:,\d{3})+|\d+)\b",
        re.I,
    ),
)
_BARE = re.compile(rf"^\s*{_NUMBER}\s*(?:{_UNIT})?\s*(?:max(?:imum)?)?\s*$", re.I)


def find_limit(text: str) -> tuple[int, str] | None:
    """The first limit stated in ``text`` as (value, unit), or None."""
    found: list[tuple[int, tuple[int, str]]] = []
    for pattern in LIMIT_PATTERNS:
        match = pattern.search(text)
        if match:
            found.append((match.start(), (_value(match["value"]), unit_of(match["unit"]))))
    return min(found)[1] if found else None


def limit_from_cell(cell: str, header: str) -> tuple[int, str] | None:
    """A limit from a table cell under a limit column: "500", "500 words", "2 pages", or a
    phrase; the unit defaults to the column's ("Page limit" → pages, else words)."""
    bare = _BARE.match(cell)
    if bare:
        unit = bare["unit"] or header
        return _value(bare["value"]), unit_of(unit)
    return find_limit(cell)


def unit_of(text: str) -> str:
    lowered = text.lower()
    if lowered.startswith(("char",)) or "character" in lowered:
        return CHARACTERS
    if "page" in lowered or "side" in lowered or "a4" in lowered:
        return PAGES
    return WORDS


def _value(text: str) -> int:
    return int(text.replace(",", ""))
