"""Real documents built in the tests: every format, and the hostile files an upload must refuse."""

import datetime as dt
import io
import struct
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
