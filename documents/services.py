"""Writes and workflows for documents: upload, ingestion (parse → chunk → embed → index), retry,
trash and restore.

Ingestion is idempotent and all-or-nothing: the chunks of a run replace the previous ones in a
single transaction at the end, so a crash leaves the old state (or none), never half an index.
"""

import hashlib
import logging
from datetime import datetime
from typing import IO
from typing import Any
from typing import cast

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.audit import Category
from accounts.audit import Severity
from accounts.audit import activity_record
from accounts.models import Company
from accounts.models import User
from accounts.services import company_touch
from bidscript.exceptions import Conflict
from bidscript.services import register_maintenance
from documents import bm25
from documents.embeddings import embedder
from documents.ingest.chunking import ChunkDraft
from documents.ingest.chunking import chunk_document
from documents.ingest.isolation import parse_isolated
from documents.ingest.parsers import ParsedDocument
from documents.ingest.parsers import ParseError
from documents.ingest.validation import FileKind
from documents.ingest.validation import UploadRefused
from documents.ingest.validation import inspect_upload
from documents.models import Chunk
from documents.models import Document
from documents.selectors import document_in_hand
from documents.selectors import documents_stalled
from documents.signals import announce_ready
from projects.models import Project

logger = logging.getLogger(__name__)

Status = Document.Status
UNEXPECTED_FAILURE = "Processing failed unexpectedly. Retry it; if it fails again, contact support."


def _record(document: Document, actor: User | None, action: str, **details: Any) -> None:
    activity_record(
        company=document.company, actor=actor, action=action, category=Category.DOCUMENT,
        severity=details.pop("severity", Severity.INFO), target=document,
        details={"title": document.title, **details},
    )  # fmt: skip
    company_touch(company_id=document.company_id)


def _sha256(file: UploadedFile) -> str:
    digest = hashlib.sha256()
    for piece in file.chunks():
        digest.update(piece)
    file.seek(0)
    return digest.hexdigest()


def _enqueue(document: Document) -> None:
    from documents.tasks import ingest_document

    document_id = str(document.pk)
    transaction.on_commit(lambda: ingest_document.enqueue(document_id))


# ------------------------------------------------------------------ Upload


@transaction.atomic
def document_upload(
    *,
    company: Company,
    uploaded_by: User,
    file: UploadedFile,
    label: str | None = None,
    project: Project | None = None,
    title: str = "",
) -> Document:
    """Store a checked file and queue its ingestion. A refused file (UploadRefused) stores nothing.

    Without a label it gets ``Document.default_label`` (primary in a bid, reference in the library).
    """
    label = label or Document.default_label(project)
    name = file.name or "upload"
    inspected = inspect_upload(name=name, file=cast("IO[bytes]", file), size=file.size or 0)
    sha256 = _sha256(file)
    existing = Document.objects.filter(
        company=company, sha256=sha256, deleted_at__isnull=True
    ).first()
    if existing is not None:
        raise Conflict(f"“{name}” is already uploaded as “{existing.title}”.")
    document = Document(
        company=company, project=project, uploaded_by=uploaded_by, title=(title or name).strip()[:255],
        filename=name[:255], kind=inspected.kind, content_type=inspected.content_type, size=file.size or 0,
        sha256=sha256, label=label, status=Status.QUEUED, page_count=inspected.page_count,
    )  # fmt: skip
    document.full_clean(exclude=["file"])
    document.file.save(name, file, save=False)
    # The file is written before the row: if saving the row fails, remove the file again.
    try:
        document.save()
        _record(document, uploaded_by, "document.uploaded", size=file.size, label=label)
    except Exception:
        document.file.delete(save=False)
        raise
    _enqueue(document)
    return document


def document_upload_batch(
    *,
    company: Company,
    uploaded_by: User,
    files: list[UploadedFile],
    label: str | None = None,
    project: Project | None = None,
    title: str = "",
) -> tuple[list[Document], list[tuple[str, str]]]:
    """Upload each file on its own: (accepted documents, [(file name, why refused)])."""
    uploaded, refused = [], []
    single_title = title if len(files) == 1 else ""
    for file in files:
        try:
            document = document_upload(
                company=company,
                uploaded_by=uploaded_by,
                file=file,
                label=label,
                project=project,
                title=single_title,
            )
        except (UploadRefused, Conflict) as error:
            refused.append((file.name or "upload", str(error)))
        else:
            uploaded.append(document)
    return uploaded, refused


# ------------------------------------------------------------------ Ingestion


def document_ingest(*, document_id: Any) -> Document | None:
    """Run (or resume) ingestion of a queued document; a no-op for any other state."""
    document = _claim(document_id)
    if document is None:
        return None
    try:
        parsed = _parse(document)
        drafts = chunk_document(parsed, count_tokens=embedder().count_tokens)
        vectors = _embed(document, drafts)
        return _store(document, parsed, drafts, vectors)
    except ParseError as error:
        logger.warning("Document %s could not be read: %s", document.pk, error.detail or error)
        return document_fail(document_id=document.pk, reason=str(error))
    except Exception:
        logger.exception("Ingestion of document %s failed", document.pk)
        return document_fail(document_id=document.pk, reason=UNEXPECTED_FAILURE)


@transaction.atomic
def _claim(document_id: Any) -> Document | None:
    """Mark a queued document processing and return it; None, logged with the reason, otherwise.

    Only the document row is locked (``of``: a plain FOR UPDATE would lock its company too, and
    claims of one company's documents would contend). The lock waits instead of skipping: a
    skipped claim would leave a queued document with no task to run it, while the wait is at
    most another claim or edit of this row, after which it no longer matches if it was claimed.
    """
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("company")
        .filter(pk=document_id, status=Status.QUEUED, deleted_at__isnull=True)
        .first()
    )
    if document is None:
        logger.info("Document %s was not claimed: %s", document_id, _unclaimable(document_id))
        return None
    _set_progress(document, 5, status=Status.PROCESSING)
    return document


def _unclaimable(document_id: Any) -> str:
    current = Document.objects.filter(pk=document_id).values("status", "deleted_at").first()
    if current is None:
        return "it no longer exists"
    if current["deleted_at"] is not None:
        return "it is in the trash"
    return f"it is not queued any more ({current['status']})"


def _set_progress(document: Document, progress: int, **fields: Any) -> None:
    """Progress doubles as the job's heartbeat (updated_at), read by the stale-job sweeper."""
    fields |= {"progress": progress, "updated_at": timezone.now()}
    Document.objects.filter(pk=document.pk).update(**fields)
    for name, value in fields.items():
        setattr(document, name, value)


def _parse(document: Document) -> ParsedDocument:
    with document.file.open("rb") as file:
        data = file.read()
    parsed = parse_isolated(
        FileKind(document.kind), data,
        timeout=settings.DOCUMENT_PARSE_TIMEOUT, memory_mb=settings.DOCUMENT_PARSE_MEMORY_MB,
    )  # fmt: skip
    _set_progress(document, 20)
    return parsed


def _embed(document: Document, drafts: list[ChunkDraft]) -> list[Any]:
    model, size = embedder(), settings.EMBEDDING_BATCH_SIZE
    vectors: list[Any] = []
    for start in range(0, len(drafts), size):
        batch = drafts[start : start + size]
        vectors.extend(model.embed([draft.embedding_text for draft in batch]))
        _set_progress(document, 20 + 70 * (start + len(batch)) // max(1, len(drafts)))
    return vectors


@transaction.atomic
def _store(
    document: Document, parsed: ParsedDocument, drafts: list[ChunkDraft], vectors: list[Any]
) -> Document:
    """Swap in the new chunks and mark the document ready, all at once."""
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.status != Status.PROCESSING or locked.deleted_at is not None:
        return locked  # retried, failed or trashed meanwhile: this run's result is not wanted
    _delete_chunks(locked)
    Chunk.objects.bulk_create(
        Chunk(
            document=locked, company_id=locked.company_id, project_id=locked.project_id, label=locked.label,
            ordinal=draft.ordinal, page_start=draft.page_start, page_end=draft.page_end,
            heading=draft.heading, text=draft.text, token_count=draft.token_count, embedding=vector,
        )
        for draft, vector in zip(drafts, vectors, strict=True)
    )  # fmt: skip
    bm25.index_document(locked.pk)
    _set_progress(
        locked, 100, status=Status.READY, error="", page_count=parsed.page_count,
        chunk_count=len(drafts), parsed_at=timezone.now(),
    )  # fmt: skip
    company_touch(company_id=locked.company_id)
    announce_ready(locked)
    return locked


def _delete_chunks(document: Document) -> None:
    bm25.unindex_document(document.pk)
    Chunk.objects.filter(document=document).delete()


@transaction.atomic
def document_fail(*, document_id: Any, reason: str) -> Document:
    document = Document.objects.select_for_update().select_related("company").get(pk=document_id)
    _delete_chunks(document)
    _set_progress(document, 0, status=Status.FAILED, error=reason, chunk_count=0)
    _record(document, None, "document.failed", severity=Severity.WARNING, reason=reason)
    return document


@transaction.atomic
def document_reprocess(*, document: Document, actor: User) -> Document:
    """Queue the document again: after a failure, to re-embed with a new model, or when it is
    queued or processing but nothing is actually working on it (Conflict when something is)."""
    document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if document_in_hand(document=document):
        raise Conflict("This document is already being processed.")
    _set_progress(document, 0, status=Status.QUEUED, error="")
    _record(document, actor, "document.reprocessed")
    _enqueue(document)
    return document


@transaction.atomic
def documents_requeue(*, document_ids: list[Any] | None = None) -> int:
    """Queue documents (all not in the trash, or these ids) for ingestion again; return how many."""
    documents = Document.objects.alive().exclude(status__in=[Status.QUEUED, Status.PROCESSING])
    if document_ids is not None:
        documents = documents.filter(pk__in=document_ids)
    queued = list(documents.values_list("pk", flat=True))
    Document.objects.filter(pk__in=queued).update(
        status=Status.QUEUED, progress=0, error="", updated_at=timezone.now()
    )
    for document_id in queued:
        _enqueue(Document(pk=document_id))
    return len(queued)


@register_maintenance
def documents_requeue_stale() -> int:
    """Queue again the documents nothing will finish (``documents_stalled``); return how many.

    Queueing again moves the document's clock, so each is queued again at most once per cutoff
    however often the sweep runs; a duplicate task is harmless, as claims are idempotent.
    """
    stalled = documents_stalled()
    return sum(_requeue_unchanged(pk, changed) for pk, changed in stalled.items())


@transaction.atomic
def _requeue_unchanged(document_id: Any, changed: datetime) -> bool:
    """Queue the document again unless it changed since the sweep looked (every change moves
    ``updated_at``): then a worker is on it after all."""
    unchanged = Document.objects.filter(pk=document_id, updated_at=changed)
    if not unchanged.update(status=Status.QUEUED, progress=0, updated_at=timezone.now()):
        return False
    logger.info("Document %s had stalled; it is queued again", document_id)
    _enqueue(Document(pk=document_id))
    return True


# ------------------------------------------------------------------ Library management


@transaction.atomic
def document_update(
    *, document: Document, actor: User, title: str | None = None, label: str | None = None
) -> Document:
    changes = {"title": title.strip() if title else None, "label": label}
    changed = {
        name: value for name, value in changes.items() if value and value != getattr(document, name)
    }
    for name, value in changed.items():
        setattr(document, name, value)
    if changed:
        document.full_clean(exclude=["file"])
        document.save(update_fields=[*changed, "updated_at"])
        if "label" in changed:
            Chunk.objects.filter(document=document).update(label=document.label)
            announce_ready(document)
        _record(document, actor, "document.updated", fields=sorted(changed), changes=changed)
    return document


@transaction.atomic
def document_trash(*, document: Document, actor: User) -> Document:
    if document.move_to_trash():
        _record(document, actor, "document.deleted", severity=Severity.WARNING)
    return document


@transaction.atomic
def document_restore(*, document: Document, actor: User) -> Document:
    clash = Document.objects.alive().filter(company_id=document.company_id, sha256=document.sha256)
    if document.is_trashed and clash.exists():
        raise Conflict("The same file was uploaded again since; delete that copy first.")
    if document.restore_from_trash():
        _record(document, actor, "document.restored")
    return document
