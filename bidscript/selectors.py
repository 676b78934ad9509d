"""Reads of the task queue (django-tasks-db's table in PostgreSQL)."""

from collections.abc import Collection
from typing import Any

from django.tasks import Task
from django.tasks import TaskResultStatus
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult


def tasks_waiting(task: Task[Any, Any], *, first_args: Collection[str]) -> set[str]:
    """Which of ``first_args`` have a run of ``task`` still waiting on the queue.

    A task a worker has started is not waiting: if that worker died, nothing will run it. With a
    queue that is not the database backend nothing can be looked up and the answer is empty, so
    callers enqueue again; that costs at most a duplicate run that finds nothing to do.
    """
    if not first_args or not isinstance(task.get_backend(), DatabaseBackend):
        return set()
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY,
        task_path=task.module_path,
        args_kwargs__args__0__in=list(first_args),
    )
    return set(waiting.values_list("args_kwargs__args__0", flat=True))
