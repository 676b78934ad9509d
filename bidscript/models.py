import uuid
from datetime import datetime
from datetime import timedelta
from typing import Self

from django.db import models
from django.utils import timezone


class BaseModel(models.Model):
    """UUID primary key and timezone-aware timestamps: the base of every domain table."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteQuerySet[M: models.Model](models.QuerySet[M]):
    def alive(self) -> Self:
        return self.filter(deleted_at__isnull=True)

    def trashed(self) -> Self:
        return self.filter(deleted_at__isnull=False)


class SoftDeleteModel(BaseModel):
    """A domain row that goes to a trash before it is deleted for good."""

    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_trashed(self) -> bool:
        return self.deleted_at is not None

    def move_to_trash(self) -> bool:
        """Trash the row (saved); return whether it changed."""
        if self.deleted_at is not None:
            return False
        self.deleted_at = timezone.now()
        self.save(update_fields=["deleted_at", "updated_at"])
        return True

    def restore_from_trash(self) -> bool:
        """Take the row out of the trash (saved); return whether it changed."""
        if self.deleted_at is None:
            return False
        self.deleted_at = None
        self.save(update_fields=["deleted_at", "updated_at"])
        return True


class WorkerHeartbeat(models.Model):
    """Proof that a worker serves a queue: the health check asks, a worker answers.

    One row per queue. ``requested_at`` is when the oldest unanswered request was made,
    ``enqueued_at`` when a heartbeat task was last put on the queue, ``answered_at`` when a
    worker last ran one.
    """

    queue = models.CharField(primary_key=True, max_length=100)
    requested_at = models.DateTimeField()
    enqueued_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = "worker heartbeat"

    def __str__(self) -> str:
        return f"{self.queue} heartbeat"

    @property
    def pending(self) -> bool:
        return self.answered_at is None or self.answered_at < self.requested_at

    def state(self, *, now: datetime, max_age: timedelta) -> str:
        """``up`` if a worker answered within max_age, ``waiting`` while a fresh request is
        unanswered, else ``down``."""
        if self.answered_at is not None and now - self.answered_at <= max_age:
            return "up"
        if self.pending and now - self.requested_at <= max_age:
            return "waiting"
        return "down"

    @property
    def pickup_latency_ms(self) -> float | None:
        """How long the last answered request waited for a worker."""
        if self.answered_at is None or self.pending:
            return None
        return round((self.answered_at - self.requested_at).total_seconds() * 1000, 1)
