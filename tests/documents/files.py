"""Real documents built in the tests: every format, and the hostile files an upload must refuse."""

import datetime as dt
import io
import zipfile

import docx
import openpyxl
from fpdf import FPDF
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfReader
from pypdf import PdfWriter

FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def pdf(pages: list[list[str]]) -> bytes:
    """A text PDF: one list of lines per page."""
    document = FPDF()
    # A fixed date: the same pages make the same bytes (and sha256) in any second.
    document.set_creation_date(FIXED_DATE)
    document.set_font("helvetica", size=11)
    for lines in pages:
        document.add_page()
        for line in lines:
            document.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf([["Confidential pricing"]]))))
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx_file(*, page_break: bool = True) -> bytes:
    document = docx.Document()
    document.add_heading("Method statement", level=1)
    document.add_paragraph("We mobilise within four weeks using a TUPE-ready plan.")
    document.add_heading("Social value", level=2)
    document.add_paragraph("Twelve apprenticeships a year for local people.")
    if page_break:
        document.add_page_break()
    document.add_heading("Pricing", level=1)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Item", "Annual cost"
    table.cell(1, 0).text, table.cell(1, 1).text = "Cleaning", "£120,000"
    return _save(document)


def xlsx_file() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Pricing schedule"
    sheet.append(["Lot", "Service", "Price"])
    sheet.append([1, "Security", 45000])
    workbook.create_sheet("Assumptions").append(["Prices exclude VAT"])
    return _save(workbook)


def pptx_file() -> bytes:
    presentation = Presentation()
    for title, body in (
        ("Our approach", "Local teams, national standards"),
        ("Case study", "NHS Lothian: 99.2% KPI"),
    ):
        slide = presentation.slides.add_slide(presentation.slide_layouts[1])
        slide.shapes.title.text = title
        slide.placeholders[1].text = body
    table_slide = presentation.slides.add_slide(presentation.slide_layouts[5])
    table_slide.shapes.title.text = "Prices"
    table = table_slide.shapes.add_table(2, 2, Inches(1), Inches(2), Inches(6), Inches(1)).table
    table.cell(0, 0).text, table.cell(0, 1).text = "Year", "Price"
    table.cell(1, 0).text, table.cell(1, 1).text = "2027", "£1.2m"
    return _save(presentation)


def zip_bomb_docx() -> bytes:
    """A valid-looking DOCX whose one part expands to 400 MB of zeros."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w", force_zip64=True) as part:
            chunk = b"\0" * (1 << 20)
            for _ in range(400):
                part.write(chunk)
    return out.getvalue()


def _save(document: object) -> bytes:
    out = io.BytesIO()
    document.save(out)  # type: ignore[attr-defined]
    return out.getvalue()
