"""Real documents built in the tests: every format, and the hostile files an upload must refuse."""

import datetime as dt
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from typing import cast

import docx
import openpyxl
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from fpdf import FPDF
from pptx import Presentation
from pptx.util import Inches
from pypdf import PdfReader
from pypdf import PdfWriter
from pypdf.generic import ArrayObject
from pypdf.generic import DictionaryObject
from pypdf.generic import NameObject
from pypdf.generic import NumberObject
from pypdf.generic import StreamObject

FIXED_DATE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class Heading(str):
    """A line its author set as a heading: bold, a size up from the body text."""

    __slots__ = ()


def pdf(pages: list[list[str]]) -> bytes:
    """A text PDF: one list of lines per page (a Heading is set in bold, larger type)."""
    document = _fpdf()
    for lines in pages:
        document.add_page()
        for line in lines:
            document.set_font("helvetica", "B" if isinstance(line, Heading) else "", 11)
            if isinstance(line, Heading):
                document.set_font_size(13)
            document.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(document.output())


def _fpdf(document: FPDF | None = None) -> FPDF:
    document = document or FPDF()
    # A fixed date: the same pages make the same bytes (and sha256) in any second.
    document.set_creation_date(FIXED_DATE)
    document.core_fonts_encoding = "windows-1252"  # dashes, curly quotes and £ in core fonts
    document.set_font("helvetica", size=11)
    return document


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


# ------------------------------------------------------------------ Hostile Office files

BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10 if n > 1 else "&lol;" * 10}">'
        for n in range(1, 10)
    )
    + "]>\n"
)


def docx_with_part(part: str, data: bytes, source: bytes | None = None) -> bytes:
    """A genuine DOCX with one part replaced (or added)."""
    original = zipfile.ZipFile(io.BytesIO(source or docx_file()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in original.infolist():
            if entry.filename != part:
                archive.writestr(entry, original.read(entry))
        archive.writestr(part, data)
    return out.getvalue()


def billion_laughs_docx(part: str = "word/document.xml", encoding: str = "utf-8") -> bytes:
    """A DOCX whose part declares entities that expand exponentially when parsed."""
    original = zipfile.ZipFile(io.BytesIO(docx_file())).read(part).decode()
    body = original.split("?>", 1)[1]
    xml = BILLION_LAUGHS.replace("UTF-8", encoding.upper()) + body.replace(
        "Method statement", "&lol9;", 1
    )
    return docx_with_part(part, xml.encode(encoding))


def docx_with_svg_picture() -> bytes:
    """A picture in SVG keeps its own DTD; Office parses no picture as XML, so this is fine."""
    svg = (
        b'<?xml version="1.0"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
        b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg/>'
    )
    with_svg = docx_with_part("word/media/logo.svg", svg)
    types = zipfile.ZipFile(io.BytesIO(with_svg)).read("[Content_Types].xml")
    types = types.replace(
        b"</Types>", b'<Default Extension="svg" ContentType="image/svg+xml"/></Types>'
    )
    return docx_with_part("[Content_Types].xml", types, source=with_svg)


def lying_size_docx() -> bytes:
    """A DOCX whose document part claims 1 KB but inflates to 5 MB."""
    data = bytearray(docx_with_part("word/document.xml", b"<w:document/>" + b" " * (5 << 20)))
    local, central = _headers(data, "word/document.xml")
    struct.pack_into("<I", data, local + 22, 1000)
    struct.pack_into("<I", data, central + 24, 1000)
    return bytes(data)


def zip_flagged_encrypted_docx() -> bytes:
    """A DOCX whose document part is marked as encrypted with a zip password."""
    data = bytearray(docx_file())
    local, central = _headers(data, "word/document.xml")
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    return bytes(data)


def _headers(data: bytearray, part: str) -> tuple[int, int]:
    """Offsets of a part's local header and of its entry in the central directory."""
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(part).header_offset
    central = data.find(part.encode(), data.find(b"PK\x01\x02")) - 46
    return local, central


def password_protected_office() -> bytes:
    """What Office saves when a password is set: an OLE container holding EncryptedPackage."""
    return _ole_container(["Root Entry", "EncryptionInfo", "EncryptedPackage"])


def legacy_word_document() -> bytes:
    """A Word 97-2003 file: an OLE container without an encrypted package."""
    return _ole_container(["Root Entry", "WordDocument", "1Table"])


def _ole_container(stream_names: list[str]) -> bytes:
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHH", 0x3E, 3, 0xFFFE)
    header = header.ljust(512, b"\0")
    directory = b"".join(
        (name.encode("utf-16-le") + b"\0\0").ljust(64, b"\0")
        + struct.pack("<H", 2 * len(name) + 2)
        + bytes(62)
        for name in stream_names
    )
    return header + directory.ljust(512, b"\0")


# ------------------------------------------------------------------ Hostile PDFs


def pdf_bomb(megabytes: int = 1000, *, in_form: bool = False) -> bytes:
    """A one-page PDF whose text stream inflates to ``megabytes`` MB of spaces (a few hundred
    KB on disk); ``in_form`` hides the stream in a form the page draws, not in the page itself."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf([["Decoy text"]]))))
    page = writer.pages[0]
    bomb = StreamObject()
    bomb._data = _deflated_spaces(megabytes)  # stored as compressed, the way a file carries it
    bomb[NameObject("/Filter")] = NameObject("/FlateDecode")
    contents = bomb
    if in_form:
        resources = cast(DictionaryObject, page["/Resources"].get_object())
        bomb.update({
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Form"),
            NameObject("/BBox"): ArrayObject([NumberObject(0)] * 2 + [NumberObject(600)] * 2),
            NameObject("/Resources"): resources,
        })  # fmt: skip
        resources[NameObject("/XObject")] = DictionaryObject(
            {NameObject("/Bomb"): writer._add_object(bomb)}
        )
        contents = StreamObject()
        contents.set_data(b"q /Bomb Do Q")
    page[NameObject("/Contents")] = writer._add_object(contents)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def page_tree_bomb_pdf(megabytes: int = 200) -> bytes:
    """A PDF whose page tree sits in a compressed object stream that inflates to ``megabytes``
    MB: counting its pages (the upload check) already meets the bomb."""
    out = bytearray(b"%PDF-1.5\n")
    offsets = {1: len(out)}
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    offsets[3] = len(out)
    out += b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] >>\nendobj\n"
    first = b"2 0 "
    packed = _deflated(first + b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", megabytes)
    offsets[4] = len(out)
    out += b"4 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\n" % (
        len(first),
        len(packed),
    )
    out += b"stream\n" + packed + b"\nendstream\nendobj\n"
    xref = len(out)
    # Cross-reference stream rows: type (1 byte), offset or stream number (4), index (2).
    rows = [(0, 0, 65535), (1, offsets[1], 0), (2, 4, 0), (1, offsets[3], 0), (1, offsets[4], 0),
            (1, xref, 0)]  # fmt: skip
    table = b"".join(
        bytes([kind]) + a.to_bytes(4, "big") + b.to_bytes(2, "big") for kind, a, b in rows
    )
    out += b"5 0 obj\n<< /Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Length %d >>\n" % len(table)
    out += b"stream\n" + table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _deflated(head: bytes, megabytes: int) -> bytes:
    """``head`` then ``megabytes`` MB of spaces, deflated."""
    compressor = zlib.compressobj(9)
    block = b" " * (1 << 20)
    parts = [compressor.compress(head), *(compressor.compress(block) for _ in range(megabytes))]
    return b"".join([*parts, compressor.flush()])


def _deflated_spaces(megabytes: int) -> bytes:
    return _deflated(b"BT /F1 11 Tf 10 10 Td (Hello) Tj ET\n", megabytes)


# ------------------------------------------------------------------ A realistic tender
# An invitation to tender as buyers write them: numbered sections and items with lettered
# sub-items, a pricing table, certificate lines, a running header and "Page N of M" footer.
# The same content is built as a PDF and as a Word file.


@dataclass(frozen=True)
class Table:
    rows: tuple[tuple[str, ...], ...]


TenderPart = Heading | str | Table

TENDER_HEADER = "NHS Lothian - ITT NHSL-2026-041 - Hospital cleaning services"
TENDER_FOOTER = "Page {page} of {pages}"
TENDER_CERTIFICATE = "ISO 45001 — expiry date: 31/03/2027"
TENDER_ITEMS = {
    "1.4": "1.4 Bidders must hold the following certifications for the whole contract term:",
    "1.5": (
        "1.5 Bidders must hold public liability insurance of at least £10 million and employer's "
        "liability insurance of at least £5 million, and provide the certificates on request."
    ),
    "1.6": (
        "1.6 Bidders must confirm that every member of staff on the contract will be paid at "
        "least the real Living Wage from the first day of the contract."
    ),
    "1.7": (
        "1.7 The Authority may decide not to award a contract and will not reimburse any cost "
        "a bidder incurs in preparing its response."
    ),
}
TENDER: tuple[TenderPart, ...] = (
    Heading("Invitation to Tender: Hospital Cleaning Services"),
    "NHS Lothian invites suitably qualified suppliers to tender for domestic and clinical "
    "cleaning at four acute hospital sites in Edinburgh and the Lothians, for a term of five "
    "years with an option to extend by two further years.",
    Heading("1. Instructions to bidders"),
    "1.1 Bidders must submit their response through the Public Contracts Scotland portal by "
    "12:00 noon on 14 March 2026. Responses received after that time will not be considered.",
    "1.2 Clarification questions must be raised through the portal no later than 28 February "
    "2026. Answers will be shared with all bidders without naming the bidder who asked.",
    "1.3 Responses must be written in English, must not exceed the word limits stated for each "
    "question, and must not include marketing material or links to websites.",
    TENDER_ITEMS["1.4"],
    "(a) ISO 9001 quality management, or an equivalent scheme accredited by UKAS;",
    "(b) ISO 14001 environmental management;",
    "(c) ISO 45001 occupational health and safety management.",
    TENDER_ITEMS["1.5"],
    TENDER_ITEMS["1.6"],
    TENDER_ITEMS["1.7"],
    Heading("2. Specification"),
    Heading("2.1 Scope of services"),
    "The service covers the cleaning of wards, theatres, outpatient clinics, corridors, public "
    "toilets and staff areas, seven days a week, to the National Cleaning Specifications for "
    "Scotland. Very high risk areas such as theatres and intensive care must be cleaned to a "
    "technical standard of at least 98 per cent, high risk areas to 95 per cent and significant "
    "risk areas to 90 per cent, as measured by the monthly domestic monitoring tool.",
    "The supplier must provide a rapid response team able to attend any ward within 30 minutes "
    "of a request for a terminal clean after the discharge of an infectious patient, at any time "
    "of the day or night, and must record every request and its response time.",
    "The supplier must use only cleaning products and equipment approved by the Authority's "
    "infection prevention and control team, and must keep safety data sheets for every product "
    "on each site.",
    Heading("2.2 Staffing and training"),
    "All staff must complete the Scottish Infection Prevention and Control Education Pathway "
    "foundation layer before they start work on site, and must be trained in the safe handling "
    "of sharps, blood and body fluid spillages, and the use of personal protective equipment.",
    "The supplier must keep a training record for every member of staff, available to the "
    "Authority on request, and must name a site manager for each hospital who is available "
    "during the core hours of 07:00 to 19:00.",
    "Staff transferring under TUPE must keep their terms and conditions, including their NHS "
    "pension where the Fair Deal guidance applies, and the supplier must consult the recognised "
    "trade unions before the transfer.",
    Heading("2.3 Social value"),
    "Bidders must describe how they will create apprenticeships and jobs for people from the "
    "most deprived communities in Lothian, support local small businesses in their supply chain, "
    "and reduce the carbon emissions of the service year on year.",
    Heading("3. Pricing schedule"),
    "Bidders must give an annual price for each site, excluding VAT, in the table below.",
    Table(
        (
            ("Site", "Cleanable area (m2)", "Annual price"),
            ("Royal Infirmary of Edinburgh", "48,000", "£1,240,000"),
            ("Western General Hospital", "36,500", "£955,000"),
            ("St John's Hospital", "22,000", "£610,000"),
            ("Royal Hospital for Children and Young People", "18,250", "£498,000"),
        )
    ),
    "Prices must be held for the first two years of the contract and may then be reviewed once a "
    "year in line with the Consumer Prices Index, capped at four per cent.",
    Heading("4. Evidence of compliance"),
    "Bidders must upload a copy of each certificate listed below with its expiry date.",
    "ISO 9001 — expiry date: 15/09/2026",
    TENDER_CERTIFICATE,
    "Cyber Essentials Plus — expiry date: 30/06/2026",
    Heading("5. Evaluation"),
    "Responses will be scored 60 per cent on quality and 40 per cent on price. Each quality "
    "question is scored from 0 to 4; a score of 0 or 1 on any question marked pass or fail will "
    "exclude the response from further evaluation.",
    "The lowest compliant price will receive the full price score, and every other price a "
    "score in proportion to it.",
)


def tender_body() -> list[str]:
    """Every line of the tender's text that must reach a passage: all but header and footer."""
    lines: list[str] = []
    for part in TENDER:
        lines.extend([" ".join(row) for row in part.rows] if isinstance(part, Table) else [part])
    return lines


def _is_top_level(heading: Heading) -> bool:
    return "." not in heading.split(" ", 1)[0].rstrip(".")


def tender_pdf() -> bytes:
    """The tender as a PDF of several pages with a running header and "Page N of M" footer."""
    document = _fpdf(_TenderPdf())
    document.set_auto_page_break(auto=True, margin=20)
    document.add_page()
    for part in TENDER:
        if isinstance(part, Heading):
            if _is_top_level(part) and document.get_y() > 60:
                document.add_page()
            document.set_font("helvetica", "B", 14 if _is_top_level(part) else 12)
            document.multi_cell(0, 8, part, new_x="LMARGIN", new_y="NEXT")
        elif isinstance(part, Table):
            document.set_font("helvetica", "", 10)
            with document.table() as table:
                for row in part.rows:
                    cells = table.row()
                    for cell in row:
                        cells.cell(cell)
        else:
            document.set_font("helvetica", "", 10)
            document.set_x(document.l_margin + (8 if part.startswith("(") else 0))
            document.multi_cell(0, 5.5, part, new_x="LMARGIN", new_y="NEXT")
        document.ln(2)
    return bytes(document.output())


class _TenderPdf(FPDF):
    def header(self) -> None:
        self.set_font("helvetica", "", 8)
        self.cell(0, 6, TENDER_HEADER, new_x="LMARGIN", new_y="NEXT")
        self.ln(4)

    def footer(self) -> None:
        self.set_y(-15)
        self.set_font("helvetica", "", 8)
        self.cell(0, 6, TENDER_FOOTER.format(page=self.page_no(), pages="{nb}"), align="C")


def tender_docx() -> bytes:
    """The tender as a Word file: Heading styles, tables, page breaks between sections, the
    header and footer in their own parts (with PAGE and NUMPAGES fields), and the sub-items
    as an automatically numbered list inside a content control, as tender templates do."""
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = TENDER_HEADER
    _add_page_footer(section.footer.paragraphs[0])
    for part in TENDER:
        if isinstance(part, Heading):
            if _is_top_level(part) and len(document.paragraphs) > 3:
                document.add_page_break()
            document.add_heading(part, level=1 if _is_top_level(part) else 2)
        elif isinstance(part, Table):
            table = document.add_table(rows=len(part.rows), cols=len(part.rows[0]))
            for row, values in zip(table.rows, part.rows, strict=True):
                for cell, value in zip(row.cells, values, strict=True):
                    cell.text = value
        elif part.startswith("("):
            paragraph = document.add_paragraph(part, style="List Number")
            _wrap_in_content_control(paragraph)
        else:
            document.add_paragraph(part)
    return _save(document)


def _add_page_footer(paragraph: Any) -> None:
    paragraph.add_run("Page ")
    paragraph._p.append(_field("PAGE", "1"))
    paragraph.add_run(" of ")
    paragraph._p.append(_field("NUMPAGES", "5"))


def _field(instruction: str, shown: str) -> Any:
    return parse_xml(
        f'<w:fldSimple {nsdecls("w")} w:instr="{instruction}"><w:r><w:t>{shown}</w:t></w:r>'
        "</w:fldSimple>"
    )


def _wrap_in_content_control(paragraph: Any) -> None:
    control = parse_xml(f"<w:sdt {nsdecls('w')}><w:sdtPr/><w:sdtContent/></w:sdt>")
    paragraph._p.addprevious(control)
    control[1].append(paragraph._p)
