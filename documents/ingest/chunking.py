"""Section-aware chunking: split on headings first, then paragraphs, then sentences, then words.

Chunks are sized to the embedding model's window (with room for the heading path that is
embedded with them) and overlap a little within a section, so a sentence cut at a boundary
is still found whole. Each chunk keeps its page range and heading path; its paragraphs, list
items and table rows stay on lines of their own. No text is dropped: a heading with no text
of its own before the next heading of its level (or the end) becomes its section's text.
"""

import re
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import replace

from documents.ingest.parsed import Block
from documents.ingest.parsed import ParsedDocument

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"(])")
HEADING_SEPARATOR = " > "

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class ChunkDraft:
    ordinal: int
    text: str
    heading: str
    page_start: int
    page_end: int
    token_count: int

    @property
    def embedding_text(self) -> str:
        """What is embedded: the heading path gives the passage its context."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


@dataclass(frozen=True)
class _Piece:
    text: str
    page: int
    tokens: int
    starts_block: bool = True  # a paragraph, list item or row, not a later sentence of one


def chunk_document(
    document: ParsedDocument,
    *,
    count_tokens: TokenCounter,
    max_tokens: int = 200,
    overlap_tokens: int = 40,
) -> list[ChunkDraft]:
    """The document's chunks, in reading order."""
    chunks: list[ChunkDraft] = []
    for heading, pieces in _sections(document, count_tokens, max_tokens):
        for window in _windows(pieces, max_tokens, overlap_tokens):
            chunks.append(
                ChunkDraft(
                    ordinal=len(chunks),
                    text=_joined(window),
                    heading=heading,
                    page_start=window[0].page,
                    page_end=window[-1].page,
                    token_count=sum(piece.tokens for piece in window),
                )
            )
    return chunks


def _joined(window: list[_Piece]) -> str:
    text = window[0].text
    for piece in window[1:]:
        text += ("\n" if piece.starts_block else " ") + piece.text
    return text


def _sections(
    document: ParsedDocument, count_tokens: TokenCounter, max_tokens: int
) -> Iterator[tuple[str, list[_Piece]]]:
    """(heading path, pieces no longer than max_tokens) for each run of text under a heading."""
    path: list[tuple[int, str]] = []
    pieces: list[_Piece] = []
    bare: tuple[Block, int] | None = None  # the last heading, while no text has followed it
    for page in document.pages:
        for block in page.blocks:
            if not block.heading_level:
                pieces += _block_pieces(block.text, page.number, count_tokens, max_tokens)
                bare = None
                continue
            if bare and bare[0].heading_level >= block.heading_level:
                pieces += _block_pieces(bare[0].text, bare[1], count_tokens, max_tokens)
            if pieces:
                yield _path_text(path), pieces
                pieces = []
            path = [(level, text) for level, text in path if level < block.heading_level]
            path.append((block.heading_level, block.text))
            bare = (block, page.number)
    if bare:
        pieces += _block_pieces(bare[0].text, bare[1], count_tokens, max_tokens)
    if pieces:
        yield _path_text(path), pieces


def _block_pieces(
    text: str, page: int, count_tokens: TokenCounter, max_tokens: int
) -> list[_Piece]:
    """A block's pieces; only the first starts a line of its own in the passage."""
    pieces = _split(text, page, count_tokens, max_tokens)
    return [replace(piece, starts_block=index == 0) for index, piece in enumerate(pieces)]


def _path_text(path: list[tuple[int, str]]) -> str:
    return HEADING_SEPARATOR.join(text for _, text in path)


def _split(text: str, page: int, count_tokens: TokenCounter, max_tokens: int) -> Iterator[_Piece]:
    """A paragraph as one piece if it fits, else its sentences, else runs of words."""
    tokens = count_tokens(text)
    if tokens <= max_tokens:
        yield _Piece(text, page, tokens)
        return
    sentences = SENTENCE_END.split(text)
    if len(sentences) > 1:
        for sentence in sentences:
            yield from _split(sentence, page, count_tokens, max_tokens)
        return
    words = text.split()
    step = max(1, len(words) * max_tokens // (tokens + 1))
    for start in range(0, len(words), step):
        part = " ".join(words[start : start + step])
        yield _Piece(part, page, count_tokens(part))


def _windows(pieces: list[_Piece], max_tokens: int, overlap_tokens: int) -> Iterator[list[_Piece]]:
    """Greedy windows of whole pieces; each new window repeats the tail of the last one."""
    window: list[_Piece] = []
    size = 0
    for piece in pieces:
        if window and size + piece.tokens > max_tokens:
            yield window
            window = _tail(window, overlap_tokens, room=max_tokens - piece.tokens)
            size = sum(p.tokens for p in window)
        window.append(piece)
        size += piece.tokens
    if window:
        yield window


def _tail(window: list[_Piece], overlap_tokens: int, room: int) -> list[_Piece]:
    tail: list[_Piece] = []
    size = 0
    for piece in reversed(window):
        if size + piece.tokens > min(overlap_tokens, room):
            break
        tail.insert(0, piece)
        size += piece.tokens
    return tail
