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

        if settings.LOG_QUERIES:
            connection_created.connect(_log_every_query, dispatch_uid="bidscript.log_queries")
