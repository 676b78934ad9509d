from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from documents import services
from documents.models import Chunk
from documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "company",
        "project",
        "label",
        "status",
        "progress",
        "page_count",
        "chunk_count",
        "created_at",
        "deleted_at",
    )
    list_filter = ("status", "label", "kind", ("deleted_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "filename", "sha256", "company__name", "project__name")
    readonly_fields = ("company", "project", "uploaded_by", "filename", "kind", "content_type", "size", "sha256", "file",
                       "status", "progress", "error", "page_count", "chunk_count", "parsed_at", "created_at", "updated_at")  # fmt: skip
    list_select_related = ("company", "project")
    actions = ("reprocess",)

    @admin.action(description="Process the selected documents again")
    def reprocess(self, request: HttpRequest, queryset: QuerySet[Document]) -> None:
        for document in queryset:
            services.document_reprocess(document=document, actor=request.user)  # type: ignore[arg-type]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # uploads go through the checks in document_upload


@admin.register(Chunk)
class ChunkAdmin(admin.ModelAdmin):
    list_display = ("document", "ordinal", "page_start", "page_end", "heading", "token_count")
    search_fields = ("document__title", "heading", "text")
    list_select_related = ("document",)
    exclude = ("embedding",)
    readonly_fields = (
        "document",
        "company",
        "project",
        "label",
        "ordinal",
        "page_start",
        "page_end",
        "heading",
        "text",
        "token_count",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
