"""Small helpers shared by the REST API views."""

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from rest_framework import serializers
from rest_framework.request import Request

from bidscript.cache import read_through


def validated(
    serializer_class: type[serializers.Serializer], data: Any, *, partial: bool = False
) -> dict[str, Any]:
    """The input serializer's validated data; invalid input raises (the API answers 400)."""
    serializer = serializer_class(data=data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def cached_response(request: Request, key: str, compute: Callable[[], Any]) -> HttpResponse:
    """``compute()``'s data, read through the cache as the rendered body: a hit is sent as stored,
    without unpickling the data and encoding it again."""
    renderer = request.accepted_renderer  # JSON: the only renderer (settings.REST_FRAMEWORK)
    body = read_through(key, lambda: renderer.render(compute()))
    return HttpResponse(body, content_type=renderer.media_type)
