"""Reads for documents. A bid's documents are visible to those who can see the bid; the
company library to every member of the company."""

from collections.abc import Collection
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Membership
from accounts.permissions import Action
from accounts.permissions import role_can
from accounts.tenancy import scoped
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
