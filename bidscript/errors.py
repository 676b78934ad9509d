"""Database and application errors mapped to clean HTTP answers, for the API and for pages.

One rule set (``error_answer``) serves both: a conflict or unique violation is 409, a broken
reference 400, a request too large to read 413; anything unexpected is a 500 whose detail goes
only to the log. ``answer_body`` writes an answer as the API's JSON or as a page.
"""

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import PermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import TooManyFieldsSent
from django.core.exceptions import TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.http import HttpRequest
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from rest_framework import exceptions
from rest_framework import status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler

from bidscript.exceptions import Conflict
from bidscript.exceptions import RateLimited

logger = logging.getLogger(__name__)

UNIQUE_VIOLATION = "23505"
FOREIGN_KEY_VIOLATION = "23503"
GENERIC_ERROR_MESSAGE = (
    "Something went wrong on our side. The error has been logged; please try again."
)


@dataclass(frozen=True)
class ErrorAnswer:
    status: int
    code: str
    message: str


def is_api_path(path: str) -> bool:
    return path.startswith("/api/")


def answer_body(answer: ErrorAnswer, path: str) -> tuple[str, bytes]:
    """The content type and body of an answer: the API's JSON under /api/, else a page.

    The page is rendered without a request, so the ASGI server can use it too.
    """
    if is_api_path(path):
        body = {"message": answer.message, "code": answer.code}
        return "application/json", json.dumps(body).encode()
    page = render_to_string("refused.html", {"answer": answer})
    return "text/html; charset=utf-8", page.encode()


def answer_response(answer: ErrorAnswer, path: str) -> HttpResponse:
    content_type, body = answer_body(answer, path)
    return HttpResponse(body, status=answer.status, content_type=content_type)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB".replace(".0 MB", " MB")


def body_too_large(limit: int) -> ErrorAnswer:
    return ErrorAnswer(
        413,
        "request_too_large",
        f"The request is too large: at most {_megabytes(limit)} is accepted.",
    )


def query_too_long() -> ErrorAnswer:
    return ErrorAnswer(
        414, "uri_too_long",
        f"The web address is too long: at most {settings.REQUEST_MAX_QUERY_BYTES:,} characters and "
        f"{settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} parameters after the “?” are accepted.",
    )  # fmt: skip


def head_too_large(*, request_line_done: bool) -> ErrorAnswer:
    """414 when the request line alone overflows the server's buffer, else 431 (the headers)."""
    if not request_line_done:
        return query_too_long()
    return ErrorAnswer(
        431, "headers_too_large",
        f"The request's headers are too large (at most {settings.REQUEST_MAX_HEADER_BYTES:,} bytes); "
        "clearing this site's cookies usually helps.",
    )  # fmt: skip


def _table_label(table: str | None) -> str:
    for model in apps.get_models():
        if model._meta.db_table == table:
            return str(model._meta.verbose_name)
    return "record"


def integrity_error_answer(error: IntegrityError) -> ErrorAnswer | None:
    """The HTTP answer for a constraint violation, or None when it is not one we map."""
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate == UNIQUE_VIOLATION:
        label = _table_label(getattr(getattr(cause, "diag", None), "table_name", None))
        return ErrorAnswer(409, "conflict", f"A {label} with these details already exists.")
    if sqlstate == FOREIGN_KEY_VIOLATION:
        return ErrorAnswer(
            400, "invalid_reference", "Invalid reference: a related object does not exist."
        )
    return None


def error_answer(exc: Exception) -> ErrorAnswer | None:
    """The answer for a known domain or database error, or None for anything else."""
    if isinstance(exc, Conflict):
        return ErrorAnswer(exc.status_code, "conflict", exc.message)
    if isinstance(exc, IntegrityError):
        return integrity_error_answer(exc)
    if isinstance(exc, RequestDataTooBig | TooManyFieldsSent | TooManyFilesSent):
        return body_too_large(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
    return None


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, RateLimited):
        return exceptions.Throttled(wait=exc.retry_after, detail=exc.message)
    if answer := error_answer(exc):
        mapped = exceptions.APIException(answer.message, code=answer.code)
        mapped.status_code = answer.status
        return mapped
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return exceptions.NotFound()
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    return exc


def _error_body(exc: exceptions.APIException) -> dict[str, Any]:
    if isinstance(exc.detail, list):  # raised without naming a field: about the input as a whole
        errors = {api_settings.NON_FIELD_ERRORS_KEY: exc.detail}
        return {"message": "Some of the data is invalid.", "code": "invalid", "errors": errors}
    if isinstance(exc.detail, dict):
        return {"message": "Some of the data is invalid.", "code": "invalid", "errors": exc.detail}
    return {"message": str(exc.detail), "code": exc.detail.code}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: every API error is ``{"message", "code"[, "errors"]}``."""
    exc = _as_api_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled error in %s", context.get("view"), exc_info=exc)
        return Response(
            {"message": GENERIC_ERROR_MESSAGE, "code": "server_error"},
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    assert isinstance(exc, exceptions.APIException)  # noqa: S101 - DRF answered, so it is one
    response.data = _error_body(exc)
    return response


class ErrorAnswerMiddleware:
    """For pages: a conflict or constraint violation that escaped validation gets a styled page."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if answer := error_answer(exception):
            template = PAGE_TEMPLATES.get(answer.status, "400.html")
            return render(
                request,
                template,
                {"message": answer.message, "answer": answer},
                status=answer.status,
            )
        return None


PAGE_TEMPLATES = {
    status.HTTP_409_CONFLICT: "409.html",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "refused.html",
}
