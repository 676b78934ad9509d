import socket
import subprocess
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from bidscript.models import WorkerHeartbeat
from tests.conftest import database_url
from tests.conftest import manage_command

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "default": {
        **settings.CACHES["default"],
        "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
}


def get_health(client):
    response = client.get(reverse("health"))
    return response.status_code, response.json()


def set_heartbeat(*, requested, answered):
    """Put the queue's heartbeat in a known state; times are seconds ago (None: never)."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        queue="default",
        defaults={
            "requested_at": now - timedelta(seconds=requested),
            "enqueued_at": now - timedelta(seconds=requested),
            "answered_at": None if answered is None else now - timedelta(seconds=answered),
            "answered_by": "test",
        },
    )


def answer_heartbeat():
    set_heartbeat(requested=1, answered=0)


def heartbeat_tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path="bidscript.tasks.worker_heartbeat")


def test_health_is_healthy_when_every_service_is_up(client):
    answer_heartbeat()

    status, body = get_health(client)

    assert status == 200
    assert body["status"] == "healthy"
    assert set(body["services"]) == {"database", "pgvector", "cache", "worker"}
    assert all(service["status"] == "up" for service in body["services"].values())
    assert body["services"]["pgvector"]["version"] >= "0.8"
    assert all(service["latency_ms"] >= 0 for service in body["services"].values())
    assert body["version"]
    assert body["timestamp"]


def test_health_is_degraded_with_503_when_redis_is_unreachable(client, settings):
    answer_heartbeat()
    settings.CACHES = UNREACHABLE_REDIS

    status, body = get_health(client)

    assert status == 503
    assert body["status"] == "degraded"
    assert body["services"]["cache"]["status"] == "down"
    assert body["services"]["database"]["status"] == "up"


def test_health_reveals_no_secrets_or_error_details(client, settings):
    settings.CACHES = UNREACHABLE_REDIS

    response = client.get(reverse("health"))

    text = response.content.decode()
    assert settings.SECRET_KEY not in text
    assert "127.0.0.1:9" not in text
    assert "Error" not in text
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_worker_that_leaves_a_request_unanswered_degrades_health_but_keeps_200(client):
    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    set_heartbeat(requested=max_age + 5, answered=max_age + 20)

    status, body = get_health(client)

    assert status == 200
    assert body["status"] == "degraded"
    assert body["services"]["worker"]["status"] == "down"


def test_a_worker_that_never_answered_is_reported_as_waiting_then_down(client):
    _, body = get_health(client)
    assert body["services"]["worker"]["status"] == "waiting"

    max_age = settings.WORKER_HEARTBEAT_MAX_AGE
    set_heartbeat(requested=max_age + 1, answered=None)
    _, body = get_health(client)
    assert body["services"]["worker"]["status"] == "down"


def test_after_an_idle_spell_a_healthy_worker_is_asked_again_not_reported_down(
    client, django_capture_on_commit_callbacks
):
    set_heartbeat(requested=600, answered=599)

    with django_capture_on_commit_callbacks(execute=True):
        _, body = get_health(client)

    assert body["services"]["worker"]["status"] == "waiting"
    assert heartbeat_tasks().count() == 1


def test_repeated_health_checks_keep_one_heartbeat_request_outstanding(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.get(reverse("health"))

    assert heartbeat_tasks().count() == 1


def test_a_lost_heartbeat_task_is_enqueued_again_after_the_max_age(
    client, django_capture_on_commit_callbacks
):
    set_heartbeat(requested=settings.WORKER_HEARTBEAT_MAX_AGE + 1, answered=None)

    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("health"))
        client.get(reverse("health"))

    assert heartbeat_tasks().count() == 1
    assert WorkerHeartbeat.objects.get().pending


@pytest.mark.django_db(transaction=True)
def test_health_reports_the_worker_after_a_real_db_worker_ran_the_heartbeat(client):
    status, body = get_health(client)
    assert body["services"]["worker"]["status"] == "waiting"

    worker = subprocess.Popen(
        manage_command("db_worker", "--batch", "--no-reload", "--no-startup-delay"),
        env={**_subprocess_env(), "DATABASE_URL": database_url()},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output, _ = worker.communicate(timeout=120)
    assert worker.returncode == 0, output

    status, body = get_health(client)
    assert status == 200
    assert body["status"] == "healthy"
    assert body["services"]["worker"]["status"] == "up"
    heartbeat = WorkerHeartbeat.objects.get(queue="default")
    assert heartbeat.answered_by == f"{socket.gethostname()}:{worker.pid}"


def _subprocess_env():
    import os

    return {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}


def test_heartbeat_pickup_latency_is_reported(client):
    requested = timezone.now() - timedelta(seconds=2)
    WorkerHeartbeat.objects.create(
        queue="default",
        requested_at=requested,
        enqueued_at=requested,
        answered_at=requested + timedelta(milliseconds=250),
        answered_by="test",
    )

    _, body = get_health(client)

    assert body["services"]["worker"]["pickup_ms"] == pytest.approx(250, abs=1)
