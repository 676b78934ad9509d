import logging
import os
import socket
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bidscript.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Housekeeping the worker runs with each heartbeat (e.g. requeueing jobs whose worker died).
MAINTENANCE: list[Callable[[], object]] = []


def register_maintenance[F: Callable[[], object]](job: F) -> F:
    MAINTENANCE.append(job)
    return job


def maintenance_run() -> None:
    """Run every registered housekeeping job; one failing does not stop the others."""
    for job in MAINTENANCE:
        try:
            job()
        except Exception:
            logger.exception("Maintenance job %s failed", getattr(job, "__qualname__", job))


# An answered heartbeat is renewed at most this often, so health checks stay cheap.
HEARTBEAT_RENEW_INTERVAL = timedelta(seconds=15)


def heartbeat_request(*, queue: str = "default") -> WorkerHeartbeat:
    """Ask a worker on ``queue`` for a heartbeat when one is due; return the heartbeat row.

    At most one request is outstanding per queue, so a dead worker does not fill its queue;
    a request unanswered for longer than the heartbeat max age is enqueued again in case
    its task was lost (a worker killed mid-task), without resetting how long it has waited.
    """
    # Imported here because the task module imports this one.
    from bidscript.tasks import worker_heartbeat

    now = timezone.now()
    max_age = timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    with transaction.atomic():
        heartbeat, created = WorkerHeartbeat.objects.select_for_update().get_or_create(
            queue=queue, defaults={"requested_at": now, "enqueued_at": now}
        )
        if not created:
            if not heartbeat.pending and now - heartbeat.requested_at >= HEARTBEAT_RENEW_INTERVAL:
                heartbeat.requested_at = now
            elif not (heartbeat.pending and now - heartbeat.enqueued_at > max_age):
                return heartbeat
            heartbeat.enqueued_at = now
            heartbeat.save()
        transaction.on_commit(lambda: worker_heartbeat.using(queue_name=queue).enqueue(queue))
    return heartbeat


def heartbeat_record(*, queue: str) -> None:
    """Called by a worker: mark the queue's heartbeat as answered now."""
    WorkerHeartbeat.objects.filter(queue=queue).update(
        answered_at=timezone.now(), answered_by=f"{socket.gethostname()}:{os.getpid()}"
    )
