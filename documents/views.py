"""Document pages: the library (with upload), a document's page, download, and its actions."""

import copy
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.http import HttpResponse
from django.shortcuts import redirect
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts.permissions import Action
from accounts.permissions import role_can
from accounts.tenancy import AuthedRequest
from accounts.tenancy import member_required
from bidscript.pages import attempt
from documents import selectors
from documents import services
from documents.api import download_response
from documents.forms import DocumentEditForm
from documents.forms import LibraryFilterForm
from documents.forms import SearchForm
from documents.forms import UploadForm
from documents.models import Document
from documents.search import passage_search

PAGE_SIZE = 50
PASSAGES_PER_PAGE = 20
RESULTS_PER_PAGE = 10  # search results (documents when grouped) on one page


@member_required
def library(request: AuthedRequest) -> HttpResponse:
    membership = request.membership
    filters = LibraryFilterForm(request.GET or None, membership=membership)
    documents = selectors.document_queryset(membership=membership, **filters.filters())
    page = Paginator(documents, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filters": filters,
        "page": page,
        "query": query.urlencode(),
        "upload_form": UploadForm(),
        "can_upload": role_can(membership.role, Action.MANAGE_LIBRARY),
        "trashed": filters.filters()["trashed"],
    }
    return render(request, "documents/library.html", context)


@member_required
@require_POST
def upload(request: AuthedRequest) -> HttpResponse:
    """Upload into the library, or into a bid when the form names one; back to where it came from."""
    form = UploadForm(request.POST, request.FILES)
    project = selectors.upload_target(
        membership=request.membership, project_id=request.POST.get("project")
    )
    if form.is_valid():
        uploaded, refused = services.document_upload_batch(
            company=request.membership.company, uploaded_by=request.user,
            files=request.FILES.getlist("files"), label=form.cleaned_data["label"], project=project,
        )  # fmt: skip
        for document in uploaded:
            messages.success(request, f"“{document.filename}” was uploaded and is being processed.")
        for _, reason in refused:
            messages.error(request, reason)
    else:
        messages.error(request, "Choose at least one file to upload.")
    if project is not None:
        return redirect("projects:detail", project_id=project.pk)
    return redirect("documents:library")


@member_required
def detail(request: AuthedRequest, document_id: Any) -> HttpResponse:
    document = _document(request, document_id, trashed=request.GET.get("trashed") == "1")
    passages = selectors.document_chunks(document=document)
    focus = selectors.passage_of(document=document, chunk_id=request.GET.get("passage"))
    page = focus.ordinal // PASSAGES_PER_PAGE + 1 if focus else request.GET.get("page")
    context = {
        "document": document,
        "chunks": Paginator(passages, PASSAGES_PER_PAGE).get_page(page),
        "focus": focus,
        "form": DocumentEditForm(instance=document),
        "can_manage": selectors.can_manage_document(request.membership, document),
        "stalled": selectors.document_stalled(document=document),
    }
    return render(request, "documents/detail.html", context)


def _document(
    request: AuthedRequest, document_id: Any, *, trashed: bool = False, manage: bool = False
) -> Document:
    document = selectors.document_get(
        membership=request.membership, document_id=document_id, trashed=trashed
    )
    if manage and not selectors.can_manage_document(request.membership, document):
        raise PermissionDenied("You cannot change this document.")
    return document


@member_required
def download(request: AuthedRequest, document_id: Any) -> FileResponse:
    return download_response(_document(request, document_id))


@member_required
@require_POST
def edit(request: AuthedRequest, document_id: Any) -> HttpResponse:
    document = _document(request, document_id, manage=True)
    form = DocumentEditForm(request.POST, instance=copy.copy(document))
    if form.is_valid():
        services.document_update(document=document, actor=request.user, **form.cleaned_data)
        messages.success(request, "The document was saved.")
    return redirect("documents:detail", document_id=document.pk)


@member_required
@require_POST
def trash(request: AuthedRequest, document_id: Any) -> HttpResponse:
    document = _document(request, document_id, manage=True)
    services.document_trash(document=document, actor=request.user)
    messages.success(request, f"“{document}” was moved to the trash.")
    return redirect("documents:library")


@member_required
@require_POST
def restore(request: AuthedRequest, document_id: Any) -> HttpResponse:
    document = _document(request, document_id, trashed=True, manage=True)
    if attempt(
        request,
        lambda: services.document_restore(document=document, actor=request.user),
        f"“{document}” was restored.",
    ):
        return redirect("documents:detail", document_id=document.pk)
    return redirect("documents:library")


@member_required
@require_POST
def reprocess(request: AuthedRequest, document_id: Any) -> HttpResponse:
    document = _document(request, document_id, manage=True)
    attempt(
        request,
        lambda: services.document_reprocess(document=document, actor=request.user),
        f"“{document}” is queued for processing again.",
    )
    return redirect("documents:detail", document_id=document.pk)


@member_required
def search(request: AuthedRequest) -> HttpResponse:
    """The search page; a bad page number (or query) is answered 400 with the form's message."""
    form = SearchForm(request.GET or None, membership=request.membership)
    results = None
    if form.is_valid():
        try:
            results = passage_search(
                membership=request.membership,
                page_size=RESULTS_PER_PAGE,
                **form.search_arguments(),
            )
        except ValidationError as error:
            form.add_error(None, error)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "documents/search.html",
        {"form": form, "results": results, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )
