"""Reads for documents. A bid's documents are visible to those who can see the bid; the
company library to every member of the company."""

from collections.abc import Collection
from datetime import datetime
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Membership
from accounts.permissions import Action
from accounts.permissions import role_can
from accounts.tenancy import linked_object
from accounts.tenancy import scoped
from bidscript.selectors import tasks_on_dead_workers
from bidscript.selectors import tasks_waiting
from documents.models import Chunk
from documents.models import Document
from projects.models import Project
from projects.permissions import ProjectAction
from projects.permissions import project_can
from projects.permissions import project_role


def document_queryset(
    *,
    membership: Membership,
    project: Any = None,
    label: str = "",
    status: str | Collection[str] = (),
    ids: Collection[Any] = (),
    search: str = "",
    trashed: bool = False,
) -> QuerySet[Document]:
    """The documents the member may see, newest first; ``project="library"`` for the library only.
    ``status`` is one status or several; ``ids`` keeps only those documents (unknown ids drop out)."""
    documents = scoped(Document.objects.all(), membership)
    if not role_can(membership.role, Action.SEE_ALL_PROJECTS):
        bids = Project.objects.visible_to(membership).values("pk")
        documents = documents.filter(Q(project__isnull=True) | Q(project__in=bids))
    documents = documents.trashed() if trashed else documents.alive()
    if project == "library":
        documents = documents.filter(project__isnull=True)
    elif project:
        documents = documents.filter(project_id=project)
    if label:
        documents = documents.filter(label=label)
    if status:
        documents = documents.filter(status__in=[status] if isinstance(status, str) else status)
    if ids:
        documents = documents.filter(pk__in=ids)
    if search:
        documents = documents.filter(Q(title__icontains=search) | Q(filename__icontains=search))
    return documents.select_related("project", "uploaded_by").order_by("-created_at")


def document_get(*, membership: Membership, document_id: Any, trashed: bool = False) -> Document:
    try:
        return document_queryset(membership=membership, trashed=trashed).get(pk=document_id)
    except (Document.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


@linked_object("document_id", noun="document")
def document_is_visible(membership: Membership, document_id: Any) -> bool:
    """Whether the member may see the document, in the trash or not."""
    return any(
        document_queryset(membership=membership, trashed=trashed).filter(pk=document_id).exists()
        for trashed in (False, True)
    )


def can_manage_document(membership: Membership, document: Document) -> bool:
    """Library documents: company members who may manage the library; bid documents: the bid's editors."""
    if document.project is None:
        return role_can(membership.role, Action.MANAGE_LIBRARY)
    return project_can(project_role(membership, document.project), ProjectAction.EDIT)


def upload_target(*, membership: Membership, project_id: Any = None) -> Project | None:
    """Where an upload goes: the library (needs the library role) or a bid the member may edit."""
    if not project_id:
        if not role_can(membership.role, Action.MANAGE_LIBRARY):
            raise PermissionDenied("Your role cannot add documents to the company library.")
        return None
    from projects.selectors import project_get

    project = project_get(membership=membership, project_id=project_id)
    if not project_can(project_role(membership, project), ProjectAction.EDIT):
        raise PermissionDenied("Your role on this bid cannot add documents.")
    return project


def document_chunks(*, document: Document) -> QuerySet[Chunk]:
    return (
        Chunk.objects.filter(document=document)
        .only("id", "ordinal", "page_start", "page_end", "heading", "text", "token_count")
        .order_by("ordinal")
    )


def passage_of(*, document: Document, chunk_id: Any) -> Chunk | None:
    """One of the document's passages (id and ordinal only), or None for anything else."""
    try:
        return Chunk.objects.filter(document=document, pk=chunk_id).only("id", "ordinal").first()
    except (ValueError, ValidationError):  # not a passage id at all
        return None


# ------------------------------------------------------------------ Ingestion in progress


def document_in_hand(*, document: Document) -> bool:
    """Whether something will finish the document's ingestion: its task waits on the queue, or
    a live worker has made progress on it since the stale cutoff."""
    if document.status == Document.Status.PROCESSING:
        return not _abandoned({document.pk: document.updated_at})
    if document.status == Document.Status.QUEUED:
        return bool(_waiting([document.pk]))
    return False


def document_stalled(*, document: Document) -> bool:
    """Queued or processing, yet nothing will finish it: offer to process it again."""
    unfinished = document.status in (Document.Status.QUEUED, Document.Status.PROCESSING)
    return unfinished and not document_in_hand(document=document)


def documents_stalled() -> dict[Any, datetime]:
    """Documents (id → last change) the sweep should queue again: processing but abandoned, or
    queued since the stale cutoff with no task waiting (an enqueue was lost, or a worker died
    between taking the task and claiming the document). Trashed documents are left alone.

    Unlike ``document_stalled`` a queued document waits for the cutoff, as its task may be on
    its way to the queue while the upload commits."""
    documents = Document.objects.alive()
    processing = dict(
        documents.filter(status=Document.Status.PROCESSING).values_list("pk", "updated_at")
    )
    queued = dict(
        documents.filter(status=Document.Status.QUEUED, updated_at__lt=_stale_cutoff()).values_list(
            "pk", "updated_at"
        )
    )
    waiting = _waiting(queued)
    lost = {pk: changed for pk, changed in queued.items() if str(pk) not in waiting}
    return {pk: processing[pk] for pk in _abandoned(processing)} | lost


def _stale_cutoff() -> datetime:
    """Work untouched since this moment has lost its worker, or never had one."""
    return timezone.now() - timedelta(seconds=settings.DOCUMENT_STALE_AFTER)


def _waiting(document_ids: Collection[Any]) -> set[str]:
    """Ids of the documents whose ingestion task still waits on the queue."""
    from documents.tasks import ingest_document

    return tasks_waiting(ingest_document, first_args=[str(pk) for pk in document_ids])


def _abandoned(processing: dict[Any, datetime]) -> set[Any]:
    """Of these processing documents (id → last change), those nothing will finish: no progress
    since the stale cutoff (the worker hangs or died), or a worker that stopped recording its
    heartbeat (killed: found without waiting for the cutoff)."""
    from documents.tasks import ingest_document

    cutoff = _stale_cutoff()
    max_age = timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    ids = [str(pk) for pk in processing]
    dead = tasks_on_dead_workers(ingest_document, first_args=ids, max_age=max_age)
    return {pk for pk, changed in processing.items() if changed < cutoff or str(pk) in dead}
