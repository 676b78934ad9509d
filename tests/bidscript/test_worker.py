"""The worker's own clocks: a heartbeat whatever the queue holds, and maintenance one at a time."""

import os
import signal
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from bidscript import services
from bidscript.models import WorkerHeartbeat
from tests.conftest import start_worker
from tests.conftest import wait_for


def worker_health(client) -> dict:
    return client.get(reverse("health")).json()["services"]["worker"]


@pytest.mark.django_db(transaction=True)
def test_a_started_worker_shows_on_health_at_once_and_leaves_it_when_stopped(client):
    assert worker_health(client)["status"] == "down"

    worker = start_worker()
    try:
        wait_for(lambda: worker_health(client)["alive"] == 1)
        assert WorkerHeartbeat.objects.get().pid == worker.pid
    finally:
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=30) == 0

    assert not WorkerHeartbeat.objects.exists()
    assert worker_health(client)["status"] == "down"


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_is_reported_down_once_its_heartbeat_is_older_than_the_max_age(
    client, settings
):
    settings.WORKER_HEARTBEAT_MAX_AGE = 2
    worker = start_worker(WORKER_HEARTBEAT_INTERVAL="0.5")
    try:
        wait_for(lambda: WorkerHeartbeat.objects.exists())
        first_seen = WorkerHeartbeat.objects.get().seen_at
        wait_for(lambda: WorkerHeartbeat.objects.get().seen_at > first_seen)  # it keeps beating
    finally:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    assert worker_health(client)["status"] == "up"

    wait_for(lambda: worker_health(client)["status"] == "down", timeout=10)
    assert worker_health(client)["alive"] == 0


# ------------------------------------------------------------------ Maintenance


@pytest.fixture
def jobs(monkeypatch):
    ran: list[str] = []
    monkeypatch.setattr(services, "MAINTENANCE", [lambda: ran.append("sweep")])
    return ran


@pytest.mark.django_db(transaction=True)
def test_maintenance_is_skipped_while_another_worker_is_running_it(jobs):
    holding, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [services.MAINTENANCE_LOCK])
            holding.set()
            release.wait(timeout=30)
            cursor.execute("SELECT pg_advisory_unlock(%s)", [services.MAINTENANCE_LOCK])
        connection.close()

    thread = threading.Thread(target=other_worker)
    thread.start()
    assert holding.wait(timeout=30)
    try:
        assert services.maintenance_run() is False
    finally:
        release.set()
        thread.join(timeout=30)
    assert jobs == []

    assert services.maintenance_run() is True
    assert jobs == ["sweep"]


@pytest.mark.django_db
def test_a_failing_maintenance_job_does_not_stop_the_others(jobs, monkeypatch, caplog):
    def broken() -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "MAINTENANCE", [broken, *services.MAINTENANCE])

    assert services.maintenance_run() is True

    assert jobs == ["sweep"]
    assert "disk full" in caplog.text


@pytest.mark.django_db
def test_the_rows_of_workers_silent_for_a_day_are_pruned():
    services.heartbeat_record(worker_id="alive", queues="default")
    services.heartbeat_record(worker_id="killed", queues="default")
    WorkerHeartbeat.objects.filter(worker_id="killed").update(
        seen_at=timezone.now() - timedelta(days=1, minutes=1)
    )

    assert services.heartbeats_prune() == 1
    assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["alive"]
