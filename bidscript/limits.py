"""Requests too large to serve are refused before anything reads them.

A query string longer than ``REQUEST_MAX_QUERY_BYTES`` (or with more parameters than Django will
parse) is a 414, headers over ``REQUEST_MAX_HEADER_BYTES`` a 431, a declared body over its limit a
413; JSON under /api/, a page elsewhere. The ASGI server answers the same way when a request head
outgrows its buffer before Django sees it (``bidscript.server``).
"""

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http import HttpResponse

from bidscript.errors import ErrorAnswer
from bidscript.errors import answer_response
from bidscript.errors import body_too_large
from bidscript.errors import head_too_large
from bidscript.errors import query_too_long


def oversize_answer(meta: Mapping[str, Any]) -> ErrorAnswer | None:
    """Why a request (its WSGI/ASGI environ) is too large to serve, or None when it is not."""
    query = meta.get("QUERY_STRING", "")
    if len(query) > settings.REQUEST_MAX_QUERY_BYTES or query.count("&") >= (
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    ):
        return query_too_long()
    headers = sum(
        len(name) + len(str(value)) for name, value in meta.items() if name.startswith("HTTP_")
    )
    if headers > settings.REQUEST_MAX_HEADER_BYTES:
        return head_too_large(request_line_done=True)
    limit = body_limit(meta.get("CONTENT_TYPE", ""))
    if declared_length(meta) > limit:
        return body_too_large(limit)
    return None


def body_limit(content_type: str) -> int:
    """Uploads stream to disk, so they may be larger than a body that is read into memory."""
    if content_type.startswith("multipart/form-data"):
        return settings.UPLOAD_MAX_REQUEST_BYTES
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def declared_length(meta: Mapping[str, Any]) -> int:
    try:
        return int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class RequestLimitsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if answer := oversize_answer(request.META):
            return answer_response(answer, request.path)
        return self.get_response(request)
