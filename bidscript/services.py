import os
import socket
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bidscript.models import WorkerHeartbeat

# A heartbeat is asked for at most this often, so a dead worker does not fill its queue.
HEARTBEAT_REQUEST_INTERVAL = timedelta(seconds=15)


def heartbeat_request(*, queue: str = "default") -> bool:
    """Enqueue a heartbeat task unless one was asked for recently; return whether one was."""
    from bidscript.tasks import worker_heartbeat

    now = timezone.now()
    with transaction.atomic():
        _, created = WorkerHeartbeat.objects.get_or_create(
            queue=queue, defaults={"requested_at": now}
        )
        # A conditional UPDATE, so concurrent health checks enqueue one task, not many.
        asked = created or WorkerHeartbeat.objects.filter(
            Q(queue=queue), Q(requested_at__lt=now - HEARTBEAT_REQUEST_INTERVAL)
        ).update(requested_at=now)
        if asked:
            transaction.on_commit(lambda: worker_heartbeat.using(queue_name=queue).enqueue(queue))
    return bool(asked)


def heartbeat_record(*, queue: str) -> None:
    """Called by a worker: mark the queue's heartbeat as answered now."""
    WorkerHeartbeat.objects.filter(queue=queue).update(
        answered_at=timezone.now(), answered_by=f"{socket.gethostname()}:{os.getpid()}"
    )
