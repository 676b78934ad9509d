"""Upload checks made before anything is stored: a refused file leaves no trace.

``inspect_upload`` decides a file's kind from its extension *and* its bytes, and refuses
empty, oversized, disguised, encrypted, corrupt or zip-bomb files, and Office files whose XML
declares entities, with a sentence a person understands.
"""

import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import IO
from typing import NoReturn
from xml.etree import ElementTree

from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.errors import PyPdfError


class FileKind(StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    XLSX = "xlsx"
    PPTX = "pptx"
    TEXT = "text"
    MARKDOWN = "markdown"
    CSV = "csv"


KIND_LABELS = {
    FileKind.PDF: "PDF",
    FileKind.DOCX: "Word",
    FileKind.XLSX: "Excel",
    FileKind.PPTX: "PowerPoint",
    FileKind.TEXT: "Text",
    FileKind.MARKDOWN: "Markdown",
    FileKind.CSV: "CSV",
}
EXTENSIONS = {
    ".pdf": FileKind.PDF,
    ".docx": FileKind.DOCX,
    ".xlsx": FileKind.XLSX,
    ".pptx": FileKind.PPTX,
    ".txt": FileKind.TEXT,
    ".md": FileKind.MARKDOWN,
    ".markdown": FileKind.MARKDOWN,
    ".csv": FileKind.CSV,
}
CONTENT_TYPES = {
    FileKind.PDF: "application/pdf",
    FileKind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileKind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileKind.PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    FileKind.TEXT: "text/plain",
    FileKind.MARKDOWN: "text/markdown",
    FileKind.CSV: "text/csv",
}
# The part every genuine Office file of the kind contains.
OFFICE_MAIN_PARTS = {
    FileKind.DOCX: "word/document.xml",
    FileKind.XLSX: "xl/workbook.xml",
    FileKind.PPTX: "ppt/presentation.xml",
}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xca\xfe\xba\xbe", b"#!")
SNIFF_BYTES = 8192
# Office files: the OLE container of a password-protected (or pre-2007) file, the stream
# name inside it that only encrypted files have, and the zip flag of an encrypted part.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
ZIP_ENCRYPTED = 0x1
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
DTD_MARKER_LENGTH = max(len(marker) for marker in DTD_MARKERS)
MEDIA_TYPES = ("image/", "audio/", "video/")
READ_BYTES = 1 << 16
KEEP_BYTES = 1 << 20
# Below this a part is too small to be a bomb, however well it compresses.
SMALL_PART_BYTES = 1 << 20
_LOCKED = "“{name}” is password-protected. Upload a copy without a password."
_BOMB = "“{name}” contains a part that expands suspiciously (a zip bomb?)."
_PDF_BOMB = (
    "“{name}” contains a compressed part that expands to far more data than the file holds "
    "(a decompression bomb). Save a new copy from the program that made it and upload that."
)
_TOO_BIG = "“{name}” would expand to more than the {limit:.0f} MB allowed (a zip bomb?)."
_ENTITIES = (
    "“{name}” contains XML entity declarations, which Office never writes and which can make "
    "a file expand without limit when read. Open it in Office, save a new copy and upload that."
)


class UploadRefused(Exception):  # noqa: N818 - a refusal, shown to the person as is
    """The file cannot be accepted; ``str(error)`` says why, in plain words."""


@dataclass(frozen=True)
class InspectedFile:
    kind: FileKind
    content_type: str
    page_count: int | None = None


def inspect_upload(*, name: str, file: IO[bytes], size: int) -> InspectedFile:
    """Check a file before it is stored; raise UploadRefused with the reason if it must not be."""
    kind = _kind_from_name(name)
    if size == 0:
        raise UploadRefused(f"“{name}” is empty.")
    if size > settings.DOCUMENT_MAX_BYTES:
        raise UploadRefused(
            f"“{name}” is {size / 1_000_000:.1f} MB; the limit is "
            f"{settings.DOCUMENT_MAX_BYTES / 1_000_000:.0f} MB."
        )
    file.seek(0)
    head = file.read(SNIFF_BYTES)
    file.seek(0)
    if head.startswith(EXECUTABLE_MAGIC):
        raise UploadRefused(f"“{name}” is a program, not a document.")
    page_count = _check_content(name, kind, head, file)
    file.seek(0)
    return InspectedFile(kind=kind, content_type=CONTENT_TYPES[kind], page_count=page_count)


def _kind_from_name(name: str) -> FileKind:
    extension = PurePath(name).suffix.lower()
    if extension not in EXTENSIONS:
        allowed = ", ".join(sorted(EXTENSIONS))
        raise UploadRefused(f"“{name}” is not a supported type. Upload one of: {allowed}.")
    return EXTENSIONS[extension]


def _check_content(name: str, kind: FileKind, head: bytes, file: IO[bytes]) -> int | None:
    if kind is FileKind.PDF:
        return _check_pdf(name, head, file)
    if kind in OFFICE_MAIN_PARTS:
        _check_office(name, kind, head, file)
        return None
    _check_text(name, head)
    return None


def _check_pdf(name: str, head: bytes, file: IO[bytes]) -> int:
    if not head.lstrip()[:5] == b"%PDF-":
        raise UploadRefused(f"“{name}” is named .pdf but is not a PDF file.")
    try:
        reader = PdfReader(file)
        if reader.is_encrypted:
            raise UploadRefused(_LOCKED.format(name=name))
        pages = len(reader.pages)
    except LimitReachedError as error:
        raise UploadRefused(_PDF_BOMB.format(name=name)) from error
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise UploadRefused(f"“{name}” is damaged and cannot be read as a PDF.") from error
    if pages == 0:
        raise UploadRefused(f"“{name}” has no pages.")
    if pages > settings.DOCUMENT_MAX_PAGES:
        raise UploadRefused(
            f"“{name}” has {pages} pages; the limit is {settings.DOCUMENT_MAX_PAGES}. Split it first."
        )
    return pages


def _check_office(name: str, kind: FileKind, head: bytes, file: IO[bytes]) -> None:
    label = kind.value.upper()
    if head.startswith(OLE_MAGIC):
        _refuse_ole_container(name, kind, file)
    if not head.startswith(b"PK\x03\x04"):
        raise UploadRefused(f"“{name}” is named .{kind.value} but is not a {label} file.")
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or OFFICE_MAIN_PARTS[kind] not in names:
                raise UploadRefused(f"“{name}” is named .{kind.value} but is not a {label} file.")
            _check_listing(name, entries)
            _check_parts(name, archive)
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        ElementTree.ParseError,
    ) as error:
        # Also a part whose stream disagrees with its header (its checksum then fails).
        raise UploadRefused(f"“{name}” is damaged and cannot be opened as {label}.") from error


def _refuse_ole_container(name: str, kind: FileKind, file: IO[bytes]) -> NoReturn:
    """Office wraps a password-protected file in an OLE container; so was the pre-2007 format."""
    if _contains(file, ENCRYPTED_PACKAGE):
        raise UploadRefused(_LOCKED.format(name=name))
    raise UploadRefused(
        f"“{name}” is in the old {KIND_LABELS[kind]} format. Open it, save it as "
        f".{kind.value} and upload that copy."
    )


def _contains(file: IO[bytes], needle: bytes) -> bool:
    file.seek(0)
    tail = b""
    while piece := file.read(1 << 20):
        if needle in tail + piece:
            return True
        tail = piece[-len(needle) :]
    return False


def _check_listing(name: str, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse what the archive's own listing gives away: bombs and encrypted parts."""
    if len(entries) > settings.DOCUMENT_MAX_ZIP_ENTRIES:
        raise UploadRefused(
            f"“{name}” contains too many parts ({len(entries)}) to be a normal document."
        )
    expanded = sum(entry.file_size for entry in entries)
    if expanded > settings.DOCUMENT_MAX_UNZIPPED_BYTES:
        raise UploadRefused(_too_big(name))
    for entry in entries:
        if entry.flag_bits & ZIP_ENCRYPTED:
            raise UploadRefused(_LOCKED.format(name=name))
        if entry.file_size > _expansion_limit(entry):
            raise UploadRefused(_BOMB.format(name=name))


@dataclass
class _Budget:
    """Bytes the whole archive may still expand to, counted as they are read."""

    name: str
    left: int

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            raise UploadRefused(_too_big(self.name))


def _check_parts(name: str, archive: zipfile.ZipFile) -> None:
    """Read every part with a cap, whatever its header claims, and look into the XML ones.

    An XML part that declares a DTD can define entities that expand exponentially when
    parsed ("billion laughs"); Office itself never writes one, so any declaration is refused.
    Pictures and binary parts are never parsed as XML (an SVG picture or a Mac printer
    settings part may carry a harmless DTD), so they are only read.
    """
    budget = _Budget(name, settings.DOCUMENT_MAX_UNZIPPED_BYTES)
    content_type = _content_types(name, archive, budget)
    for entry in archive.infolist():
        if not entry.is_dir():
            xml = _is_xml(entry.filename, content_type(entry.filename))
            _read_part(name, archive, entry, budget, scan=xml)


def _is_xml(part: str, content_type: str) -> bool:
    if not content_type:
        return PurePath(part).suffix.lower() in (".xml", ".rels")
    return content_type.endswith("xml") and not content_type.startswith(MEDIA_TYPES)


def _content_types(name: str, archive: zipfile.ZipFile, budget: _Budget) -> Callable[[str], str]:
    """What [Content_Types].xml says each part is, by override or by extension."""
    listing = _read_part(name, archive, archive.getinfo("[Content_Types].xml"), budget, scan=True)
    # _read_part refused any DTD, so the XML attacks defusedxml guards against cannot happen.
    types = ElementTree.fromstring(listing)  # noqa: S314
    defaults, overrides = {}, {}
    for element in types:
        if element.tag.endswith("}Default"):
            defaults[element.get("Extension", "").lower()] = element.get("ContentType", "")
        elif element.tag.endswith("}Override"):
            overrides[element.get("PartName", "").lstrip("/").lower()] = element.get(
                "ContentType", ""
            )

    def content_type(part: str) -> str:
        part = part.lower()
        return overrides.get(part) or defaults.get(PurePath(part).suffix.lstrip("."), "")

    return content_type


def _read_part(
    name: str, archive: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: _Budget, *, scan: bool
) -> bytes:
    """The part's bytes (kept only while small), refusing once it expands past any limit."""
    limit = _expansion_limit(entry)
    kept, read, tail = bytearray(), 0, b""
    with archive.open(entry) as part:
        while piece := part.read(READ_BYTES):
            read += len(piece)
            if read > limit:
                raise UploadRefused(_BOMB.format(name=name))
            budget.spend(len(piece))
            if scan:
                tail = _scan_for_dtd(name, tail + piece)
            if len(kept) < KEEP_BYTES:
                kept += piece
    return bytes(kept)


def _scan_for_dtd(name: str, text: bytes) -> bytes:
    """Refuse a DTD in any encoding XML allows (UTF-16/32 only add zero bytes to these markers);
    return the end of the text, so a marker cut between two reads is still seen."""
    folded = text.replace(b"\x00", b"").upper()
    if any(marker in folded for marker in DTD_MARKERS):
        raise UploadRefused(_ENTITIES.format(name=name))
    return text[-4 * DTD_MARKER_LENGTH :]


def _expansion_limit(entry: zipfile.ZipInfo) -> int:
    """How far one part may expand: a fixed ratio of its compressed size (tiny parts get a floor)."""
    return max(entry.compress_size * settings.DOCUMENT_MAX_ZIP_RATIO, SMALL_PART_BYTES)


def _too_big(name: str) -> str:
    return _TOO_BIG.format(name=name, limit=settings.DOCUMENT_MAX_UNZIPPED_BYTES / 1_000_000)


def _check_text(name: str, head: bytes) -> None:
    if b"\x00" in head:
        raise UploadRefused(f"“{name}” is not a text file.")
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the sniff boundary is fine; anything earlier is not.
        if error.start < len(head) - 4:
            raise UploadRefused(
                f"“{name}” is not UTF-8 text. Save it as UTF-8 and upload again."
            ) from error
