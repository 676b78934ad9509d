"""One way to page every API list: ``?page=`` and ``?page_size=`` (at most ``MAX_PAGE_SIZE``),
answered as ``{count, page, num_pages, page_size, next, previous, results}``.

A page past the end is the last page, as on the pages; a page or size out of range is a 400.
"""

from collections.abc import Sequence
from typing import Any
from typing import cast

from django.core.paginator import Page
from django.core.paginator import Paginator
from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.utils.urls import remove_query_param
from rest_framework.utils.urls import replace_query_param

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = api_settings.PAGE_SIZE or 25


class PageInput(serializers.Serializer):
    page = serializers.IntegerField(required=False, default=1, min_value=1)
    page_size = serializers.IntegerField(
        required=False, default=DEFAULT_PAGE_SIZE, min_value=1,
        max_value=MAX_PAGE_SIZE,
    )  # fmt: skip


def page_links(request: Request, page: int, num_pages: int) -> dict[str, str | None]:
    """The addresses of the pages before and after ``page`` (None at either end)."""
    url = request.build_absolute_uri()
    previous = None
    if page > 1:
        previous = (
            remove_query_param(url, "page")
            if page == 2
            else replace_query_param(url, "page", page - 1)
        )
    following = replace_query_param(url, "page", page + 1) if page < num_pages else None
    return {"next": following, "previous": previous}


class PagePagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def paginate_queryset(
        self, queryset: QuerySet[Any, Any] | Sequence[Any], request: Request, view: Any = None
    ) -> list[Any]:
        asked = PageInput(data=request.query_params)
        asked.is_valid(raise_exception=True)
        self.request = request
        paginator = Paginator(queryset, asked.validated_data["page_size"])
        self.page = paginator.get_page(asked.validated_data["page"])
        return list(self.page)

    def get_paginated_response(self, data: Any) -> Response:
        page, request = cast(Page[Any], self.page), cast(Request, self.request)
        number, paginator = page.number, page.paginator
        return Response(
            {"count": paginator.count, "page": number, "num_pages": paginator.num_pages,
             "page_size": paginator.per_page, **page_links(request, number, paginator.num_pages),
             "results": data}
        )  # fmt: skip

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return page_schema(schema)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            {"name": "page", "required": False, "in": "query",
             "description": "A page number; past the last page is the last page.",
             "schema": {"type": "integer", "minimum": 1}},
            {"name": "page_size", "required": False, "in": "query",
             "description": f"Results per page (default {self.page_size}, at most {MAX_PAGE_SIZE}).",
             "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE}},
        ]  # fmt: skip


def page_schema(results: dict[str, Any]) -> dict[str, Any]:
    link = {"type": "string", "format": "uri", "nullable": True}
    return {
        "type": "object",
        "required": ["count", "page", "num_pages", "page_size", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer", "example": 123},
            "page": {"type": "integer", "example": 2},
            "num_pages": {"type": "integer", "example": 5},
            "page_size": {"type": "integer", "example": 25},
            "next": link,
            "previous": link,
            "results": results,
        },
    }
