"""A passage's text as the units an answer may quote: whole sentences, and lists whole.

Ingestion joins a section's paragraphs with spaces or line breaks, so a numbered list may
arrive on one line ("… as follows: 1.1 Hold … 1.2 Carry …"). A list is recognised by its
markers running in sequence (1.1, 1.2 …; (a), (b) …; (i), (ii) …; bullets), not by line
breaks, and its lead-in sentence belongs to it. Sentences end at . ! or ? before a capital or
a figure, but not after an abbreviation ("Dr.", "e.g.", "excl.") or an initial.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass

INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget)\b.{0,40}\b(instructions?|prompts?|rules?)\b"
    r"|\b(system prompt|you are now|as an ai|assistant:)",
    re.IGNORECASE,
)
CLOSING_QUOTES = "\"'\u201d\u2019"
OPENING_QUOTES = "\"'\u201c\u2018"
BREAK = re.compile(rf"[.!?][{CLOSING_QUOTES})\]]*\s+(?=[{OPENING_QUOTES}(\[]?[A-Z0-9£$€])")
WORD_BEFORE = re.compile(r"[\w.]*$")
ABBREVIATED = (
    "dr mr mrs ms mx prof rev st no nos approx excl incl e.g i.e eg ie cf vs viz al fig figs "
    "para paras cl sec p pp ref refs tel vol"
)
ABBREVIATIONS = frozenset(ABBREVIATED.split())
BULLETS = "-*•"
MARKER = re.compile(
    r"(?:^|(?<=\s))(\d+(?:\.\d+)+\.?|\d+[.)]|\((?:[a-z]|[ivx]+)\)|[a-z]\)|[-*•])(?=\s)"
)
# A bulleted list starts a line or follows a sentence; a dash inside a sentence is punctuation.
OPENS_BULLETS = re.compile(r"(?:^|\n|[.:;!?][\"')\]]*)\s*$")
ROMAN_NUMERALS = "i ii iii iv v vi vii viii ix x xi xii xiii xiv xv xvi xvii xviii xix xx"
ROMAN = ROMAN_NUMERALS.split()
TABLE_ROW = re.compile(r"\s\|\s")
MIN_LIST_ITEMS = 2


@dataclass(frozen=True)
class Unit:
    text: str
    # Units of one list (its lead-in and items) share an index; prose has none.
    list_index: int | None = None
    lead_in: bool = False


def units_of(text: str) -> Iterator[Unit]:
    """The passage's sentences, list items and table rows, in reading order."""
    start = 0
    for index, (markers, end) in enumerate(_lists(text)):
        prose, lead_in = _lead_in(text[start : markers[0].start()])
        yield from _prose_units(prose)
        if lead_in:
            yield Unit(_one_line(lead_in), index, lead_in=True)
        for item in _items(text, markers, end):
            yield Unit(item, index)
        start = end
    yield from _prose_units(text[start:])


def sentences_of(prose: str) -> Iterator[str]:
    """The prose's sentences, each whole."""
    start = 0
    for match in BREAK.finditer(prose):
        if _after_abbreviation(prose, match.start()):
            continue
        if sentence := prose[start : match.end()].strip():
            yield sentence
        start = match.end()
    if sentence := prose[start:].strip():
        yield sentence


def _after_abbreviation(text: str, stop: int) -> bool:
    if text[stop] != ".":
        return False
    word = WORD_BEFORE.search(text[:stop]).group().lstrip(".").lower()  # type: ignore[union-attr]
    return word in ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def _prose_units(prose: str) -> Iterator[Unit]:
    """Sentences of prose (however its lines wrap), table rows whole."""
    paragraph: list[str] = []
    for line in (line.strip() for line in prose.splitlines()):
        if line and not TABLE_ROW.search(line):
            paragraph.append(line)
            continue
        yield from (Unit(sentence) for sentence in sentences_of(" ".join(paragraph)))
        paragraph = []
        if line:
            yield Unit(line)
    yield from (Unit(sentence) for sentence in sentences_of(" ".join(paragraph)))


def _lead_in(prose: str) -> tuple[str, str]:
    """The prose before a list, and its last sentence when that introduces the list."""
    sentences = list(sentences_of(prose))
    if sentences and sentences[-1].endswith(":"):
        return prose[: prose.rindex(sentences[-1])], sentences[-1]
    return prose, ""


def _lists(text: str) -> Iterator[tuple[list[re.Match[str]], int]]:
    """Each list's markers, and where its last item ends."""
    run: list[re.Match[str]] = []
    for marker in MARKER.finditer(text):
        if run and _label(marker) in _successors(_label(run[-1])):
            run.append(marker)
        elif len(run) < MIN_LIST_ITEMS or marker.start() >= _end_of_last_item(text, run[-1]):
            yield from _finished(text, run)
            run = [marker] if _may_open(text, marker) else []
        # else a figure inside a list's last item ("see clause 3.2"), part of its text
    yield from _finished(text, run)


def _finished(text: str, run: list[re.Match[str]]) -> Iterator[tuple[list[re.Match[str]], int]]:
    if len(run) >= MIN_LIST_ITEMS:
        yield run, _end_of_last_item(text, run[-1])


def _may_open(text: str, marker: re.Match[str]) -> bool:
    return _label(marker) not in BULLETS or bool(OPENS_BULLETS.search(text[: marker.start()]))


def _label(marker: re.Match[str]) -> str:
    return marker.group(1)


def _end_of_last_item(text: str, marker: re.Match[str]) -> int:
    """The last item ends at its line's end or, on a line that runs on, its first sentence's."""
    rest = text[marker.end() :]
    line = rest.split("\n", 1)[0]
    first = next(sentences_of(line), "")
    return marker.end() + (rest.index(first) + len(first) if first else len(line))


def _items(text: str, markers: list[re.Match[str]], end: int) -> Iterator[str]:
    for marker, following in zip(markers, [*markers[1:], None], strict=True):
        item = _one_line(text[marker.start() : following.start() if following else end])
        yield item.lstrip("-*• ") if _label(marker) in BULLETS else item


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _successors(marker: str) -> set[str]:
    """The markers that may follow this one in the same list."""
    if marker in BULLETS:
        return {marker}
    if number := re.fullmatch(r"((?:\d+\.)+)(\d+)(\.?)", marker):
        prefix, last, dot = number.groups()
        return {f"{prefix}{int(last) + 1}{dot}"}
    if number := re.fullmatch(r"(\d+)([.)])", marker):
        return {f"{int(number[1]) + 1}{number[2]}"}
    opening, label, closing = re.fullmatch(r"(\(?)([a-z]+)(\))", marker).groups()  # type: ignore[union-attr]
    following = set()
    if len(label) == 1 and label != "z":
        following.add(chr(ord(label) + 1))
    if label in ROMAN[:-1]:
        following.add(ROMAN[ROMAN.index(label) + 1])
    return {f"{opening}{label}{closing}" for label in following}
