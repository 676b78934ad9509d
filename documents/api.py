"""REST API for documents: upload, list, status, label/title, trash/restore, reprocess, download, chunks."""

import json
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from drf_spectacular.utils import extend_schema
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import JSONParser
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.api import CompanyScopedViewSet
from accounts.api import user_of
from accounts.tenancy import CompanyScopedApiMixin
from bidscript.pagination import MAX_PAGE_SIZE
from bidscript.rest import UUID_PATTERN
from bidscript.rest import QueryListField
from bidscript.rest import validated
from bidscript.schema import ErrorOutput
from documents import search
from documents import selectors
from documents import services
from documents.models import Document
from documents.ranking import Mode
from projects.selectors import project_get


class DocumentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    title = serializers.CharField()
    filename = serializers.CharField()
    kind = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    label = serializers.ChoiceField(choices=Document.Label.choices)  # type: ignore[assignment]
    status = serializers.ChoiceField(choices=Document.Status.choices)
    progress = serializers.IntegerField()
    error = serializers.CharField()
    page_count = serializers.IntegerField(allow_null=True)
    chunk_count = serializers.IntegerField()
    project = serializers.UUIDField(source="project_id", allow_null=True)
    uploaded_at = serializers.DateTimeField(source="created_at")
    parsed_at = serializers.DateTimeField(allow_null=True)
    deleted_at = serializers.DateTimeField(allow_null=True)


class UploadInput(serializers.Serializer):
    # Empty files reach the upload checks, which refuse them with a clear reason.
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        min_length=1,
        max_length=settings.UPLOAD_MAX_FILES,
    )
    label = serializers.ChoiceField(  # type: ignore[assignment]
        choices=Document.Label.choices, required=False,
        help_text="Leave out for primary in a bid, reference in the company library.",
    )  # fmt: skip
    project = serializers.UUIDField(
        required=False, allow_null=True, help_text="A bid; leave out for the company library."
    )
    metadata = serializers.CharField(
        required=False, help_text='Optional JSON, e.g. {"title": "ITT volume 1"} (single file).'
    )


class RefusedFileOutput(serializers.Serializer):
    filename = serializers.CharField()
    reason = serializers.CharField(help_text="Why the file was refused, in a sentence.")


class UploadOutput(serializers.Serializer):
    uploaded = DocumentOutput(many=True)
    refused = RefusedFileOutput(many=True)


class UploadRefusedOutput(ErrorOutput):
    """No file was accepted (each refused one says why), or the request itself was invalid."""

    uploaded = DocumentOutput(many=True, required=False)
    refused = RefusedFileOutput(many=True, required=False)

    class Meta:
        ref_name = "UploadRefused"


class DocumentUpdateInput(serializers.Serializer):
    title = serializers.CharField(max_length=255, required=False)
    label = serializers.ChoiceField(choices=Document.Label.choices, required=False)  # type: ignore[assignment]


class DocumentFilterInput(serializers.Serializer):
    project = serializers.RegexField(
        rf"^(library|{UUID_PATTERN})$", required=False, default="",
        help_text='A bid id, or "library".',
    )  # fmt: skip
    label = serializers.ChoiceField(  # type: ignore[assignment]
        choices=Document.Label.choices, required=False, default="", allow_blank=True
    )
    status = QueryListField(
        child=serializers.ChoiceField(choices=Document.Status.choices), required=False,
        default=list, help_text="Any of these statuses (repeat, or separate with commas).",
    )  # fmt: skip
    id = QueryListField(
        child=serializers.UUIDField(), required=False, default=list, max_length=MAX_PAGE_SIZE,
        help_text="Only these documents (repeat, or separate with commas), e.g. to follow the "
        "progress of a batch of uploads in one request.",
    )  # fmt: skip
    search = serializers.CharField(required=False, default="", allow_blank=True)


class ChunkOutput(serializers.Serializer):
    id = serializers.UUIDField()
    ordinal = serializers.IntegerField()
    page_start = serializers.IntegerField()
    page_end = serializers.IntegerField()
    heading = serializers.CharField()
    text = serializers.CharField()
    token_count = serializers.IntegerField()


class DocumentViewSet(CompanyScopedViewSet):
    """Documents of the current company: its library and the tender packs of bids you can see."""

    queryset = Document.objects.select_related("project")
    lookup_url_kwarg = "document_id"
    serializer_class = DocumentOutput
    parser_classes = [JSONParser, MultiPartParser]

    def narrow_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        visible = selectors.document_queryset(
            membership=self.membership, trashed=self.action == "restore"
        )
        return queryset.filter(pk__in=visible.values("pk"))

    def _managed(self) -> Document:
        document = self.get_object()
        if not selectors.can_manage_document(self.membership, document):
            raise PermissionDenied("You cannot change this document.")
        return document

    @extend_schema(parameters=[DocumentFilterInput], responses=DocumentOutput(many=True))
    def list(self, request: Request) -> Response:
        filters = validated(DocumentFilterInput, request.query_params)
        ids = filters.pop("id")
        documents = selectors.document_queryset(membership=self.membership, ids=ids, **filters)
        page = self.paginate_queryset(documents)
        return self.get_paginated_response(DocumentOutput(page, many=True).data)

    @extend_schema(
        request={"multipart/form-data": UploadInput},
        responses={201: UploadOutput, 400: UploadRefusedOutput},
    )
    def create(self, request: Request) -> Response:
        """Upload one or more files; each is checked, and refused ones are listed with the reason."""
        params = validated(UploadInput, request.data)
        uploaded, refused = services.document_upload_batch(
            company=self.membership.company, uploaded_by=user_of(request), files=params["files"], label=params.get("label"),
            project=selectors.upload_target(membership=self.membership, project_id=params.get("project")),
            title=_metadata(params.get("metadata")).get("title", ""),
        )  # fmt: skip
        code = status.HTTP_201_CREATED if uploaded else status.HTTP_400_BAD_REQUEST
        body = {
            "uploaded": DocumentOutput(uploaded, many=True).data,
            "refused": [{"filename": name, "reason": reason} for name, reason in refused],
        }
        if not uploaded:
            body = {"message": "No file was accepted.", "code": "invalid", **body}
        return Response(body, status=code)

    def retrieve(self, request: Request, document_id: Any = None) -> Response:
        return Response(DocumentOutput(self.get_object()).data)

    @extend_schema(request={"application/json": DocumentUpdateInput}, responses=DocumentOutput)
    def partial_update(self, request: Request, document_id: Any = None) -> Response:
        document = self._managed()
        changes = validated(DocumentUpdateInput, request.data)
        document = services.document_update(document=document, actor=user_of(request), **changes)
        return Response(DocumentOutput(document).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, document_id: Any = None) -> Response:
        """Move to the trash (restore with POST …/restore/)."""
        services.document_trash(document=self._managed(), actor=user_of(request))
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses=DocumentOutput)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, document_id: Any = None) -> Response:
        document = services.document_restore(document=self._managed(), actor=user_of(request))
        return Response(DocumentOutput(document).data)

    @extend_schema(request=None, responses=DocumentOutput)
    @action(detail=True, methods=["post"])
    def reprocess(self, request: Request, document_id: Any = None) -> Response:
        document = services.document_reprocess(document=self._managed(), actor=user_of(request))
        return Response(DocumentOutput(document).data)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The original file.")
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, document_id: Any = None) -> FileResponse:
        return download_response(self.get_object())

    @extend_schema(responses=ChunkOutput(many=True))
    @action(detail=True, methods=["get"])
    def chunks(self, request: Request, document_id: Any = None) -> Response:
        page = self.paginate_queryset(selectors.document_chunks(document=self.get_object()))
        return self.get_paginated_response(ChunkOutput(page, many=True).data)


def download_response(document: Document) -> FileResponse:
    """The stored file as an attachment, never rendered inline."""
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )


def _metadata(raw: str | None) -> dict[str, str]:
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError as error:
        raise serializers.ValidationError({"metadata": "Not valid JSON."}) from error
    if not isinstance(value, dict):
        raise serializers.ValidationError({"metadata": "Must be a JSON object."})
    return {key: str(item) for key, item in value.items() if key == "title"}


@extend_schema_field(OpenApiTypes.URI)
class AbsoluteUrlField(serializers.CharField):
    """A path on this site, given with the request's scheme and host."""

    def to_representation(self, value: Any) -> str:
        return str(self.context["request"].build_absolute_uri(value))


class SearchInput(serializers.Serializer):
    # A regex only so the schema says what blank-refusal means: some character not a space.
    query = serializers.RegexField(r"\S", max_length=1000)
    project = serializers.UUIDField(
        required=False, allow_null=True, help_text="A bid: its documents plus the library."
    )
    labels = serializers.ListField(
        child=serializers.ChoiceField(choices=Document.Label.choices), required=False
    )
    documents = serializers.ListField(child=serializers.UUIDField(), required=False, max_length=100)
    mode = serializers.ChoiceField(choices=[mode.value for mode in Mode], default=Mode.HYBRID)
    group_by_document = serializers.BooleanField(
        default=False,
        help_text="One result per document (its best passage), with its other matching "
        "passages in `more`.",
    )
    page = serializers.IntegerField(
        min_value=1, max_value=search.MAX_PAGE, default=1,
        help_text="A page past the last one is refused with 400; `num_pages` in a response says how many there are.",
    )  # fmt: skip
    page_size = serializers.IntegerField(
        min_value=1, max_value=search.MAX_PAGE_SIZE, default=10,
        help_text="Results per page (passages, or documents when grouped).",
    )  # fmt: skip


class SearchPassageOutput(serializers.Serializer):
    chunk = serializers.UUIDField(source="chunk_id")
    document = serializers.UUIDField(source="document_id")
    document_title = serializers.CharField()
    document_filename = serializers.CharField()
    project = serializers.UUIDField(source="project_id", allow_null=True)
    label = serializers.ChoiceField(choices=Document.Label.choices)  # type: ignore[assignment]
    page_start = serializers.IntegerField()
    page_end = serializers.IntegerField()
    heading = serializers.CharField()
    text = serializers.CharField()
    snippet_html = serializers.CharField(
        help_text="The passage with query words in <mark>, HTML-escaped."
    )
    score = serializers.FloatField(help_text="The fused ranking score, 0-1; it only ranks.")
    similarity = serializers.FloatField(
        allow_null=True,
        help_text="Cosine similarity of the passage to the query; null when keywords alone ran.",
    )
    url = AbsoluteUrlField(
        help_text="The document's page opened at this passage, which it highlights."
    )


class SearchHitOutput(SearchPassageOutput):
    more = SearchPassageOutput(
        many=True,
        help_text="When grouped: the document's other passages among the results, best first; "
        "otherwise empty.",
    )


class SearchResultsOutput(serializers.Serializer):
    mode = serializers.ChoiceField(
        choices=[mode.value for mode in Mode], help_text="The mode that ran."
    )
    fallback = serializers.CharField(
        help_text="Why `mode` is not the mode asked for (keywords when the query could not be "
        "embedded); empty when it is."
    )
    grouped = serializers.BooleanField()
    count = serializers.IntegerField(
        help_text="Results over all pages: passages, or documents when grouped."
    )
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    num_pages = serializers.IntegerField()
    next_page = serializers.IntegerField(allow_null=True)
    previous_page = serializers.IntegerField(allow_null=True)
    results = SearchHitOutput(many=True, source="hits")


class SearchApi(CompanyScopedApiMixin, APIView):
    """Passages of the documents you can see that best match a query, a page at a time (never
    cached). Each leg ranks its 100 best passages, so a search has at most 200 results."""

    parser_classes = [JSONParser]

    @extend_schema(request=SearchInput, responses=SearchResultsOutput)
    def post(self, request: Request) -> Response:
        params = validated(SearchInput, request.data)
        if params.get("project"):
            project_get(
                membership=self.membership, project_id=params["project"]
            )  # 404 unless visible
        results = search.passage_search(
            membership=self.membership, query=params["query"], project=params.get("project"),
            labels=params.get("labels"), document_ids=params.get("documents"), mode=params["mode"],
            page=params["page"], page_size=params["page_size"], group_by_document=params["group_by_document"],
        )  # fmt: skip
        return Response(SearchResultsOutput(results, context={"request": request}).data)
