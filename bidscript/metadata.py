"""What ``OPTIONS`` answers on every API route."""

from typing import TYPE_CHECKING
from typing import Any

from rest_framework.metadata import BaseMetadata
from rest_framework.request import Request
from rest_framework.reverse import reverse

if TYPE_CHECKING:  # DRF loads this class while rest_framework.views is still importing
    from rest_framework.views import APIView


class ApiMetadata(BaseMetadata):
    """The route's methods, formats and where the schema is.

    DRF's default describes one serializer per view; ours differ per action and direction, so the
    OpenAPI schema is the one description of the fields.
    """

    def determine_metadata(self, request: Request, view: "APIView") -> dict[str, Any]:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "methods": view.allowed_methods,
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
            "schema": reverse("api:schema", request=request),
        }
