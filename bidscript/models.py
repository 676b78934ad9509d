import uuid
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
    """A running worker process, as it last reported itself.

    Each worker records ``seen_at`` every few seconds from a thread of its own, whatever its
    queue holds, and removes its row when it stops cleanly; the row of a killed worker ages.
    ``worker_id`` is the id the worker also leaves on the tasks it runs.
    """

    worker_id = models.CharField(primary_key=True, max_length=64)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    queues = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "worker heartbeat"

    def __str__(self) -> str:
        return f"worker {self.hostname}:{self.pid}"
