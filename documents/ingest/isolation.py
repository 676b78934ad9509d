"""Read a file in a child process with a memory and a time limit.

A hostile file (a decompression bomb, a parser trap) then costs one short-lived child, never
the worker: the child's address space is capped (RLIMIT_AS) and it is killed when its time is
up. Children fork from a small server process started once (multiprocessing's "forkserver")
that has the parsers imported already. Forking the worker itself would copy the page tables of
everything it holds (the embedding model, its threads), which measured twice the cost.
"""

import io
import multiprocessing
import resource
from multiprocessing.connection import Connection
from pathlib import Path

from documents.ingest.parsed import OUT_OF_MEMORY
from documents.ingest.parsed import TOO_SLOW
from documents.ingest.parsed import ParsedDocument
from documents.ingest.parsed import ParseError
from documents.ingest.parsed import unreadable
from documents.ingest.parsers import parse
from documents.ingest.validation import FileKind

Outcome = ParsedDocument | ParseError

_context = multiprocessing.get_context("forkserver")
_context.set_forkserver_preload(
    ["documents.ingest.parsers", "pypdf", "pypdf.filters", "docx", "openpyxl", "pptx"]
)


def parse_isolated(
    kind: FileKind, data: bytes, *, timeout: float, memory_mb: int
) -> ParsedDocument:
    """Parse in a child allowed ``memory_mb`` MB more than it starts with and ``timeout``
    seconds; every way it can fail is a ParseError with a sentence for the person."""
    receiver, sender = _context.Pipe(duplex=False)
    child = _context.Process(target=_child, args=(kind, data, memory_mb, sender), daemon=True)
    child.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            child.kill()
            raise ParseError(TOO_SLOW.format(seconds=f"{timeout:g}"), "parse timed out")
        outcome: Outcome = receiver.recv()
    except EOFError:
        child.join()
        raise _died(kind, child.exitcode) from None
    finally:
        receiver.close()
    if isinstance(outcome, ParseError):
        raise outcome
    return outcome


def _died(kind: FileKind, exitcode: int | None) -> ParseError:
    """A child that died without answering: ended by a signal, it ran out of memory (the cap
    makes allocations fail, and C code that cannot allocate aborts); otherwise it crashed."""
    detail = f"parser exited with {exitcode}"
    if exitcode is not None and exitcode < 0:
        return ParseError(OUT_OF_MEMORY, detail)
    return ParseError(unreadable(kind), detail)


def _child(kind: FileKind, data: bytes, memory_mb: int, sender: Connection) -> None:
    _limit_address_space(memory_mb)
    try:
        outcome: Outcome = parse(kind, io.BytesIO(data))
    except ParseError as error:
        outcome = error
    try:
        sender.send(outcome)
    except MemoryError:
        sender.send(ParseError(OUT_OF_MEMORY, "no memory left to return the text"))


def _limit_address_space(memory_mb: int) -> None:
    """Cap this process at what it maps now plus ``memory_mb`` (where the kernel says)."""
    statm = Path("/proc/self/statm")
    if not statm.exists():  # not Linux: the time limit still applies
        return
    in_use = int(statm.read_text().split()[0]) * resource.getpagesize()
    limit = in_use + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
