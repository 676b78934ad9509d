import os
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from bidscript.worker import WorkerClocks


class Command(DbWorkerCommand):
    help = (
        "Run a task worker (django-tasks-db's db_worker, same options) that also records its "
        "heartbeat and runs the maintenance jobs on its own clock, whatever the queue holds."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if not _runs_tasks(options):
            super().handle(*args, **options)
            return
        clocks = WorkerClocks(worker_id=options["worker_id"], queues=options["queue_name"])
        clocks.start()
        try:
            super().handle(*args, **options)
        finally:
            clocks.stop()


def _runs_tasks(options: dict[str, Any]) -> bool:
    """False in the autoreloader's parent process, which only restarts the one that does."""
    reloading = options["reload"] and not options["batch"]
    return not reloading or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
