"""Small helpers shared by the REST API views."""

from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from typing import cast

from django.http import HttpResponse
from django.http import QueryDict
from rest_framework import serializers
from rest_framework.request import Request

from bidscript.cache import read_through

# A UUID as Django's <uuid:…> converter reads it.
UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def validated(
    serializer_class: type[serializers.Serializer], data: Any, *, partial: bool = False
) -> dict[str, Any]:
    """The input serializer's validated data; invalid input raises (the API answers 400).

    Input is taken as the schema describes it: DRF alone would read ``0`` as the text "0", "5"
    as the number 5 and an empty query parameter as one left out.
    """
    serializer = serializer_class(data=data, partial=partial)
    if isinstance(data, Mapping) and (errors := _shape_errors(serializer.fields, data)):
        raise serializers.ValidationError(errors)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _shape_errors(
    fields: Mapping[str, serializers.Field], data: Mapping[str, Any]
) -> dict[str, Any]:
    errors = {}
    for name, field in fields.items():
        if isinstance(data, QueryDict):
            problem = _blank_problem(field, data.getlist(name))
        else:
            problem = _type_problem(field, data.get(name))
        if problem:
            errors[name] = [problem]
    return errors


def _blank_problem(field: serializers.Field, values: list[str]) -> str | None:
    """In a query string or form, an empty value is an empty value, not a missing one."""
    if (
        "" in values
        and not getattr(field, "allow_blank", False)
        and not isinstance(field, serializers.ListField)
    ):
        return "This field may not be blank."
    return None


def _json_types(field: serializers.Field) -> tuple[tuple[type, ...], str] | None:
    """The JSON types a field takes (as the schema shows it), with their name for a person."""
    if isinstance(field, serializers.BooleanField):
        return (bool,), "true or false"
    if isinstance(field, serializers.IntegerField):
        return (int,), "a whole number"
    if isinstance(field, serializers.FloatField) or (
        isinstance(field, serializers.DecimalField) and not field.coerce_to_string
    ):
        return (int, float), "a number"
    if isinstance(field, serializers.ListField):
        return (list,), "a list"
    if isinstance(field, serializers.DictField):
        return (dict,), "an object"
    if isinstance(field, serializers.FileField | serializers.JSONField):
        return None
    return (str,), "text"


def _type_problem(field: serializers.Field, value: Any) -> str | None:
    expected = _json_types(field)
    if value is None or expected is None:
        return None
    types, name = expected
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
        return f"Must be {name}."
    if isinstance(field, serializers.ListField):
        items = cast(list[Any], value)
        return next(filter(None, (_type_problem(field.child, item) for item in items)), None)
    return None


class QueryListField(serializers.ListField):
    """A list in the query string, repeated (``?id=a&id=b``), comma-separated (``?id=a,b``) or
    both."""

    def to_internal_value(self, data: Any) -> list[Any]:
        values = data if isinstance(data, list) else [data]
        parts = [part for value in values for part in str(value).split(",")]
        return super().to_internal_value(parts)


def cached_response(request: Request, key: str, compute: Callable[[], Any]) -> HttpResponse:
    """``compute()``'s data, read through the cache as the rendered body: a hit is sent as stored,
    without unpickling the data and encoding it again."""
    renderer = request.accepted_renderer  # JSON: the only renderer (settings.REST_FRAMEWORK)
    body = read_through(key, lambda: renderer.render(compute()))
    return HttpResponse(body, content_type=renderer.media_type)
