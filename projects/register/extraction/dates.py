"""Key dates of the bid: the clarification deadline, the submission (tender return) deadline,
presentations or interviews, and the contract start, with a time when one is given.

Dates are read day first, as UK tenders write them ("14/03/2027" is 14 March), in long forms
("Monday 3rd May 2027", "14 March 2027", "March 14, 2027") and ISO ("2027-03-14"). A line
(a sentence, or a row of a timetable "Activity | Date") names its kind by its words; a date on
a line that names no kind is not a key date.
"""

import datetime as dt
import re

from documents.ingest.parsed import CELL_SEPARATOR
from projects.register.extracted import ExtractedDate
from projects.register.extraction.kinds import sentences
from projects.register.extraction.layout import Line

CLARIFICATION, SUBMISSION, PRESENTATION, CONTRACT_START = (
    "clarification_deadline", "submission_deadline", "presentation", "contract_start",
)  # fmt: skip
LABELS = {
    CLARIFICATION: "Clarification deadline",
    SUBMISSION: "Submission deadline",
    PRESENTATION: "Presentation",
    CONTRACT_START: "Contract start",
}
# Tried in this order: "clarification interviews" are interviews, and a clarification line
# often mentions submitting questions.
KIND_WORDS = (
    (PRESENTATION, re.compile(r"\bpresentations?\b|\bpresent\s+to\b|\binterviews?\b|"
                              r"\bdemonstrations?\b", re.I)),
    (CLARIFICATION, re.compile(r"\bclarification|\bquestions?\s+(?:must|should)\s+be\s+(?:raised|"
                               r"submitted|received)", re.I)),
    (CONTRACT_START, re.compile(r"\bcontract\s+(?:start|commencement)|\bcommence|\bstart\s+date|"
                                r"\bservice\s+(?:start|commencement)|\bgo[\s-]live", re.I)),
    (SUBMISSION, re.compile(r"\btender\s+(?:return|submission|deadline|closing)|\bsubmission\s+"
                            r"deadline|\bdeadline\s+for\s+(?:tenders?|submissions?|responses?|"
                            r"receipt)|\bclosing\s+date|\breturn\s+(?:date|deadline)|"
                            r"\b(?:tenders?|responses?|bids?)\s+(?:must|should)\s+be\s+"
                            r"(?:submitted|returned|received)\s+(?:by|no\s+later)|"
                            r"\bsubmit\w*\s+(?:their|your|its|the|a)?\s*(?:response|tender|"
                            r"bid|submission)s?\b", re.I)),
)  # fmt: skip
_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
DATE_PATTERNS = (
    re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"\b(?P<day>\d{1,2})[/.](?P<month>\d{1,2})[/.](?P<year>\d{4}|\d{2})\b"),
)
TIME_PATTERNS = (
    re.compile(r"\b(?P<hour>\d{1,2})[:.](?P<minute>\d{2})\s*(?P<half>am|pm|a\.m\.|p\.m\.)?", re.I),
    re.compile(r"\b(?P<hour>\d{1,2})\s*(?P<half>am|pm|a\.m\.|p\.m\.)", re.I),
    re.compile(r"\b(?P<noon>noon|midday|midnight)\b", re.I),
)


def find_dates(lines: list[Line]) -> list[ExtractedDate]:
    """The key dates stated in the document, each kind and day once (the first mention)."""
    found: dict[tuple[str, dt.date], ExtractedDate] = {}
    for line in lines:
        if line.is_heading:
            continue
        for passage in [line.text] if line.is_row else sentences(line.text):
            key_date = date_in(passage, line.page)
            if key_date and (key_date.kind, key_date.date) not in found:
                found[key_date.kind, key_date.date] = key_date
    return list(found.values())


def date_in(passage: str, page: int) -> ExtractedDate | None:
    """The key date a sentence or timetable row states, or None."""
    kind = next((kind for kind, words in KIND_WORDS if words.search(passage)), None)
    if kind is None:
        return None
    date, span = parse_date(passage)
    if date is None:
        return None
    label = passage.split(CELL_SEPARATOR)[0] if CELL_SEPARATOR in passage else LABELS[kind]
    return ExtractedDate(
        kind=kind, date=date, page=page, source_text=passage[:500], label=label[:200],
        time=parse_time(passage, exclude=span),
    )  # fmt: skip


def parse_date(text: str) -> tuple[dt.date | None, tuple[int, int]]:
    """The first date in ``text`` (day first) and where it is."""
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(text):
            month_text = match["month"].lower().rstrip(".")
            month = _MONTHS.get(month_text) or int(month_text)
            year = int(match["year"])
            year += 2000 if year < 100 else 0
            try:
                return dt.date(year, month, int(match["day"])), match.span()
            except ValueError:
                continue
    return None, (0, 0)


def parse_time(text: str, *, exclude: tuple[int, int] = (0, 0)) -> dt.time | None:
    """The time of day in ``text`` outside the date's own span: "12:00", "5pm", "noon"."""
    for pattern in TIME_PATTERNS:
        for match in pattern.finditer(text):
            if exclude[0] <= match.start() < exclude[1]:
                continue
            groups = match.groupdict()
            if groups.get("noon"):
                return dt.time(0, 0) if groups["noon"].lower() == "midnight" else dt.time(12, 0)
            hour, minute = int(groups["hour"]), int(groups.get("minute") or 0)
            half = (groups.get("half") or "").lower().replace(".", "")
            hour += 12 if half == "pm" and hour < 12 else 0
            hour -= 12 if half == "am" and hour == 12 else 0
            if hour < 24 and minute < 60:
                return dt.time(hour, minute)
    return None
