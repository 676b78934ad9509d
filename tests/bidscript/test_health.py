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


def answer_heartbeat(seconds_ago=0):
    answered = timezone.now() - timedelta(seconds=seconds_ago)
    WorkerHeartbeat.objects.update_or_create(
        queue="default",
        defaults={"requested_at": answered, "answered_at": answered, "answered_by": "test"},
    )


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


def test_a_silent_worker_degrades_health_but_keeps_200(client):
    answer_heartbeat(seconds_ago=settings.WORKER_HEARTBEAT_MAX_AGE + 30)

    status, body = get_health(client)

    assert status == 200
    assert body["status"] == "degraded"
    assert body["services"]["worker"]["status"] == "down"


def test_a_worker_that_never_answered_is_reported_as_waiting(client):
    status, body = get_health(client)

    assert status == 200
    assert body["services"]["worker"]["status"] == "waiting"
    assert WorkerHeartbeat.objects.get(queue="default").answered_at is None


def test_repeated_health_checks_enqueue_one_heartbeat_not_many(
    client, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            client.get(reverse("health"))

    assert DBTaskResult.objects.filter(task_path__endswith="worker_heartbeat").count() == 1


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
        answered_at=requested + timedelta(milliseconds=250),
        answered_by="test",
    )

    _, body = get_health(client)

    assert body["services"]["worker"]["pickup_ms"] == pytest.approx(250, abs=1)
