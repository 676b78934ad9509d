from django.tasks import task

from bidscript.services import heartbeat_record


@task
def worker_heartbeat(queue: str) -> None:
    heartbeat_record(queue=queue)
