"""Each phrasing family extraction understands: limits, weightings, references, dates, and
what must never become an item (contents lines, running headers and footers, definitions)."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from documents.ingest.parsed import Block
from documents.ingest.parsed import Page
from documents.ingest.parsed import ParsedDocument
from documents.ingest.parsers import parse
from documents.ingest.validation import FileKind
from projects.register.extraction import extract
from projects.register.extraction.dates import parse_date
from projects.register.extraction.dates import parse_time
from projects.register.extraction.limits import find_limit
from projects.register.extraction.numbering import leading_reference
from projects.register.extraction.weightings import find_weighting
from tests.documents.files import Heading
from tests.documents.files import Table
from tests.projects.register import tender_pack as pack


def document(*pages: list[str | Block]) -> ParsedDocument:
    return ParsedDocument(tuple(
        Page(number, tuple(b if isinstance(b, Block) else Block(b) for b in blocks))
        for number, blocks in enumerate(pages, start=1)
    ))  # fmt: skip


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("Describe your approach (maximum 500 words).", (500, "words")),
        ("Explain your plan. (Max 1,000 words)", (1000, "words")),
        ("Set out your plan on no more than 2 sides of A4.", (2, "pages")),
        ("Outline your method, up to 3 pages.", (3, "pages")),
        ("Describe it in 4000 characters including spaces.", (4000, "characters")),
        ("Explain your approach. 500 word limit.", (500, "words")),
        ("Describe your approach. Word count: 750", (750, "words")),
        ("Your response must not exceed 300 words.", (300, "words")),
        ("Responses are limited to 2,500 characters.", (2500, "characters")),
        ("Page limit: 4", (4, "pages")),
        ("What is your approach to safeguarding? (500 words)", (500, "words")),
        ("Maximum response length: 2 pages.", (2, "pages")),
        ("Up to a maximum of 300 words.", (300, "words")),
        ("Response limit: 1 side of A4", (1, "pages")),
        ("Answers should be no longer than 750 words.", (750, "words")),
    ],
)
def test_limits_are_read_in_every_phrasing(text: str, limit: tuple[int, str]) -> None:
    assert find_limit(text) == limit


@pytest.mark.parametrize(
    "text",
    ["Attend within 30 minutes of a call.", "Appendix A runs to 40 pages.", "We employ 500 staff."],
)
def test_numbers_that_are_not_limits_are_not_limits(text: str) -> None:
    assert find_limit(text) is None


@pytest.mark.parametrize(
    ("text", "weighting"),
    [
        ("Describe your plan. Weighting: 10", Decimal(10)),
        ("Describe your plan (weighted 20%).", Decimal(20)),
        ("3.1 Mobilisation (15%)", Decimal(15)),
        ("This question carries a weighting of 7.5%.", Decimal("7.5")),
        ("Worth 25% of the quality score.", Decimal(25)),
        ("Reduce carbon by 5% each year.", None),
    ],
)
def test_weightings_are_read_in_every_form(text: str, weighting: Decimal | None) -> None:
    assert find_weighting(text) == weighting


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("1.2 Describe your approach.", "1.2"),
        ("3.2.1 Describe your approach.", "3.2.1"),
        ("Q3 Describe your approach.", "Q3"),
        ("Question 4: Describe your approach.", "Q4"),
        ("A.4 Describe your approach.", "A.4"),
        ("(a) Describe your approach.", "(a)"),
        ("3. Describe your approach.", "3"),
    ],
)
def test_references_are_read_in_every_form(text: str, reference: str) -> None:
    found = leading_reference(text)
    assert found is not None
    assert found[0] == reference


@pytest.mark.parametrize(
    ("text", "date", "time"),
    [
        ("by 12:00 noon on 14 March 2027", dt.date(2027, 3, 14), dt.time(12, 0)),
        ("by 14/03/2027", dt.date(2027, 3, 14), None),
        ("on Monday 3rd May 2027 at 17:00", dt.date(2027, 5, 3), dt.time(17, 0)),
        ("on 2027-03-14 at 5pm", dt.date(2027, 3, 14), dt.time(17, 0)),
        ("on March 14, 2027 at midday", dt.date(2027, 3, 14), dt.time(12, 0)),
        ("on 04.05.27 at 9.30am", dt.date(2027, 5, 4), dt.time(9, 30)),
    ],
)
def test_dates_are_read_day_first_in_uk_iso_and_long_forms(
    text: str, date: dt.date, time: dt.time | None
) -> None:
    found, span = parse_date(text)
    assert found == date
    assert parse_time(text, exclude=span) == time


def test_key_dates_are_found_in_sentences_and_timetables() -> None:
    result = extract(document([
        "Tenders must be returned no later than 12:00 noon on 14 March 2027.",
        "Activity | Date",
        "Clarification deadline | 28/02/2027",
        "Clarification interviews | Monday 3rd May 2027 at 10:00",
        "Contract start | 2027-10-01",
        "ISO 9001 certificate - expiry date: 15/09/2026",
    ]))  # fmt: skip
    found = {(d.kind, d.date, d.time) for d in result.dates}
    assert found == {
        ("submission_deadline", dt.date(2027, 3, 14), dt.time(12, 0)),
        ("clarification_deadline", dt.date(2027, 2, 28), None),
        ("presentation", dt.date(2027, 5, 3), dt.time(10, 0)),
        ("contract_start", dt.date(2027, 10, 1), None),
    }


def test_contents_lines_headings_and_definitions_are_not_items() -> None:
    result = extract(document(
        [Block("Contents", 1), "3.2 Technical questions ........ 7", "4. Pricing .......... 9"],
        [Block("Section 3", 1), Block("3.2 Technical questions", 2),
         "“Contractor” means the organisation that must deliver the service.",
         "3.2.1 Describe your approach to mobilisation. (Max 500 words)",
         "3.2.2 Technical questions .......... 7"],
    ))  # fmt: skip
    assert [item.reference for item in result.items] == ["3.2.1"]


def test_running_headers_and_page_numbers_are_not_items() -> None:
    header = "Northbridge Council - ITT 014 - Bidders must read every page"
    pages: list[list[str | Block]] = [[header, f"{n}.1 Describe item {n} of the service. Maximum 300 words.", f"Page {n} of 5"]
             for n in range(1, 6)]  # fmt: skip
    result = extract(document(*pages))
    assert [item.reference for item in result.items] == ["1.1", "2.1", "3.1", "4.1", "5.1"]
    assert all(item.limit_value == 300 for item in result.items)


def test_an_item_found_by_its_number_and_its_question_mark_is_one_item() -> None:
    result = extract(document(["2.1 How will you mobilise the contract? Weighting: 10%"]))
    assert len(result.items) == 1
    assert result.items[0].reference == "2.1"
    assert result.items[0].weighting == 10


def test_an_evaluation_table_gives_its_weighting_to_the_question_it_names() -> None:
    result = extract(document(
        ["2.1 Describe your mobilisation plan.", "2.2 Explain your exit plan."],
        ["Question | Weighting", "2.1 | 10%", "2.2 | 15%"],
    ))  # fmt: skip
    assert {i.reference: i.weighting for i in result.items} == {"2.1": 10, "2.2": 15}


def test_separately_answerable_sub_questions_become_items_and_guidance_stays() -> None:
    result = extract(document([
        "3.2 Mobilisation. Answer both parts:",
        "(a) Describe your plan for the first 90 days. Maximum 500 words.",
        "(b) Explain how you will transfer staff. Maximum 300 words.",
        "3.3 Describe your social value offer, covering:",
        "(a) local jobs;",
        "(b) apprenticeships.",
    ]))  # fmt: skip
    items = {item.reference: item for item in result.items}
    assert set(items) == {"3.2(a)", "3.2(b)", "3.3"}
    assert items["3.2(b)"].limit_value == 300
    assert "(b) apprenticeships." in items["3.3"].text


@pytest.mark.parametrize(
    ("text", "kind", "mandatory"),
    [
        ("Bidders must provide a copy of their ISO 9001 certificate.", "attachment", True),
        ("Please attach your insurance certificates.", "attachment", False),
        ("The supplier shall provide a 24-hour helpdesk.", "requirement", True),
        ("Tenders must be submitted via the portal.", "requirement", True),
        ("Describe your approach to quality.", "question", False),
        ("Confirm you hold Cyber Essentials. Pass/Fail", "question", True),
        ("What is your staff turnover?", "question", False),
    ],
)
def test_items_are_classified_by_what_they_ask(text: str, kind: str, mandatory: bool) -> None:
    (item,) = extract(document([text])).items
    assert (item.kind, item.mandatory) == (kind, mandatory)


def test_information_to_bidders_is_not_an_item() -> None:
    result = extract(document([
        "The Council will publish all clarification answers on the portal.",
        "Bidders may ask questions at any time before the deadline.",
        "The following requirements are assessed on a pass/fail basis.",
        "List of appendices and forms used in this tender.",
        "State aid rules apply to the funding of this contract.",
    ]))  # fmt: skip
    assert result.items == ()


def test_a_pdf_question_table_with_wrapped_cells_and_numbered_rows_is_read_row_by_row() -> None:
    parts: list[pack.Part] = [
        Heading("7. Questionnaire"),
        Table((
            ("Ref", "Question", "Weighting", "Word limit"),
            ("7.1", "Describe your approach to health and safety management on council sites, "
                    "including how you will manage subcontractors and visitors, and how "
                    "incidents are reported to the Council.", "10%", "750"),
            ("7.2", "What measures will you take to reduce energy use?", "5%", "500"),
        )),
        "7.3 Explain your approach to social value. Maximum 300 words.",
    ]  # fmt: skip
    result = extract(parse(FileKind.PDF, io.BytesIO(pack.pdf_of(parts))))
    found = [(i.reference, i.limit_value, i.weighting) for i in result.items]
    assert found == [("7.1", 750, 10), ("7.2", 500, 5), ("7.3", 300, None)]
    assert result.items[0].text.endswith("how incidents are reported to the Council.")


def test_the_only_question_under_a_numbered_heading_takes_its_number() -> None:
    result = extract(document([
        Block("8. Mobilisation plan", 1),
        "Describe your mobilisation plan for the first 90 days. (Max 500 words) Please attach a "
        "copy of your mobilisation plan template.",
    ]))  # fmt: skip
    assert [(i.reference, i.kind, i.limit_value) for i in result.items] == [
        ("8", "question", 500),
        ("", "attachment", None),
    ]


def test_evidence_held_for_inspection_is_a_requirement_not_an_attachment() -> None:
    (item,) = extract(document([
        "Bidders must hold public liability insurance of at least £10 million and provide the "
        "certificates on request."
    ])).items  # fmt: skip
    assert (item.kind, item.mandatory) == ("requirement", True)


def test_a_confirmation_bidders_must_give_is_a_mandatory_question() -> None:
    (item,) = extract(
        document(["1.6 Bidders must confirm that staff are paid the Living Wage."])
    ).items
    assert (item.kind, item.mandatory) == ("question", True)


def test_the_submission_deadline_is_read_from_an_instruction_to_submit() -> None:
    (date,) = extract(document([
        "1.1 Bidders must submit their response through the portal by 12:00 noon on 14 March 2026."
    ])).dates  # fmt: skip
    assert (date.kind, date.date, date.time) == (
        "submission_deadline", dt.date(2026, 3, 14), dt.time(12, 0),
    )  # fmt: skip


def test_an_evaluation_table_before_the_questions_names_them_without_replacing_them() -> None:
    result = extract(document(
        [Block("Evaluation", 1), "Question | Weighting", "3.1 Mobilisation | 15%",
         "3.2 Social value | 10%"],
        [Block("3. Quality", 1), "3.1 Describe your mobilisation plan. Maximum 500 words.",
         "3.2 Explain your social value offer - 10%"],
    ))  # fmt: skip
    items = {item.reference: item for item in result.items}
    assert set(items) == {"3.1", "3.2"}
    assert items["3.1"].text.startswith("Describe your mobilisation plan")
    assert (items["3.1"].weighting, items["3.2"].weighting) == (15, 10)


def test_a_question_numbered_by_its_heading_takes_the_headings_weighting_and_limit() -> None:
    result = extract(document([
        Block("Question 4: Mobilisation (15%, maximum 750 words)", 2),
        "Describe how you will mobilise the contract in its first 90 days.",
    ]))  # fmt: skip
    (item,) = result.items
    assert (item.reference, item.weighting, item.limit_value) == ("Q4", 15, 750)
