"""Extraction over the realistic tender pack, in its three forms, against its ground truth:
precision and recall on items, and limits and weightings attached to the right item."""

import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from documents.ingest.parsers import parse
from documents.ingest.validation import FileKind
from projects.register.extracted import ExtractedItem
from projects.register.extracted import Extraction
from projects.register.extraction import extract
from tests.projects.register import tender_pack as pack

FORMS: dict[str, tuple[FileKind, Callable[[], bytes], tuple[pack.Expected, ...],
                       tuple[pack.ExpectedDate, ...]]] = {
    "docx": (FileKind.DOCX, pack.itt_docx, pack.ITT_ITEMS, pack.ITT_DATES),
    "pdf": (FileKind.PDF, pack.part_b_pdf, pack.PART_B_ITEMS, pack.PART_B_DATES),
    "xlsx": (FileKind.XLSX, pack.questionnaire_xlsx, pack.QUESTIONNAIRE_ITEMS,
             pack.QUESTIONNAIRE_DATES),
}  # fmt: skip
MINIMUM = 0.9


@dataclass(frozen=True)
class Score:
    found: int
    expected: int
    matched: int
    limits_right: int
    weightings_right: int
    kinds_right: int

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 0.0

    @property
    def limit_accuracy(self) -> float:
        return self.limits_right / self.matched if self.matched else 0.0

    @property
    def weighting_accuracy(self) -> float:
        return self.weightings_right / self.matched if self.matched else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kinds_right / self.matched if self.matched else 0.0

    def __str__(self) -> str:
        return (
            f"items found {self.found}, expected {self.expected}, matched {self.matched}: "
            f"precision {self.precision:.2f}, recall {self.recall:.2f}, limits right "
            f"{self.limit_accuracy:.2f}, weightings right {self.weighting_accuracy:.2f}, kinds "
            f"right {self.kind_accuracy:.2f}"
        )


def extracted(form: str) -> Extraction:
    kind, build, _, _ = FORMS[form]
    return extract(parse(kind, io.BytesIO(build())))


def matching(expected: pack.Expected, items: list[ExtractedItem]) -> ExtractedItem | None:
    for item in items:
        if expected.reference and item.reference == expected.reference:
            return item
        if not expected.reference and expected.text.lower() in item.text.lower():
            return item
    return None


def score(items: list[ExtractedItem], truth: tuple[pack.Expected, ...]) -> Score:
    pairs = [(expected, matching(expected, items)) for expected in truth]
    found = [(expected, item) for expected, item in pairs if item is not None]
    return Score(
        found=len(items),
        expected=len(truth),
        matched=len({id(item) for _, item in found}),
        limits_right=sum(
            (item.limit_value, item.limit_unit) == (expected.limit or (None, ""))
            for expected, item in found
        ),
        weightings_right=sum(item.weighting == expected.weighting for expected, item in found),
        kinds_right=sum(item.kind == expected.kind for expected, item in found),
    )


@pytest.mark.parametrize("form", FORMS)
def test_the_tender_pack_is_extracted_with_high_precision_and_recall(form: str) -> None:
    result = score(list(extracted(form).items), FORMS[form][2])
    print(f"\n{form}: {result}")
    figures = (result.precision, result.recall, result.limit_accuracy, result.weighting_accuracy)
    assert min(figures) >= MINIMUM, f"{form}: {result}"
    assert result.kind_accuracy >= MINIMUM, f"{form}: {result}"


def test_the_whole_pack_together_reaches_the_targets() -> None:
    items = [(form, item) for form in FORMS for item in extracted(form).items]
    totals = [score([i for f, i in items if f == form], FORMS[form][2]) for form in FORMS]
    overall = Score(*(sum(getattr(s, name) for s in totals) for name in (
        "found", "expected", "matched", "limits_right", "weightings_right", "kinds_right",
    )))  # fmt: skip
    print(f"\nwhole pack: {overall}")
    assert overall.precision >= MINIMUM, str(overall)
    assert overall.recall >= MINIMUM, str(overall)
    assert overall.limit_accuracy >= MINIMUM, str(overall)
    assert overall.weighting_accuracy >= MINIMUM, str(overall)


@pytest.mark.parametrize("form", FORMS)
def test_every_key_date_of_the_pack_is_found_with_its_time(form: str) -> None:
    dates = {(d.kind, d.date, d.time) for d in extracted(form).dates}
    expected = {(d.kind, d.date, d.time) for d in FORMS[form][3]}
    assert expected <= dates, f"missing {expected - dates}"


@pytest.mark.parametrize("form", FORMS)
def test_mandatory_items_are_marked_mandatory(form: str) -> None:
    items = list(extracted(form).items)
    for expected in FORMS[form][2]:
        item = matching(expected, items)
        assert item is not None, expected
        assert item.mandatory == expected.mandatory, (expected, item)


def test_items_carry_their_page_section_and_confidence() -> None:
    items = {item.reference: item for item in extracted("docx").items}
    assert items["6.1.1"].section == "6.1 Service delivery"
    assert items["Q1"].section == "7. Questionnaire"
    assert items["6.1.1"].page < items["Q1"].page
    assert all(0 < item.confidence <= 1 for item in items.values())
    assert items["6.1.1"].confidence > items[""].confidence


def test_a_question_keeps_its_guidance_and_bullets() -> None:
    items = {item.reference: item for item in extracted("docx").items}
    assert "Your response should cover:" in items["6.1.1"].text
    assert "how you will minimise disruption to building users." in items["6.1.1"].text
    assert "(c) reducing carbon emissions from the service." in items["6.3.1"].text
    assert "(b) ISO 14001 environmental management;" in items["4.2"].text


def test_pdf_running_headers_footers_and_contents_never_become_items() -> None:
    result = extracted("pdf")
    texts = " ".join(item.text for item in result.items)
    assert "Part B: Specification" not in texts
    assert "Page " not in texts
    assert ".........." not in texts
    assert "“Core hours” means" not in texts


def test_a_formula_looking_cell_is_read_as_text() -> None:
    items = {item.reference: item for item in extracted("xlsx").items}
    assert items["T4"].text.startswith("-5% reduction")
    assert items["T4"].weighting == 10
    assert "=SUM" not in " ".join(item.text for item in items.values())


def test_kinds_units_and_date_kinds_are_values_the_register_accepts() -> None:
    from projects.models import KeyDate
    from projects.models import Question

    results = [extracted(form) for form in FORMS]
    items = [item for result in results for item in result.items]
    assert {item.kind for item in items} <= set(Question.Kind.values)
    assert {item.limit_unit for item in items} - {""} <= set(Question.LimitUnit.values)
    assert {d.kind for result in results for d in result.dates} <= set(KeyDate.Kind.values)
    assert all(len(item.reference) <= 50 and item.text for item in items)
