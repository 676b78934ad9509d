"""The public health endpoint: per-service state and latency, nothing secret."""

import logging
import time
from collections.abc import Callable
from datetime import datetime
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from bidscript import __version__
from bidscript.db import pgvector_installed_version
from bidscript.selectors import queue_state
from bidscript.selectors import workers_state

logger = logging.getLogger(__name__)

# The worker is reported but not required: web pages keep working while it restarts.
REQUIRED_SERVICES = ("database", "pgvector", "cache")

Check = Callable[[], dict[str, Any]]


def _timed(check: Check) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        result = {"status": "up", **check()}
    except Exception as error:
        # Log the detail, never return it: the endpoint is public.
        logger.warning("health check %s failed: %s", check.__name__, error)
        result = {"status": "down"}
    result["latency_ms"] = round((time.perf_counter() - started) * 1000, 2)
    return result


def check_database() -> dict[str, Any]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {}


def check_pgvector() -> dict[str, Any]:
    return {"version": pgvector_installed_version()}


def check_cache() -> dict[str, Any]:
    # The raw client, because the cache backend swallows errors by design.
    cache.client.get_client(write=True).ping()  # type: ignore[attr-defined]
    return {}


def check_worker() -> dict[str, Any]:
    """Up while any worker has recorded a heartbeat within the max age. Workers record it on a
    clock of their own, so a long queue reads as busy (up, deep queue, old oldest task) and a
    dead pool as down (no fresh heartbeat), never one for the other."""
    now = timezone.now()
    workers = workers_state(max_age=timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE))
    queue = queue_state()
    return {
        "status": "up" if workers.alive else "down",
        "alive": workers.alive,
        "last_seen": workers.last_seen.isoformat() if workers.last_seen else None,
        "heartbeat_age_s": _seconds_since(workers.last_seen, now),
        "queue_depth": queue.depth if queue else None,
        "oldest_queued_s": _seconds_since(queue.oldest_enqueued_at if queue else None, now),
    }


def _seconds_since(moment: datetime | None, now: datetime) -> float | None:
    return None if moment is None else round(max(0.0, (now - moment).total_seconds()), 1)


CHECKS: dict[str, Check] = {
    "database": check_database,
    "pgvector": check_pgvector,
    "cache": check_cache,
    "worker": check_worker,
}


@never_cache
@require_safe
def health(request: HttpRequest) -> JsonResponse:
    services = {name: _timed(check) for name, check in CHECKS.items()}
    all_up = all(service["status"] == "up" for service in services.values())
    required_up = all(services[name]["status"] == "up" for name in REQUIRED_SERVICES)
    body = {
        "status": "healthy" if all_up else "degraded",
        "version": __version__,
        "timestamp": timezone.now().isoformat(),
        "services": services,
    }
    return JsonResponse(body, status=200 if required_up else 503)
