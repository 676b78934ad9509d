"""PostgreSQL backend that starts the embedded server on first connection.

Lazy on purpose: importing settings (mypy, ``manage.py help``) starts nothing.
"""

import functools
from pathlib import Path
from typing import Any

from django.db.backends.postgresql import base

from bidscript.embedded.servers import ensure_postgres


@functools.cache
def _socket_dir() -> Path:
    return ensure_postgres()


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        params["host"] = str(_socket_dir())
        return params
