"""One realistic tender pack, built by the tests in three forms, with what extraction must find.

Northbridge City Council tenders its integrated facilities management: the invitation to tender
(a Word file: numbered sections, nested sub-questions, guidance bullets, a question table, pass/fail
requirements, documents to return, an evaluation weighting table and a timetable), Part B (a PDF of
several pages with a running header and a "Page N of M" footer, a contents page, a specification,
questions inline and in a table, a weighting table and key dates in sentences) and the technical
questionnaire (an XLSX workbook, one row per question).

The ground truth sits next to each builder: the items (reference, kind, limit, weighting) and the
key dates a bid manager would list from that document.
"""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import docx
import openpyxl
from fpdf import FPDF

from tests.documents.files import Heading
from tests.documents.files import Table
from tests.documents.files import _fpdf

Part = Heading | str | Table

WORDS, CHARACTERS, PAGES = "words", "characters", "pages"
QUESTION, REQUIREMENT, ATTACHMENT = "question", "requirement", "attachment"


@dataclass(frozen=True)
class Expected:
    """An item extraction must find: matched by ``reference``, or by ``text`` (a phrase of the
    item) when the tender gives it no number."""

    reference: str
    kind: str
    limit: tuple[int, str] | None = None
    weighting: Decimal | None = None
    mandatory: bool = False
    text: str = ""


@dataclass(frozen=True)
class ExpectedDate:
    kind: str
    date: dt.date
    time: dt.time | None = None


def _w(value: str) -> Decimal:
    return Decimal(value)


# ------------------------------------------------------------------ The invitation to tender (DOCX)

ITT_HEADER = "Northbridge City Council | ITT NCC/FM/2027/014 | Integrated Facilities Management"

ITT: tuple[Part, ...] = (
    Heading("Invitation to Tender"),
    "Northbridge City Council",
    "Integrated Facilities Management Services",
    "Reference: NCC/FM/2027/014",
    "Issue date: 18 January 2027",
    Heading("Contents"),
    "1. Introduction .......... 2",
    "2. Timetable .......... 2",
    "3. Instructions to bidders .......... 3",
    "4. Mandatory requirements .......... 3",
    "6.2 Mobilisation .......... 5",
    "7. Questionnaire .......... 6",
    Heading("1. Introduction"),
    "Northbridge City Council (the Council) invites tenders for hard and soft facilities "
    "management at 42 council buildings, for a term of five years with an option to extend by "
    "two further years.",
    "“Contract” means the contract to be awarded at the end of this procurement, which the "
    "Bidder must sign within 14 days.",
    "“Bidder” means an organisation that submits a tender in response to this invitation.",
    "The successful contractor shall provide a staffed helpdesk 24 hours a day, 365 days a year.",
    "All engineers working on council sites must hold a valid CSCS card.",
    Heading("2. Timetable"),
    Table(
        (
            ("Activity", "Date"),
            ("Publication of the invitation to tender", "18 January 2027"),
            ("Deadline for clarification questions", "12:00 on 15/02/2027"),
            ("Tender return deadline", "12:00 noon on 1 March 2027"),
            ("Bidder presentations", "Monday 22nd March 2027 at 10:00"),
            ("Contract award", "30 April 2027"),
            ("Contract start date", "2027-10-01"),
        )
    ),
    Heading("3. Instructions to bidders"),
    "3.1 Tenders must be submitted through the Council's e-tendering portal no later than the "
    "tender return deadline. Late tenders will be excluded.",
    "3.2 Bidders may raise clarification questions through the portal. The Council will publish "
    "all questions and answers without naming the bidder who asked.",
    "3.3 Responses must be written in English and must not exceed the limits stated for each "
    "question. Text beyond a limit will not be evaluated.",
    "3.4 Is your organisation registered on the Council's supplier portal? If it is not, please "
    "register before the tender return deadline.",
    Heading("4. Mandatory requirements"),
    "The following requirements are assessed on a pass/fail basis.",
    "4.1 The Bidder must hold public liability insurance of at least £10 million and employer's "
    "liability insurance of at least £5 million. Pass/Fail.",
    "4.2 The Bidder must hold the following certifications for the whole contract term:",
    "(a) ISO 9001 quality management, or an equivalent scheme accredited by UKAS;",
    "(b) ISO 14001 environmental management;",
    "(c) ISO 45001 occupational health and safety management.",
    "4.3 Confirm that every member of staff on the contract will be paid at least the Real "
    "Living Wage. (Pass/Fail)",
    "4.4 The Bidder shall comply with the Council's Safeguarding Policy and ensure that all staff "
    "working in schools hold an enhanced DBS check.",
    Heading("5. Documents to be returned"),
    "5.1 Please attach a copy of your public and employer's liability insurance certificates.",
    "5.2 Bidders must provide a copy of their ISO 9001 certificate.",
    "5.3 Please upload your Health and Safety Policy and your Environmental Policy, signed and "
    "dated within the last 12 months.",
    "5.4 Attach CVs for the proposed Contract Manager and Helpdesk Supervisor, no more than 2 "
    "sides of A4 each.",
    "5.5 Complete and return the Form of Tender (Appendix B) and the Declaration of "
    "Non-Collusion (Appendix C).",
    Heading("6. Quality questions"),
    "This section carries 60% of the total score. Responses will be evaluated against the "
    "criteria in section 8.",
    Heading("6.1 Service delivery"),
    "6.1.1 Describe how you will deliver the planned preventive maintenance programme across the "
    "Council's 42 buildings, including statutory compliance testing. (Max 1,000 words)",
    "Your response should cover:",
    "• the structure and frequency of the maintenance schedule;",
    "• how you will record and report statutory testing;",
    "• how you will minimise disruption to building users.",
    "6.1.2 How will you manage reactive repairs so that emergency call-outs are attended within "
    "two hours? Your response must not exceed 500 words.",
    "6.1.3 Explain your approach to the helpdesk, including out-of-hours cover. Maximum 750 words.",
    Heading("6.2 Mobilisation"),
    "Answer both parts; each part is scored separately.",
    "(a) Set out your mobilisation plan for the first 90 days of the contract, with its key "
    "milestones. Word count: 600.",
    "(b) Explain how you will manage the transfer of staff under TUPE and keep them engaged "
    "through the change. 500 word limit.",
    Heading("6.3 Social value"),
    "6.3.1 Demonstrate how you will deliver social value in Northbridge over the life of the "
    "contract (weighted 10%). Your response should address the following, in up to 3 pages:",
    "(a) local employment and apprenticeships;",
    "(b) use of local small businesses and voluntary organisations;",
    "(c) reducing carbon emissions from the service.",
    "6.3.2 Does your organisation have a Carbon Reduction Plan that meets PPN 06/21? Please "
    "state the date it was last published.",
    Heading("6.4 Contract management"),
    "6.4.1 Outline the key performance indicators you propose, how you will report them each "
    "month and how you will act when a target is missed. Responses are limited to 4000 "
    "characters including spaces.",
    "6.4.2 Provide details of two contracts of similar scope delivered in the last three years, "
    "with a named referee for each. Weighting: 5%",
    Heading("7. Questionnaire"),
    "Answer each question in the Response column of the table below.",
    Table(
        (
            ("Ref", "Question", "Weighting", "Word limit", "Response"),
            (
                "Q1",
                "Describe your approach to health and safety management on council sites, "
                "including how you will manage subcontractors.",
                "10%",
                "750",
                "",
            ),
            (
                "Q2",
                "What measures will you take to reduce energy consumption in the buildings you "
                "maintain?",
                "10%",
                "500",
                "",
            ),
            (
                "Q3",
                "Explain how you will use your CAFM system to give the Council real-time "
                "information on jobs and assets.",
                "5%",
                "400",
                "",
            ),
            (
                "Q4",
                "Please state your proposed approach to continuous improvement over the contract "
                "term.",
                "5%",
                "300",
                "",
            ),
        )
    ),
    Heading("8. Evaluation"),
    "Quality carries 60% and price 40% of the total score. The quality questions in section 6 "
    "are weighted as follows:",
    Table(
        (
            ("Question", "Weighting"),
            ("6.1.1", "10%"),
            ("6.1.2", "5%"),
            ("6.1.3", "5%"),
            ("6.2(a)", "5%"),
            ("6.2(b)", "5%"),
            ("6.4.1", "5%"),
        )
    ),
    "Each question is scored from 0 to 4 using the scoring guidance below.",
    Table(
        (
            ("Score", "Description"),
            ("4", "Excellent: a comprehensive response that fully meets the requirement."),
            ("2", "Satisfactory: a response that meets most of the requirement with minor gaps."),
            ("0", "Unacceptable: no response, or a response that does not address the question."),
        )
    ),
)

ITT_ITEMS: tuple[Expected, ...] = (
    Expected("", REQUIREMENT, mandatory=True, text="shall provide a staffed helpdesk"),
    Expected("", REQUIREMENT, mandatory=True, text="must hold a valid CSCS card"),
    Expected("3.1", REQUIREMENT, mandatory=True),
    Expected("3.3", REQUIREMENT, mandatory=True),
    Expected("3.4", QUESTION),
    Expected("4.1", REQUIREMENT, mandatory=True),
    Expected("4.2", REQUIREMENT, mandatory=True),
    Expected("4.3", QUESTION, mandatory=True),
    Expected("4.4", REQUIREMENT, mandatory=True),
    Expected("5.1", ATTACHMENT),
    Expected("5.2", ATTACHMENT, mandatory=True),
    Expected("5.3", ATTACHMENT),
    Expected("5.4", ATTACHMENT, limit=(2, PAGES)),
    Expected("5.5", ATTACHMENT),
    Expected("6.1.1", QUESTION, limit=(1000, WORDS), weighting=_w("10")),
    Expected("6.1.2", QUESTION, limit=(500, WORDS), weighting=_w("5")),
    Expected("6.1.3", QUESTION, limit=(750, WORDS), weighting=_w("5")),
    Expected("6.2(a)", QUESTION, limit=(600, WORDS), weighting=_w("5")),
    Expected("6.2(b)", QUESTION, limit=(500, WORDS), weighting=_w("5")),
    Expected("6.3.1", QUESTION, limit=(3, PAGES), weighting=_w("10")),
    Expected("6.3.2", QUESTION),
    Expected("6.4.1", QUESTION, limit=(4000, CHARACTERS), weighting=_w("5")),
    Expected("6.4.2", QUESTION, weighting=_w("5")),
    Expected("Q1", QUESTION, limit=(750, WORDS), weighting=_w("10")),
    Expected("Q2", QUESTION, limit=(500, WORDS), weighting=_w("10")),
    Expected("Q3", QUESTION, limit=(400, WORDS), weighting=_w("5")),
    Expected("Q4", QUESTION, limit=(300, WORDS), weighting=_w("5")),
)

ITT_DATES: tuple[ExpectedDate, ...] = (
    ExpectedDate("clarification_deadline", dt.date(2027, 2, 15), dt.time(12, 0)),
    ExpectedDate("submission_deadline", dt.date(2027, 3, 1), dt.time(12, 0)),
    ExpectedDate("presentation", dt.date(2027, 3, 22), dt.time(10, 0)),
    ExpectedDate("contract_start", dt.date(2027, 10, 1)),
)


def itt_docx() -> bytes:
    """The invitation to tender as Word writes it: Heading styles, a page break before each
    numbered section, tables, the header in its own part, lettered items as a list."""
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = ITT_HEADER
    document.sections[0].footer.paragraphs[0].text = "Official - Page 1"
    for part in ITT:
        if isinstance(part, Heading):
            top = _is_top_level(part)
            if top and len(document.paragraphs) > 3:
                document.add_page_break()
            document.add_heading(part, level=1 if top else 2)
        elif isinstance(part, Table):
            table = document.add_table(rows=len(part.rows), cols=len(part.rows[0]))
            for row, values in zip(table.rows, part.rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
        elif part.startswith("• "):
            document.add_paragraph(part[2:], style="List Bullet")
        else:
            document.add_paragraph(part)
    return _save(document)


# ------------------------------------------------------------------ Part B (PDF)

PART_B_HEADER = "Northbridge City Council - ITT NCC/FM/2027/014 - Part B: Specification"
PART_B_FOOTER = "OFFICIAL - Page {page} of {pages}"

PART_B: tuple[Part, ...] = (
    Heading("Northbridge City Council"),
    "Invitation to Tender - Part B: Specification and Technical Questions",
    "Integrated Facilities Management Services, reference NCC/FM/2027/014",
    Heading("Contents"),
    "B.1 Cleaning specification .......... 3",
    "B.2 Technical questions .......... 3",
    "B.3 Supplementary questions .......... 4",
    "B.4 Evaluation .......... 5",
    "Appendix 1 Key dates .......... 5",
    Heading("B.1 Cleaning specification"),
    "B.1.1 The Contractor shall clean all office areas daily between 06:00 and 08:30, before "
    "staff arrive.",
    "B.1.2 The Contractor must use cleaning products that carry the UK Ecolabel or an equivalent "
    "mark.",
    "B.1.3 Can the Contractor carry out a deep clean of any building within 24 hours of a request?",
    "The Council will provide storage space for cleaning equipment at each site.",
    "“Core hours” means 08:00 to 18:00, Monday to Friday.",
    "Washroom consumables must be replenished at least twice a day in buildings open to the "
    "public.",
    Heading("B.2 Technical questions"),
    "B.2.1 Describe the staffing structure you will put in place for the cleaning service, with "
    "the number of operatives at each site. No more than 2 sides of A4. Weighting: 15",
    "Your answer should include:",
    "• an organisation chart;",
    "• supervisor ratios;",
    "• cover for absence and holidays.",
    "B.2.2 Explain how you will monitor cleaning standards and put right any failure within one "
    "working day. (Max 1,000 words)",
    "B.2.3 Detail your approach to training operatives in the safe use of chemicals and "
    "equipment under COSHH. Maximum 500 words.",
    "B.2.4 Please state how many cleaning operatives you currently employ in the region.",
    "B.2.5 Demonstrate your commitment to environmental sustainability in the cleaning service. "
    "Up to 2 pages.",
    Heading("B.3 Supplementary questions"),
    Table(
        (
            ("Ref", "Question", "Weighting", "Word limit"),
            ("B.3.1", "Confirm you accept the Council's terms and conditions.", "Pass/Fail", "N/A"),
            (
                "B.3.2",
                "How will you keep the service running during industrial action?",
                "5%",
                "250",
            ),
            ("B.3.3", "Describe how you will handle lost property found by cleaners.", "5%", "200"),
        )
    ),
    Heading("B.4 Evaluation"),
    "The technical questions are weighted as follows:",
    Table(
        (
            ("Question", "Weighting"),
            ("B.2.2", "10%"),
            ("B.2.3", "5%"),
            ("B.2.4", "5%"),
            ("B.2.5", "10%"),
        )
    ),
    Heading("Appendix 1 Key dates"),
    "Clarification questions must be submitted through the portal by 5pm on 12 April 2027.",
    "The deadline for tender return is 17:00 on Monday 3rd May 2027.",
    "Shortlisted bidders will be invited to present to the evaluation panel on 24/05/2027.",
    "The contract will commence on 1st October 2027.",
)

PART_B_ITEMS: tuple[Expected, ...] = (
    Expected("B.1.1", REQUIREMENT, mandatory=True),
    Expected("B.1.2", REQUIREMENT, mandatory=True),
    Expected("B.1.3", QUESTION),
    Expected("", REQUIREMENT, mandatory=True, text="Washroom consumables must be replenished"),
    Expected("B.2.1", QUESTION, limit=(2, PAGES), weighting=_w("15")),
    Expected("B.2.2", QUESTION, limit=(1000, WORDS), weighting=_w("10")),
    Expected("B.2.3", QUESTION, limit=(500, WORDS), weighting=_w("5")),
    Expected("B.2.4", QUESTION, weighting=_w("5")),
    Expected("B.2.5", QUESTION, limit=(2, PAGES), weighting=_w("10")),
    Expected("B.3.1", QUESTION, mandatory=True),
    Expected("B.3.2", QUESTION, limit=(250, WORDS), weighting=_w("5")),
    Expected("B.3.3", QUESTION, limit=(200, WORDS), weighting=_w("5")),
    Expected("", REQUIREMENT, mandatory=True, text="Clarification questions must be submitted"),
)

PART_B_DATES: tuple[ExpectedDate, ...] = (
    ExpectedDate("clarification_deadline", dt.date(2027, 4, 12), dt.time(17, 0)),
    ExpectedDate("submission_deadline", dt.date(2027, 5, 3), dt.time(17, 0)),
    ExpectedDate("presentation", dt.date(2027, 5, 24)),
    ExpectedDate("contract_start", dt.date(2027, 10, 1)),
)


class _PartBPdf(FPDF):
    def header(self) -> None:
        self.set_font("helvetica", "", 8)
        self.cell(0, 6, PART_B_HEADER, new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", "", 8)
        self.cell(0, 6, PART_B_FOOTER.format(page=self.page_no(), pages="{nb}"), align="C")


def part_b_pdf() -> bytes:
    """Part B as a PDF: a cover, a contents page, each section on a new page, with running
    header and footer, bullets indented and tables drawn as tables."""
    return pdf_of(PART_B)


def pdf_of(parts: tuple[Part, ...] | list[Part]) -> bytes:
    """Tender parts as a PDF with Part B's running header and footer (the benchmark reuses this)."""
    document = _fpdf(_PartBPdf())
    document.set_auto_page_break(auto=True, margin=20)
    document.add_page()
    for part in parts:
        if isinstance(part, Heading):
            if document.get_y() > 40:
                document.add_page()
            document.set_font("helvetica", "B", 14)
            document.multi_cell(0, 8, part, new_x="LMARGIN", new_y="NEXT")
        elif isinstance(part, Table):
            document.set_font("helvetica", "", 10)
            widths = (25, 115, 25, 25)[: len(part.rows[0])] if len(part.rows[0]) > 2 else None
            with document.table(col_widths=widths) as table:
                for row in part.rows:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
        else:
            document.set_font("helvetica", "", 10)
            document.set_x(document.l_margin + (8 if part.startswith(("•", "(")) else 0))
            document.multi_cell(0, 5.5, part, new_x="LMARGIN", new_y="NEXT")
        document.ln(2)
    return bytes(document.output())


# ------------------------------------------------------------------ The questionnaire (XLSX)

QUESTIONNAIRE_HEADER = ("Ref", "Section", "Question", "Weighting (%)", "Word limit", "Response")
QUESTIONNAIRE_ROWS: tuple[tuple[str, str, str, int | str | None, int | str | None, str], ...] = (
    ("T1", "Quality", "Describe your quality management system and how it is certified.",
     10, 500, ""),
    ("T2", "Quality", "Provide an example of a complaint you resolved on a similar contract and "
     "what you changed as a result.", 5, 300, ""),
    ("T3", "Technology", "Explain how your engineers will record completed jobs on mobile "
     "devices.", 5, "400 words", "=SUM(A1)"),
    ("T4", "Carbon", "-5% reduction in energy use each year is the Council's target: explain how "
     "you will help to meet it.", 10, 400, ""),
    ("T5", "Resilience", "What is your business continuity plan if a key supplier fails?", 5,
     250, ""),
    ("T6", "Compliance", "Confirm that you will comply with the Council's Data Protection "
     "Schedule. Yes/No", "Pass/Fail", None, ""),
)  # fmt: skip
REQUIREMENTS_HEADER = ("Ref", "Requirement", "Pass/Fail")
REQUIREMENTS_ROWS = (
    ("M1", "The Supplier must hold Cyber Essentials Plus certification.", "Pass/Fail"),
    ("M2", "The Supplier must provide a copy of its current employer's liability insurance "
     "certificate.", "Pass/Fail"),
    ("M3", "The Supplier shall have had no contract terminated for poor performance in the "
     "last three years.", "Pass/Fail"),
)  # fmt: skip

QUESTIONNAIRE_ITEMS: tuple[Expected, ...] = (
    Expected("T1", QUESTION, limit=(500, WORDS), weighting=_w("10")),
    Expected("T2", QUESTION, limit=(300, WORDS), weighting=_w("5")),
    Expected("T3", QUESTION, limit=(400, WORDS), weighting=_w("5")),
    Expected("T4", QUESTION, limit=(400, WORDS), weighting=_w("10")),
    Expected("T5", QUESTION, limit=(250, WORDS), weighting=_w("5")),
    Expected("T6", QUESTION, mandatory=True),
    Expected("M1", REQUIREMENT, mandatory=True),
    Expected("M2", ATTACHMENT, mandatory=True),
    Expected("M3", REQUIREMENT, mandatory=True),
)

QUESTIONNAIRE_DATES: tuple[ExpectedDate, ...] = (
    ExpectedDate("submission_deadline", dt.date(2027, 3, 1), dt.time(12, 0)),
)


def questionnaire_xlsx() -> bytes:
    """The questionnaire: an instructions sheet, then one row per question under a header row;
    a bidder's formula-looking answer is kept as text, as a careful buyer's template does."""
    workbook = openpyxl.Workbook()
    instructions = workbook.active
    instructions.title = "Instructions"
    instructions.append(["Northbridge City Council - Technical questionnaire"])
    instructions.append(["Complete the Response column for every question. Do not change the "
                         "wording of the questions."])  # fmt: skip
    instructions.append(["Tender return deadline: 12:00 on 01/03/2027"])
    questions = workbook.create_sheet("Technical questionnaire")
    questions.append(QUESTIONNAIRE_HEADER)
    for row in QUESTIONNAIRE_ROWS:
        questions.append(row)
        response = questions.cell(row=questions.max_row, column=len(row))
        if response.value and str(response.value).startswith("="):
            response.data_type = "s"  # text that looks like a formula, never evaluated
    requirements = workbook.create_sheet("Mandatory requirements")
    requirements.append(REQUIREMENTS_HEADER)
    for requirement in REQUIREMENTS_ROWS:
        requirements.append(requirement)
    return _save(workbook)


# ------------------------------------------------------------------ Helpers


def _is_top_level(heading: str) -> bool:
    first = heading.split(" ", 1)[0].rstrip(".")
    return "." not in first


def _save(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()
