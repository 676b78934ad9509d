import uuid

from django.db import models


class BaseModel(models.Model):
    """UUID primary key and timezone-aware timestamps: the base of every domain table."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class WorkerHeartbeat(models.Model):
    """Proof that a worker serves a queue: the health check asks, a worker answers.

    One row per queue; ``requested_at`` is when a heartbeat task was last enqueued and
    ``answered_at`` when a worker last ran one.
    """

    queue = models.CharField(primary_key=True, max_length=100)
    requested_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "worker heartbeat"

    def __str__(self) -> str:
        return f"{self.queue} heartbeat"

    @property
    def pickup_latency_ms(self) -> float | None:
        """How long the last answered heartbeat waited in the queue."""
        if self.answered_at is None or self.answered_at < self.requested_at:
            return None
        return (self.answered_at - self.requested_at).total_seconds() * 1000
