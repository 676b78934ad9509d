"""Ingestion soak: thousands of small documents through the API while a worker keeps being killed.

On a throwaway database of the running PostgreSQL, serves BidScript (uvicorn, DEBUG off) with two
`manage.py worker` processes, uploads small text documents as an integrator would (API token,
batches of 20), kills the second worker with SIGKILL several times mid-run and starts it again,
and polls /health every second. At the end it reports documents ready, failed and still queued or
processing (target 0), duplicated chunks (target 0), documents per second, and the worker
heartbeat age /health reported during the run (max and median).

Heartbeats keep their defaults (every 15 s, dead after 60 s); the sweep runs every 10 s and the
stale cutoff is 60 s instead of 10 minutes, so a killed worker's document is recovered within the
run.

    .venv/bin/python bench/ingest_soak.py [--documents 3000] [--kills 4]
"""

import argparse
import logging
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bidscript.settings")
os.environ.setdefault("DEBUG", "true")
from bench.common import free_port  # noqa: E402 - after the repository is importable
from bench.common import production_env  # noqa: E402

BATCH = 20
TIMEOUT = 45 * 60
WORKER_ENV = {"WORKER_MAINTENANCE_INTERVAL": "10", "DOCUMENT_STALE_AFTER": "60"}
TOPICS = [
    "ISO 9001 quality management", "social value and local apprenticeships", "carbon reduction plan",
    "cyber essentials plus", "mobilisation and TUPE transfer", "health and safety record",
    "contract management and KPIs", "business continuity", "modern slavery statement",
    "equality, diversity and inclusion", "data protection and GDPR", "supply chain management",
]  # fmt: skip


def document_text(n: int) -> bytes:
    """A short evidence note (one or two passages), different for every n."""
    topic = TOPICS[n % len(TOPICS)]
    return (
        f"Evidence note {n}: {topic}\n\n"
        f"On contract {n} for client {n % 97} we delivered {topic} with {n % 40 + 5} staff. "
        f"The authority scored our approach {n % 5 + 6} out of 10 and renewed the contract in "
        f"{2015 + n % 10}. Key results: {n % 30 + 70}% of targets met in the first year, "
        f"complaints down {n % 20 + 5}%, and an audit with no major findings.\n"
    ).encode()


def database_url() -> str:
    from django.db import connection

    connection.ensure_connection()
    info = connection.connection.info
    credentials = f"{quote(info.user)}:{quote(info.password or '')}@"
    name = quote(connection.settings_dict["NAME"])
    if info.host.startswith("/"):
        return f"postgresql://{credentials}/{name}?host={quote(info.host)}"
    return f"postgresql://{credentials}{info.host}:{info.port}/{name}"


class Processes:
    """The web server and the two workers, each in its own process group."""

    def __init__(self, env: dict[str, str], port: int) -> None:
        self.env, self.port = env, port
        self.manage = [sys.executable, str(REPO / "manage.py")]
        self.web = self._start(
            [sys.executable, "-m", "uvicorn", "bidscript.asgi:application", "--app-dir", str(REPO),
             "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        )  # fmt: skip
        self.workers = [self._worker("a", 0), self._worker("b", 0)]
        self.restarts = 0

    def _start(self, command: list[str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, env=self.env, cwd=REPO, start_new_session=True)

    def _worker(self, name: str, generation: int) -> subprocess.Popen[bytes]:
        worker_id = f"soak-{name}-{generation}"
        return self._start(
            [*self.manage, "worker", "--no-reload", "--worker-id", worker_id, "--verbosity", "0"]
        )

    def kill_and_restart_second_worker(self) -> tuple[str, bool]:
        """SIGKILL the second worker once it is running a task (or after 30 s), start a new one;
        return the killed worker's id and whether it was killed mid-task."""
        killed = f"soak-b-{self.restarts}"
        mid_task = wait_for_task_on(killed, timeout=30)
        os.killpg(self.workers[1].pid, signal.SIGKILL)
        self.workers[1].wait()
        time.sleep(2)
        self.restarts += 1
        self.workers[1] = self._worker("b", self.restarts)
        return killed, mid_task

    def stop(self) -> None:
        for process in [self.web, *self.workers]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [self.web, *self.workers]:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class HealthLog(threading.Thread):
    """Reads /health every second until stopped."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/health"
        self.samples: list[dict[str, Any]] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        with httpx.Client(timeout=10) as client:
            while not self.stopping.wait(1):
                try:
                    self.samples.append(client.get(self.url).json()["services"]["worker"])
                except (httpx.HTTPError, ValueError, KeyError):
                    self.samples.append({"status": "unreachable"})


def wait_until_serving(port: int) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise SystemExit("the web server did not start")


def upload_all(port: int, token: str, documents: int, uploaded: list[int]) -> None:
    """POST /api/v1/documents/ in batches of 20, one request after the other."""
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers, timeout=120) as client:
        for start in range(0, documents, BATCH):
            numbers = range(start, min(start + BATCH, documents))
            files = [
                ("files", (f"note-{n:05d}.txt", document_text(n), "text/plain")) for n in numbers
            ]
            response = client.post("/api/v1/documents/", files=files)
            if response.status_code != 201 or response.json()["refused"]:
                raise SystemExit(f"upload refused: {response.status_code} {response.text[:500]}")
            uploaded.append(len(numbers))


def wait_for_task_on(worker_id: str, timeout: float) -> bool:
    from django.db import connection
    from django_tasks_db.models import DBTaskResult

    running = DBTaskResult.objects.filter(status="RUNNING", worker_ids__contains=[worker_id])
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if running.exists():
                return True
            time.sleep(0.02)
        return False
    finally:
        connection.close()


def counts() -> dict[str, int]:
    from django.db import connection
    from django.db.models import Count

    from documents.models import Document

    connection.close()  # a fresh connection each time: this runs for many minutes
    by_status = Document.objects.values_list("status").annotate(n=Count("pk"))
    return dict(by_status)


def duplicated_chunks() -> int:
    """Chunks beyond what their documents say they hold, plus chunks of unfinished documents."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT coalesce(sum(greatest(c.n - d.chunk_count, 0)
                                + CASE WHEN d.status <> 'ready' THEN c.n ELSE 0 END), 0)
                   + (SELECT count(*) - count(DISTINCT (document_id, ordinal)) FROM documents_chunk)
            FROM documents_document d
            JOIN (SELECT document_id, count(*) AS n FROM documents_chunk GROUP BY document_id) c
              ON c.document_id = d.id
            """
        )
        return int(cursor.fetchone()[0])


def tasks_summary() -> tuple[int, int]:
    """(ingestion tasks enqueued, tasks left running by killed workers)."""
    from django_tasks_db.models import DBTaskResult

    tasks = DBTaskResult.objects.filter(task_path="documents.tasks.ingest_document")
    return tasks.count(), tasks.filter(status="RUNNING").count()


def drive(args: argparse.Namespace, processes: Processes, token: str) -> float:
    """Upload, kill the second worker at evenly spaced points, wait for the end; return seconds."""
    uploaded: list[int] = []
    uploader = threading.Thread(
        target=upload_all, args=(processes.port, token, args.documents, uploaded), daemon=True
    )
    started = time.monotonic()
    uploader.start()
    kills_at = [args.documents * (k + 1) // (args.kills + 1) for k in range(args.kills)]
    while time.monotonic() - started < TIMEOUT:
        time.sleep(1)
        now = counts()
        finished = now.get("ready", 0) + now.get("failed", 0)
        if kills_at and finished >= kills_at[0]:
            kills_at.pop(0)
            killed, mid_task = processes.kill_and_restart_second_worker()
            during = "mid-task" if mid_task else "between tasks"
            print(
                f"  {time.monotonic() - started:6.0f} s: killed {killed} {during}, {finished} done"
            )
        if not uploader.is_alive() and finished == args.documents:
            return time.monotonic() - started
        if not uploader.is_alive() and sum(uploaded) < args.documents:
            raise SystemExit("the upload stopped early")
    print(f"timed out after {TIMEOUT} s")
    return time.monotonic() - started


def report(args: argparse.Namespace, seconds: float, samples: list[dict[str, Any]]) -> bool:
    final = counts()
    unfinished = final.get("queued", 0) + final.get("processing", 0)
    duplicates = duplicated_chunks()
    enqueued, zombies = tasks_summary()
    ages = [s["heartbeat_age_s"] for s in samples if s.get("heartbeat_age_s") is not None]
    depths = [s["queue_depth"] for s in samples if s.get("queue_depth") is not None]
    waits = [s["oldest_queued_s"] for s in samples if s.get("oldest_queued_s") is not None]
    down = sum(1 for s in samples if s.get("status") != "up")
    print(f"documents: {final.get('ready', 0)} ready, {final.get('failed', 0)} failed, "
          f"{unfinished} still queued or processing (target 0)")  # fmt: skip
    print(f"duplicated chunks: {duplicates} (target 0)")
    print(
        f"throughput: {args.documents / seconds:.1f} documents/s ({args.documents} in {seconds:.0f} s)"
    )
    print(f"worker kills: {args.kills}; ingestion tasks: {enqueued} for {args.documents} documents, "
          f"{zombies} left running by a killed worker and recovered by the sweep")  # fmt: skip
    if ages:
        print(f"/health heartbeat age: max {max(ages):.1f} s, median {statistics.median(ages):.1f} s "
              f"({len(samples)} samples, worker not up in {down})")  # fmt: skip
    if depths:
        print(f"/health queue: max depth {max(depths)}, max oldest wait {max(waits or [0]):.0f} s")
    return unfinished == 0 and duplicates == 0 and final.get("failed", 0) == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=3000)
    parser.add_argument("--kills", type=int, default=4)
    args = parser.parse_args()

    import django

    django.setup()
    logging.getLogger("httpx").setLevel(logging.WARNING)
    from accounts.models import User
    from accounts.services import company_create
    from accounts.services import token_create
    from bench.common import throwaway_database

    with throwaway_database("bidscript_bench_soak"), tempfile.TemporaryDirectory() as media:
        user = User.objects.create_user(email="integrator@bidscript.test")
        company = company_create(name="Soak Ltd", owner=user)
        token = token_create(user=user, company=company, name="soak")[1]
        env = production_env(
            **WORKER_ENV,
            DATABASE_URL=database_url(),
            CACHE_KEY_PREFIX="bench-soak",
            MEDIA_ROOT=media,
        )
        port = free_port()
        processes = Processes(env, port)
        health = HealthLog(port)
        try:
            wait_until_serving(port)
            health.start()
            print(f"{args.documents} documents in batches of {BATCH}, 2 workers, "
                  f"{args.kills} kills of one of them")  # fmt: skip
            seconds = drive(args, processes, token)
        finally:
            health.stopping.set()
            processes.stop()
        passed = report(args, seconds, health.samples)
    if not passed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
