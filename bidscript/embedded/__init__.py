"""Embedded PostgreSQL (with pgvector) and Redis for local runs and tests.

Used only when ``DATABASE_URL`` / ``REDIS_URL`` are unset. Both servers run as
daemons under ``.data/`` and outlive the process that started them, so a second
``make run`` (or the test suite) reuses them; ``manage.py embedded stop`` ends them.
"""

from bidscript.embedded.servers import DATABASE_NAME
from bidscript.embedded.servers import ensure_postgres
from bidscript.embedded.servers import ensure_redis
from bidscript.embedded.servers import postgres_running
from bidscript.embedded.servers import redis_running
from bidscript.embedded.servers import redis_socket_path
from bidscript.embedded.servers import stop_postgres
from bidscript.embedded.servers import stop_redis

__all__ = [
    "DATABASE_NAME",
    "ensure_postgres",
    "ensure_redis",
    "postgres_running",
    "redis_running",
    "redis_socket_path",
    "stop_postgres",
    "stop_redis",
]
