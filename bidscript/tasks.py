from django.tasks import task

from bidscript.services import heartbeat_record
from bidscript.services import maintenance_run


@task
def worker_heartbeat(queue: str) -> None:
    heartbeat_record(queue=queue)
    maintenance_run()
