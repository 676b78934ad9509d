import uuid
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from bidscript.models import WorkerHeartbeat
from documents.tasks import ingest_document

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


def heartbeat(seconds_ago: float, *, worker_id: str = "w1") -> WorkerHeartbeat:
    """A worker that last recorded its heartbeat this many seconds ago."""
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="worker-host-7", pid=4242, queues="default",
        started_at=seen - timedelta(hours=1), seen_at=seen,
    )  # fmt: skip


def test_health_is_healthy_when_every_service_is_up(client):
    heartbeat(1)

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
    heartbeat(1)
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


def test_a_worker_silent_for_longer_than_the_max_age_degrades_health_but_keeps_200(client):
    heartbeat(settings.WORKER_HEARTBEAT_MAX_AGE + 5)

    status, body = get_health(client)

    assert status == 200
    assert body["status"] == "degraded"
    worker = body["services"]["worker"]
    assert worker["status"] == "down"
    assert worker["alive"] == 0
    assert worker["heartbeat_age_s"] == pytest.approx(settings.WORKER_HEARTBEAT_MAX_AGE + 5, abs=2)


def test_with_no_worker_ever_started_the_worker_is_down(client):
    status, body = get_health(client)

    assert status == 200
    assert body["services"]["worker"] | {"latency_ms": 0} == {
        "status": "down", "alive": 0, "last_seen": None, "heartbeat_age_s": None,
        "queue_depth": 0, "oldest_queued_s": None, "latency_ms": 0,
    }  # fmt: skip


def test_health_counts_the_live_workers_and_reports_the_freshest_heartbeat(client):
    heartbeat(3, worker_id="a")
    heartbeat(20, worker_id="b")
    heartbeat(settings.WORKER_HEARTBEAT_MAX_AGE + 60, worker_id="killed")

    _, body = get_health(client)

    worker = body["services"]["worker"]
    assert worker["status"] == "up"
    assert worker["alive"] == 2
    assert worker["heartbeat_age_s"] == pytest.approx(3, abs=2)


def test_a_busy_worker_shows_as_up_with_the_queue_depth_and_the_oldest_wait(client):
    heartbeat(2)
    queued = [ingest_document.enqueue(str(uuid.uuid4())) for _ in range(3)]
    DBTaskResult.objects.filter(pk=queued[0].id).update(
        enqueued_at=timezone.now() - timedelta(minutes=75)
    )

    _, body = get_health(client)

    worker = body["services"]["worker"]
    assert (worker["status"], worker["queue_depth"]) == ("up", 3)
    assert worker["oldest_queued_s"] == pytest.approx(75 * 60, abs=5)


def test_health_only_reads_it_queues_nothing_and_names_no_worker_host(client):
    heartbeat(1)

    for _ in range(3):
        response = client.get(reverse("health"))

    assert not DBTaskResult.objects.exists()
    assert "worker-host-7" not in response.content.decode()
    assert set(response.json()["services"]["worker"]) == {
        "status", "alive", "last_seen", "heartbeat_age_s", "queue_depth", "oldest_queued_s",
        "latency_ms",
    }  # fmt: skip
