"""What the benchmarks share: a free port, production settings for a served app, a throwaway
database, and loading chunks before indexing them."""

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a server run as in production (DEBUG off), with its static files
    collected: with DEBUG off BidScript will not start without them."""
    repo = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DB_SSL": "false", "DEBUG": "false", "SECRET_KEY": secrets.token_urlsafe(50),
           "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "false", "LOG_LEVEL": "WARNING",
           "STATIC_ROOT": str(repo / ".data" / "bench-static"), **overrides}  # fmt: skip
    subprocess.run(
        [sys.executable, str(repo / "manage.py"), "collectstatic", "--no-input", "--verbosity", "0"],
        env=env, cwd=repo, check=True,
    )  # fmt: skip
    return env


@contextmanager
def throwaway_database(name: str) -> Iterator[None]:
    """A migrated database of its own on the running PostgreSQL, dropped afterwards, so neither
    `make test` nor another benchmark is disturbed. Call after ``django.setup()``."""
    from django.db import connections
    from django.test.utils import setup_databases
    from django.test.utils import teardown_databases

    connections["default"].settings_dict["TEST"]["NAME"] = name
    databases = setup_databases(verbosity=0, interactive=False, keepdb=False)
    try:
        yield
    finally:
        teardown_databases(databases, verbosity=0)


@contextmanager
def vectors_indexed_after() -> Iterator[None]:
    """Load chunks without the HNSW index, then build it once: much faster than inserting into it."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX chunk_embedding_hnsw")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute(
            "CREATE INDEX chunk_embedding_hnsw ON documents_chunk USING hnsw (embedding vector_cosine_ops) "
            "WITH (m = 16, ef_construction = 64)"
        )
        cursor.execute("ANALYZE documents_chunk")
