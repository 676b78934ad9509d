"""Register extraction over a generated 100-page tender PDF (numbered sections, requirements,
questions with limits and guidance bullets, question tables, an evaluation weighting table, key
dates, running header and footer on every page).

Times, over several runs, (a) parsing the PDF in an isolated child as ingestion does
(``parse_isolated`` with the ingestion settings) and (b) ``extract`` on the parsed document,
and reports the median and the slowest run of each and of the two together (target: the whole
extraction <= 10 s on 2 cores), with the number of items and key dates found. No database.

    .venv/bin/python bench/extraction.py [--pages 100] [--runs 5]
"""

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bidscript.settings")
os.environ.setdefault("DEBUG", "true")

TARGET_SECONDS = 10.0
TOPICS = [
    "Service delivery", "Mobilisation", "Social value", "Quality management", "Health and safety",
    "Environmental management", "Staffing and training", "Contract management", "Helpdesk",
    "Risk and resilience",
]  # fmt: skip


@dataclass(frozen=True)
class Timing:
    """One run: seconds spent parsing and extracting, and what was found."""

    parse_seconds: float
    extract_seconds: float
    pages: int
    items: int
    dates: int

    @property
    def total_seconds(self) -> float:
        return self.parse_seconds + self.extract_seconds


def tender_parts(sections: int) -> list[object]:
    """A long tender: each section a heading, requirements, questions in every limit phrasing
    with guidance bullets, and a question table; then evaluation weightings and key dates."""
    from tests.documents.files import Heading
    from tests.documents.files import Table

    parts: list[object] = [
        Heading("Invitation to Tender"),
        "Integrated facilities management services for Northbridge City Council.",
    ]
    weightings = [("Question", "Weighting")]
    limits = ("(Max 1,000 words)", "Maximum 500 words.", "No more than 2 sides of A4.",
              "Up to 3 pages.", "Responses are limited to 4000 characters including spaces.",
              "Word count: 750.")  # fmt: skip
    for number in range(1, sections + 1):
        topic = TOPICS[number % len(TOPICS)]
        parts += [
            Heading(f"{number}. {topic}"),
            f"{number}.1 The Contractor shall deliver {topic.lower()} at every site to the "
            f"standards in schedule {number}, and must report performance to the Council each "
            "month with the evidence it keeps for audit.",
            f"{number}.2 The Contractor must keep a register of every incident affecting "
            f"{topic.lower()} and make it available to the Council on request. Pass/Fail.",
            f"{number}.3 Describe how you will deliver {topic.lower()} across the Council's "
            f"42 buildings, including staffing, escalation and reporting. "
            f"{limits[number % len(limits)]}",
            "Your response should cover:",
            "• the structure of the team and its supervision;",
            "• how you will measure and report performance each month;",
            "• what you will do when a target is missed.",
            f"{number}.4 How will you keep {topic.lower()} running during industrial action or "
            f"severe weather? Weighting: {5 + number % 3}%",
            f"{number}.5 Bidders must provide a copy of their certificate or policy covering "
            f"{topic.lower()}.",
            "The Council will provide storage and welfare facilities at each site.",
            Table(
                (
                    ("Ref", "Question", "Weighting", "Word limit"),
                    (
                        f"Q{number}.1",
                        f"Explain your approach to innovation in {topic.lower()}.",
                        "5%",
                        "300",
                    ),
                    (
                        f"Q{number}.2",
                        f"What is your staff turnover on {topic.lower()} contracts?",
                        "5%",
                        "250",
                    ),
                )
            ),
        ]
        weightings.append((f"{number}.3", f"{5 + number % 4}%"))
    parts += [
        Heading("Evaluation"),
        Table(tuple(weightings)),
        Heading("Key dates"),
        "Clarification questions must be submitted by 5pm on 12 April 2027.",
        "The deadline for tender return is 12:00 noon on Monday 3rd May 2027.",
        "The contract will commence on 1st October 2027.",
    ]
    return parts


def tender_pdf(pages: int) -> bytes:
    """A tender PDF of about ``pages`` pages, with running header and "Page N of M" footer."""
    from tests.projects.register.tender_pack import pdf_of

    sections = max(1, pages)
    data = pdf_of(tender_parts(sections))  # type: ignore[arg-type]
    # Sections run to about a page each; one correction lands near the pages asked for.
    made = data.count(b"/Type /Page\n") or pages
    if made != pages:
        data = pdf_of(tender_parts(max(1, sections * pages // made)))  # type: ignore[arg-type]
    return data


def time_extraction(data: bytes) -> Timing:
    """Parse ``data`` (a PDF) as ingestion does, then extract; the time of each step."""
    from django.conf import settings

    from documents.ingest.isolation import parse_isolated
    from documents.ingest.validation import FileKind
    from projects.register.extraction import extract

    started = time.perf_counter()
    parsed = parse_isolated(
        FileKind.PDF, data, timeout=settings.DOCUMENT_PARSE_TIMEOUT,
        memory_mb=settings.DOCUMENT_PARSE_MEMORY_MB,
    )  # fmt: skip
    parsed_at = time.perf_counter()
    extraction = extract(parsed)
    done = time.perf_counter()
    return Timing(
        parse_seconds=parsed_at - started, extract_seconds=done - parsed_at,
        pages=parsed.page_count, items=len(extraction.items), dates=len(extraction.dates),
    )  # fmt: skip


def report(timings: list[Timing]) -> None:
    def figures(values: list[float]) -> str:
        return f"median {statistics.median(values):.2f} s, max {max(values):.2f} s"

    last = timings[-1]
    print(f"{last.pages}-page tender PDF: {last.items} items, {last.dates} key dates found")
    print(f"parse (isolated child): {figures([t.parse_seconds for t in timings])}")
    print(f"extract:                {figures([t.extract_seconds for t in timings])}")
    worst = max(t.total_seconds for t in timings)
    print(
        f"whole extraction:       {figures([t.total_seconds for t in timings])} "
        f"(target {TARGET_SECONDS:g} s: {'met' if worst <= TARGET_SECONDS else 'MISSED'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    data = tender_pdf(args.pages)
    report([time_extraction(data) for _ in range(args.runs)])


if __name__ == "__main__":
    main()
