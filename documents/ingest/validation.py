"""Upload checks made before anything is stored: a refused file leaves no trace.

``inspect_upload`` decides a file's kind from its extension *and* its bytes, and refuses
empty, oversized, disguised, encrypted, corrupt or zip-bomb files with a sentence a person
understands.
"""

import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import PurePath
from typing import IO

from django.conf import settings
from pypdf import PdfReader
from pypdf.errors import PdfReadError


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
            raise UploadRefused(
                f"“{name}” is password-protected. Upload a copy without a password."
            )
        pages = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
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
    if not head.startswith(b"PK\x03\x04"):
        raise UploadRefused(f"“{name}” is named .{kind.value} but is not a {label} file.")
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
            names = {entry.filename for entry in entries}
            _check_expansion(name, entries)
    except zipfile.BadZipFile as error:
        raise UploadRefused(f"“{name}” is damaged and cannot be opened as {label}.") from error
    if "[Content_Types].xml" not in names or OFFICE_MAIN_PARTS[kind] not in names:
        raise UploadRefused(f"“{name}” is named .{kind.value} but is not a {label} file.")


def _check_expansion(name: str, entries: list[zipfile.ZipInfo]) -> None:
    """Refuse archives that would expand far beyond their size (zip bombs)."""
    if len(entries) > settings.DOCUMENT_MAX_ZIP_ENTRIES:
        raise UploadRefused(
            f"“{name}” contains too many parts ({len(entries)}) to be a normal document."
        )
    expanded = sum(entry.file_size for entry in entries)
    if expanded > settings.DOCUMENT_MAX_UNZIPPED_BYTES:
        raise UploadRefused(
            f"“{name}” would expand to {expanded / 1_000_000:.0f} MB, more than the "
            f"{settings.DOCUMENT_MAX_UNZIPPED_BYTES / 1_000_000:.0f} MB allowed."
        )
    for entry in entries:
        if (
            entry.compress_size
            and entry.file_size / entry.compress_size > settings.DOCUMENT_MAX_ZIP_RATIO
        ):
            raise UploadRefused(
                f"“{name}” contains a part that expands suspiciously (a zip bomb?)."
            )


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
