"""Where the embedded servers live. Kept free of heavy imports: settings read it at startup."""

import hashlib
import tempfile
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parents[2] / ".data"
POSTGRES_DIR = DATA_DIR / "postgres"
REDIS_DIR = DATA_DIR / "redis"
DATABASE_NAME = "bidscript"
# A unix socket path must fit in sockaddr_un (108 bytes on Linux).
MAX_SOCKET_PATH = 100


def redis_socket_path() -> Path:
    """Where the embedded Redis listens; a short temp path when the checkout is deep."""
    path = REDIS_DIR / "redis.sock"
    if len(str(path)) <= MAX_SOCKET_PATH:
        return path
    digest = hashlib.sha256(str(REDIS_DIR).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"bidscript-{digest}" / "redis.sock"
