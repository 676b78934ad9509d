"""The clocks a worker process keeps beside its task loop."""

import logging
import threading
from collections.abc import Callable
from functools import partial

from django.conf import settings
from django.db import DatabaseError
from django.db import connection

from bidscript.services import heartbeat_record
from bidscript.services import heartbeat_remove
from bidscript.services import maintenance_run

logger = logging.getLogger(__name__)


class WorkerClocks:
    """Two daemon threads: one records the worker's heartbeat every WORKER_HEARTBEAT_INTERVAL
    seconds, the other runs the maintenance jobs every WORKER_MAINTENANCE_INTERVAL. Being
    threads, not tasks, neither waits behind the tasks on the queue. Both start at once, so a
    restarted worker shows as alive and recovers its predecessor's work without delay."""

    def __init__(self, *, worker_id: str, queues: str) -> None:
        self.worker_id = worker_id
        self._stopping = threading.Event()
        beat = partial(heartbeat_record, worker_id=worker_id, queues=queues)
        self._threads = [
            self._clock("heartbeat", beat, settings.WORKER_HEARTBEAT_INTERVAL),
            self._clock("maintenance", maintenance_run, settings.WORKER_MAINTENANCE_INTERVAL),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop both clocks and take this worker off the list of live workers."""
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)
        try:
            heartbeat_remove(worker_id=self.worker_id)
        except DatabaseError:  # the row then ages out, as a killed worker's does
            logger.warning("Worker %s could not remove its heartbeat", self.worker_id)

    def _clock(self, name: str, job: Callable[[], object], interval: float) -> threading.Thread:
        def tick() -> None:
            while not self._stopping.is_set():
                try:
                    job()
                except Exception:  # the database may be restarting: try again next time
                    logger.exception("Worker %s failed", name)
                finally:
                    connection.close()  # each thread has its own; don't hold it between ticks
                self._stopping.wait(interval)

        return threading.Thread(target=tick, name=f"worker-{name}", daemon=True)
