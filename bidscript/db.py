"""The connected PostgreSQL: facts the app depends on, and a cursor for prepared statements."""

import psycopg
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

MIN_PGVECTOR_VERSION = (0, 8)
MIN_PGVECTOR = ".".join(map(str, MIN_PGVECTOR_VERSION))


def _version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split(".")[:2] if part.isdigit())


def pgvector_versions(db: BaseDatabaseWrapper = connection) -> tuple[str | None, str | None]:
    """(installed in this database, offered by the server) versions of pgvector."""
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT installed_version, default_version FROM pg_available_extensions"
            " WHERE name = 'vector'"
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (None, None)


def pgvector_server_problem(db: BaseDatabaseWrapper = connection) -> str | None:
    """Why this server cannot give BidScript pgvector >= 0.8, or None when it can."""
    installed, available = pgvector_versions(db)
    version = installed or available
    if version is None:
        return (
            f"The PostgreSQL server has no pgvector extension. BidScript needs pgvector >= "
            f"{MIN_PGVECTOR}: install it on the database server (e.g. postgresql-NN-pgvector)."
        )
    if _version_tuple(version) < MIN_PGVECTOR_VERSION:
        upgrade = "ALTER EXTENSION vector UPDATE" if installed else "upgrade the server package"
        return f"pgvector {version} is too old: BidScript needs >= {MIN_PGVECTOR} ({upgrade})."
    return None


def pgvector_installed_version() -> str:
    """The installed pgvector version; raises when it is missing or too old (for health)."""
    installed, _ = pgvector_versions()
    if installed is None:
        raise RuntimeError("pgvector is not installed in this database: run `manage.py migrate`.")
    if problem := pgvector_server_problem():
        raise RuntimeError(problem)
    return installed


def prepared_cursor() -> CursorWrapper:
    """A cursor whose statements PostgreSQL parses and plans once per connection, not per call.

    Django's cursors bind parameters on the client, so every execution is planned afresh. For the
    token query, which runs on every API call, planning costs several times the execution (a
    four-table join: 0.33 ms against 0.05 ms). This cursor binds on the server, and the connection
    option ``prepare_threshold`` (settings.DB_PREPARED_STATEMENTS) has psycopg prepare each of its
    statements on first use. Query logging and query counting see it like any other cursor.
    """
    connection.ensure_connection()
    # Wrapped the way Django wraps its own cursors (thread check, query logging and counting).
    return connection._prepare_cursor(psycopg.Cursor(connection.connection))  # type: ignore[attr-defined]
