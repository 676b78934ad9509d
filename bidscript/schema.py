"""The OpenAPI schema lists every error an operation can answer, all in one shape (``Error``).

Which errors an operation can give follows from what it takes (a body, query parameters, ids in
its path), whether it needs a signed-in user and whether it writes; operations add what only
they can answer (429 when asking too often) with ``@extend_schema(responses=…)``.
"""

from typing import Any

from django.core.validators import RegexValidator
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from accounts.tenancy import CompanyScopedApiMixin
from bidscript.streaming import EVENT_STREAM

# Asked for events, a client gets an error as one event (each event as schemathesis and
# OpenAPI 3.2 describe it: an object of its fields).
ERROR_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "event": {"type": "string", "enum": ["error"]},
        "data": {"type": "string", "description": "The error as JSON: message, code, errors."},
    },
}


class ErrorOutput(serializers.Serializer):
    message = serializers.CharField(help_text="What went wrong, in a sentence for a person.")
    code = serializers.CharField(help_text="A stable code, e.g. invalid, not_found, conflict.")

    class Meta:
        ref_name = "Error"

    def get_fields(self) -> dict[str, serializers.Field]:
        # Added here, not declared: a field named "errors" would hide Serializer.errors.
        errors = serializers.DictField(
            required=False,
            help_text="For invalid input: the messages for each field "
            "(non_field_errors for the input as a whole).",
        )
        return {**super().get_fields(), "errors": errors}


ERRORS = {
    "400": "Invalid input: `errors` says what is wrong with each field.",
    "401": "No valid credentials: send `Authorization: Bearer <token>` (or sign in).",
    "403": "Signed in, but your role (in the company or on the bid) does not allow this; browser "
    "calls also need the CSRF token.",
    "404": "No such object in your current company (another company's object is the same 404), "
    "or you are not a member of any company.",
    "409": "The request conflicts with the current state, e.g. it already exists.",
    "413": "The request body is too large.",
    "414": "The query string is too long or has too many parameters.",
    "415": "The body is not in a format the operation takes (JSON; multipart for uploads).",
    "431": "The request's headers are too large.",
    "429": "Too many requests: wait for the number of seconds in `Retry-After`.",
}
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


class ApiAutoSchema(AutoSchema):
    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error = self.resolve_serializer(ErrorOutput, "response").ref
        content: dict[str, Any] = {"application/json": {"schema": error}}
        if any(renderer.media_type == EVENT_STREAM for renderer in self.view.renderer_classes):
            content[EVENT_STREAM] = {"schema": ERROR_EVENT}
        for code in self.error_codes(operation):
            operation["responses"].setdefault(
                code, {"description": ERRORS[code], "content": content}
            )
        return operation

    def error_codes(self, operation: dict[str, Any]) -> list[str]:
        parameters = operation.get("parameters", [])
        has_body = "requestBody" in operation
        codes = ["414", "431"]
        if has_body or any(parameter["in"] == "query" for parameter in parameters):
            codes.append("400")
        if has_body:
            codes += ["413", "415"]
        if not any(isinstance(permission, AllowAny) for permission in self.view.get_permissions()):
            codes += ["401", "403"]
        scoped = isinstance(self.view, CompanyScopedApiMixin)
        if scoped or any(parameter["in"] == "path" for parameter in parameters):
            codes.append("404")
        if self.method in WRITES:
            codes.append("409")
        return sorted(codes)

    def _map_serializer_field(self, field: Any, direction: Any, *args: Any, **kwargs: Any) -> Any:
        schema = super()._map_serializer_field(field, direction, *args, **kwargs)
        if direction == "request":
            schema |= input_rules(field)
        return schema


def input_rules(field: serializers.Field) -> dict[str, Any]:
    """What DRF checks of an input field that the schema would not say otherwise: a file is
    binary, decimal places, a RegexField's pattern, and text that may not be blank (empty or
    only spaces)."""
    if isinstance(field, serializers.FileField):
        return {"type": "string", "format": "binary"}
    if isinstance(field, serializers.DecimalField) and not field.coerce_to_string:
        return {"multipleOf": 10 ** -(field.decimal_places or 0)}
    if isinstance(field, serializers.RegexField):
        regex = next(v.regex for v in field.validators if isinstance(v, RegexValidator))
        return {"pattern": regex if isinstance(regex, str) else regex.pattern}
    if isinstance(field, serializers.CharField) and not field.allow_blank:
        return {"minLength": max(field.min_length or 0, 1), "pattern": r"\S"}
    return {}
