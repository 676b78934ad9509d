"""What every parser returns: pages of blocks (headings and body text), or a ParseError whose
message is written for the person who uploaded the file."""

from collections.abc import Iterable
from dataclasses import dataclass

from documents.ingest.validation import KIND_LABELS
from documents.ingest.validation import FileKind

CELL_SEPARATOR = " | "

# Why a file that passed the upload checks could not be read, in words for the person.
DAMAGED = (
    "This {label} file is damaged and could not be read. Open it, save a new copy and upload that."
)
NO_TEXT = (
    "No text was found in this file: it looks like a scan or a picture of text. Text "
    "recognition is not supported yet, so upload a version whose text can be selected."
)
DECOMPRESSION_BOMB = (
    "This file could not be read safely: part of it expands to far more data than the file "
    "holds (a decompression bomb). Save a new copy from the program that made it and upload that."
)
TOO_SLOW = (
    "This file took longer than {seconds} seconds to read, so reading it was stopped. If it is "
    "very long, split it and upload the parts."
)
OUT_OF_MEMORY = (
    "This file needs more memory than allowed to read — it may be built to expand (a "
    "decompression bomb). If it is a genuine document, split it and upload the parts."
)


class ParseError(Exception):
    """The file passed the upload checks but its content could not be read.

    ``str(error)`` is the reason shown to the person; ``detail`` is what the library said, for
    the log only.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.detail = detail

    def __reduce__(self) -> tuple[type["ParseError"], tuple[str, str]]:
        return ParseError, (self.reason, self.detail)


def unreadable(kind: FileKind) -> str:
    return DAMAGED.format(label=KIND_LABELS[kind])


@dataclass(frozen=True)
class Block:
    """A heading (level >= 1) or a run of body text (level 0) on one page."""

    text: str
    heading_level: int = 0


@dataclass(frozen=True)
class Page:
    number: int
    blocks: tuple[Block, ...]

    @property
    def text(self) -> str:
        return "\n".join(block.text for block in self.blocks)


@dataclass(frozen=True)
class ParsedDocument:
    pages: tuple[Page, ...]

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages)


def row_text(cells: object) -> str:
    values = [str(cell).strip() for cell in cells if cell not in (None, "")]  # type: ignore[attr-defined]
    return CELL_SEPARATOR.join(value for value in values if value)


def pages_from(numbered_blocks: Iterable[tuple[int, Block]]) -> ParsedDocument:
    """Group (page number, block) pairs into pages, dropping empty blocks."""
    pages: dict[int, list[Block]] = {}
    for number, block in numbered_blocks:
        if block.text.strip():
            pages.setdefault(number, []).append(Block(block.text.strip(), block.heading_level))
    return ParsedDocument(tuple(Page(n, tuple(blocks)) for n, blocks in sorted(pages.items())))
