"""What register extraction finds in one parsed tender document, before it meets the register."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ExtractedItem:
    """A question, requirement or attachment as the tender states it.

    ``kind`` is a ``Question.Kind`` value and ``limit_unit`` a ``Question.LimitUnit`` value
    ("" when there is no limit); ``confidence`` runs from 0 to 1.
    """

    reference: str
    text: str
    kind: str
    page: int
    section: str = ""
    mandatory: bool = False
    limit_value: int | None = None
    limit_unit: str = ""
    weighting: Decimal | None = None
    confidence: float = 0.5


@dataclass(frozen=True)
class ExtractedDate:
    """A key date of the bid; ``kind`` is a ``KeyDate.Kind`` value."""

    kind: str
    date: dt.date
    page: int
    source_text: str
    label: str = ""
    time: dt.time | None = None


@dataclass(frozen=True)
class Extraction:
    items: tuple[ExtractedItem, ...] = ()
    dates: tuple[ExtractedDate, ...] = ()
