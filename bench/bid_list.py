"""Cached bid list under load: GET /api/v1/projects/ with an API token, 1,000 bids in the company.

Serves BidScript with gunicorn (production settings, DEBUG off) on a throwaway database of the
running PostgreSQL, then drives it from this process over keep-alive connections:
- cold: CACHE_TTL=0, so every request misses Redis and reads PostgreSQL;
- warm: the normal read-through cache.
Each is measured in several rounds, as these machines are noisy, and summed up by its median round
(and, warm, its best round: the one least disturbed by other work on the machine).
Target on 2 cores: >= 800 requests/s and p99 <= 25 ms warm.

gunicorn runs a worker per core with two threads each, so one thread can run while the other waits
on PostgreSQL or Redis; more threads only contend for the GIL (4 threads: about 20% fewer req/s).

    .venv/bin/python bench/bid_list.py [--rounds 3] [--seconds 5] [--connections 8]
    (BENCH_WORKERS / BENCH_THREADS change gunicorn's 2 workers x 2 threads)
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import psycopg

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.common import free_port  # noqa: E402 - after the repository is importable
from bench.common import production_env  # noqa: E402

BIDS = 1_000
WORKERS = os.environ.get("BENCH_WORKERS", "2")
THREADS = os.environ.get("BENCH_THREADS", "2")
PATH = "/api/v1/projects/?ordering=due_at"
BENCH_DB = "bidscript_bench"
SEED = f"""
import datetime as dt
from django.utils import timezone
from accounts.models import User
from accounts.services import company_create, token_create
from projects.models import Project, ProjectMember
user = User.objects.create_user(email="bench@bidscript.test", name="Bench Lead")
company = company_create(name="Bench Ltd", owner=user)
now = timezone.now()
projects = Project.objects.bulk_create(
    Project(company=company, owner=user, name=f"Bid {{n:04d}}", client_name=f"Client {{n % 37}}",
            reference=f"REF-{{n}}", due_at=now + dt.timedelta(days=n % 90), currency="GBP")
    for n in range({BIDS})
)
ProjectMember.objects.bulk_create(ProjectMember(project=p, user=user, role="lead") for p in projects)
print(token_create(user=user, company=company, name="bench")[1])
"""


def manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, str(REPO / "manage.py"), *args], env=env, cwd=REPO,
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout


def bench_database() -> str:
    """A fresh database on the embedded (or configured) PostgreSQL; returns its DATABASE_URL."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bidscript.settings")
    os.environ.setdefault("DEBUG", "true")
    import django

    django.setup()
    from django.db import connection

    connection.ensure_connection()
    info = connection.connection.info
    with psycopg.connect(host=info.host, port=info.port, user=info.user, password=info.password,
                         dbname="postgres", autocommit=True) as admin:  # fmt: skip
        admin.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{BENCH_DB}"')
    if info.host.startswith("/"):
        return f"postgresql://{info.user}:{info.password or ''}@/{BENCH_DB}?host={info.host}"
    return f"postgresql://{info.user}:{info.password or ''}@{info.host}:{info.port}/{BENCH_DB}"


@contextmanager
def serving(env: dict[str, str], port: int):  # type: ignore[no-untyped-def]
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "bidscript.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", WORKERS, "--worker-class", "gthread", "--threads", THREADS, "--log-level", "warning"],
        env=env, cwd=REPO,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        yield
    finally:
        server.terminate()
        server.wait(timeout=30)


def load(port: int, token: str, seconds: float, connections: int) -> list[float]:
    """Latencies (s) of every request sent on ``connections`` keep-alive connections.

    A bare HTTP/1.1 client over sockets: http.client parses headers with the email package and
    cost the shared cores about 0.3 ms a request, a share the server then lacked."""
    latencies: list[float] = []
    stop = time.monotonic() + seconds
    request = (
        f"GET {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n\r\n"
    ).encode()

    def client() -> None:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            mine = []
            while time.monotonic() < stop:
                started = time.perf_counter()
                sock.sendall(request)
                _read_response(sock)
                mine.append(time.perf_counter() - started)
        latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies


def _read_response(sock: socket.socket) -> bytes:
    """One response's body; anything but a 200 with a Content-Length stops the benchmark."""
    received = b""
    while b"\r\n\r\n" not in received:
        received += _recv(sock)
    head, body = received.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    if lines[0].split(" ")[1] != "200":
        raise SystemExit(f"unexpected {lines[0]}")
    length = next(
        int(line.split(":")[1]) for line in lines if line.lower().startswith("content-length:")
    )
    while len(body) < length:
        body += _recv(sock)
    return body


def _recv(sock: socket.socket) -> bytes:
    chunk = sock.recv(65536)
    if not chunk:
        raise SystemExit("the server closed the connection")
    return chunk


class Round(NamedTuple):
    rate: float  # requests/s
    p50: float  # ms
    p99: float  # ms


def measure(label: str, port: int, token: str, args: argparse.Namespace) -> list[Round]:
    """``args.rounds`` rounds, each reported, slowest first."""
    load(port, token, 1, args.connections)  # warm-up: connections, pools, imports
    return sorted(
        report(label, load(port, token, args.seconds, args.connections), args.seconds)
        for _ in range(args.rounds)
    )


def report(label: str, latencies: list[float], seconds: float) -> Round:
    ordered = sorted(latencies)
    measured = Round(
        rate=len(ordered) / seconds,
        p50=statistics.median(ordered) * 1000,
        p99=ordered[int(len(ordered) * 0.99) - 1] * 1000,
    )
    print(
        f"{label:5} {measured.rate:7.0f} req/s   p50 {measured.p50:6.1f} ms   "
        f"p99 {measured.p99:6.1f} ms   ({len(ordered)} requests)"
    )
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    database_url = bench_database()
    base_env = production_env(DATABASE_URL=database_url, CACHE_KEY_PREFIX="bench")
    manage("migrate", "--no-input", env=base_env)
    token = manage("shell", "--no-imports", "-c", SEED, env=base_env).strip().splitlines()[-1]
    print(f"{BIDS} bids, GET {PATH} (page of 25), {args.connections} connections, "
          f"{args.rounds} rounds of {args.seconds:.0f} s, gunicorn {WORKERS} workers x {THREADS} threads")  # fmt: skip

    rounds = {}
    for label, ttl in (("cold", "0"), ("warm", "900")):
        port = free_port()
        with serving({**base_env, "CACHE_TTL": ttl}, port):
            rounds[label] = measure(label, port, token, args)
    cold, warm = (rounds[label][len(rounds[label]) // 2] for label in ("cold", "warm"))
    best = rounds["warm"][-1]
    print(f"warm, median round: {warm.rate:.0f} req/s, p50 {warm.p50:.1f} ms, p99 {warm.p99:.1f} ms"
          f" (best round: {best.rate:.0f} req/s, p99 {best.p99:.1f} ms)")  # fmt: skip
    print(f"cold, median round: {cold.rate:.0f} req/s; warm/cold {warm.rate / cold.rate:.2f}x")


if __name__ == "__main__":
    main()
