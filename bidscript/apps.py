import re
import warnings
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created


def _log_every_query(sender: Any, connection: Any, **kwargs: Any) -> None:
    connection.force_debug_cursor = True


class BidscriptConfig(AppConfig):
    name = "bidscript"
    verbose_name = "BidScript platform"

    def ready(self) -> None:
        from bidscript import checks  # noqa: F401 - registers the system checks

        # Under ASGI Django reads a file response (static files, document downloads — capped by
        # DOCUMENT_MAX_BYTES) whole before sending it, and warns each time; streamed answers use
        # an asynchronous iterator (bidscript.streaming) and are not affected.
        warnings.filterwarnings(
            "ignore", message="StreamingHttpResponse must consume synchronous iterators"
        )
        if settings.DEBUG:  # development serves static files from the apps, not STATIC_ROOT
            warnings.filterwarnings(
                "ignore", message=f"No directory at: {re.escape(str(settings.STATIC_ROOT))}"
            )
        if settings.LOG_QUERIES:
            connection_created.connect(_log_every_query, dispatch_uid="bidscript.log_queries")
