"""What workers record about themselves, and the housekeeping they run beside their tasks."""

import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from bidscript.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Housekeeping the workers run on their own schedule (e.g. requeueing jobs whose worker died).
MAINTENANCE: list[Callable[[], object]] = []

# The session-level PostgreSQL advisory lock (any fixed number nothing else uses) held while one
# worker runs the maintenance jobs.
MAINTENANCE_LOCK = 7_251_203_001

# A killed worker's row is kept this long, for the admin to show, then deleted.
HEARTBEAT_KEPT_FOR = timedelta(days=1)


def register_maintenance[F: Callable[[], object]](job: F) -> F:
    MAINTENANCE.append(job)
    return job


def maintenance_run() -> bool:
    """Run every registered housekeeping job, unless another worker is running them right now
    (return whether they ran); one job failing does not stop the others."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [MAINTENANCE_LOCK])
        if not cursor.fetchone()[0]:
            return False
    try:
        for job in MAINTENANCE:
            try:
                job()
            except Exception:
                logger.exception("Maintenance job %s failed", getattr(job, "__qualname__", job))
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [MAINTENANCE_LOCK])
    return True


def heartbeat_record(*, worker_id: str, queues: str) -> WorkerHeartbeat:
    """Record that this worker process is alive now; its first call registers it."""
    now = timezone.now()
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now},
        create_defaults={
            "seen_at": now, "started_at": now, "queues": queues[:200],
            "hostname": socket.gethostname()[:255], "pid": os.getpid(),
        },
    )  # fmt: skip
    return heartbeat


def heartbeat_remove(*, worker_id: str) -> None:
    """A worker stopping cleanly takes itself off the list of workers."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


@register_maintenance
def heartbeats_prune() -> int:
    """Delete the rows of workers silent for a day (killed, never stopped cleanly)."""
    deleted, _ = WorkerHeartbeat.objects.filter(
        seen_at__lt=timezone.now() - HEARTBEAT_KEPT_FOR
    ).delete()
    return deleted
