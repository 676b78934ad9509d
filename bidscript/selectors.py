"""Reads of the workers' heartbeats and of the task queue (django-tasks-db's table)."""

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.db.models import Max
from django.db.models import Min
from django.db.models import Q
from django.db.models import QuerySet
from django.tasks import Task
from django.tasks import TaskResultStatus
from django.tasks import task_backends
from django.utils import timezone
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from bidscript.models import WorkerHeartbeat


@dataclass(frozen=True)
class Workers:
    alive: int  # workers heard from within the max age
    last_seen: datetime | None  # the freshest heartbeat of any worker


@dataclass(frozen=True)
class Queue:
    depth: int  # tasks ready to run
    oldest_enqueued_at: datetime | None  # of the task that has waited longest


def workers_state(*, max_age: timedelta) -> Workers:
    """How many workers are alive, and when any was last heard from (one query)."""
    fresh = Q(seen_at__gte=timezone.now() - max_age)
    state = WorkerHeartbeat.objects.aggregate(alive=Count("pk", filter=fresh), last=Max("seen_at"))
    return Workers(alive=state["alive"], last_seen=state["last"])


def queue_state() -> Queue | None:
    """The tasks waiting for a worker (one query over the ready tasks' partial index); None when
    the queue is not the database backend."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return None
    state = DBTaskResult.objects.ready().aggregate(depth=Count("pk"), oldest=Min("enqueued_at"))
    return Queue(depth=state["depth"], oldest_enqueued_at=state["oldest"])


def tasks_waiting(task: Task[Any, Any], *, first_args: Collection[str]) -> set[str]:
    """Which of ``first_args`` have a run of ``task`` still waiting on the queue.

    A task a worker has started is not waiting: if that worker died, nothing will run it. With a
    queue that is not the database backend nothing can be looked up and the answer is empty, so
    callers enqueue again; that costs at most a duplicate run that finds nothing to do.
    """
    if not first_args or not isinstance(task.get_backend(), DatabaseBackend):
        return set()
    waiting = _runs(task, TaskResultStatus.READY, first_args)
    return set(waiting.values_list("args_kwargs__args__0", flat=True))


def tasks_on_dead_workers(
    task: Task[Any, Any], *, first_args: Collection[str], max_age: timedelta
) -> set[str]:
    """Which of ``first_args`` have runs of ``task`` in progress only on workers whose heartbeat
    is older than ``max_age``: killed mid-task, so nothing will finish them.

    A worker with no heartbeat row at all (a bare ``db_worker``) is never judged dead, and one
    live run is enough, so an old run left behind by a killed worker condemns nothing.
    """
    if not first_args or not isinstance(task.get_backend(), DatabaseBackend):
        return set()
    running = _runs(task, TaskResultStatus.RUNNING, first_args).values_list(
        "args_kwargs__args__0", "worker_ids"
    )
    workers_by_arg: dict[str, set[str]] = {}
    for arg, worker_ids in running:
        workers_by_arg.setdefault(arg, set()).add(worker_ids[-1] if worker_ids else "")
    dead = set(
        WorkerHeartbeat.objects.filter(
            worker_id__in=set().union(*workers_by_arg.values()),
            seen_at__lt=timezone.now() - max_age,
        ).values_list("worker_id", flat=True)
    )
    return {arg for arg, workers in workers_by_arg.items() if workers <= dead}


def _runs(
    task: Task[Any, Any], status: TaskResultStatus, first_args: Collection[str]
) -> QuerySet[DBTaskResult]:
    """The task records of ``task`` in ``status`` whose first argument is one of ``first_args``."""
    return DBTaskResult.objects.filter(
        status=status, task_path=task.module_path, args_kwargs__args__0__in=list(first_args)
    )
