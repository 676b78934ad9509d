"""How long `make run` takes to serve a healthy /health: first run on a fresh clone, then again.

The issue's targets: healthy within 60 s on the first run, within 10 s on later runs.
Runs against a throwaway clone of this checkout's HEAD, on a free loopback port.

    .venv/bin/python bench/startup.py [--warm-runs 3]
"""

import argparse
import contextlib
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
from bench.common import free_port  # noqa: E402 - after the repository is importable

TIMEOUT = 300


def health_status(port: int) -> str | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as response:
            return str(json.load(response)["status"])
    except urllib.error.HTTPError as error:
        return str(json.load(error)["status"])
    except OSError:
        return None


def time_until_healthy(clone: Path, port: int) -> float:
    log = clone / ".data" / "bench-run.log"
    log.parent.mkdir(exist_ok=True)
    started = time.monotonic()
    with log.open("w") as output:
        run = subprocess.Popen(
            ["make", "run", f"ADDRPORT=127.0.0.1:{port}"],
            cwd=clone,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        while health_status(port) != "healthy":
            if run.poll() is not None or time.monotonic() - started > TIMEOUT:
                raise SystemExit(f"make run did not become healthy:\n{log.read_text()[-3000:]}")
            time.sleep(0.1)
        return time.monotonic() - started
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--warm-runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bidscript-bench-") as tmp:
        clone = Path(tmp) / "bidscript"
        subprocess.run(["git", "clone", "--quiet", str(REPO), str(clone)], check=True)
        port = free_port()
        try:
            cold = time_until_healthy(clone, port)
            warm = [time_until_healthy(clone, port) for _ in range(args.warm_runs)]
        finally:
            subprocess.run(["make", "stop"], cwd=clone, capture_output=True, check=False)
    print(f"first run (fresh clone: venv, install, initdb, migrate): {cold:6.1f} s  (target 60 s)")
    print(f"later runs, median of {len(warm)}: {statistics.median(warm):6.1f} s  (target 10 s)")
    print(
        f"later runs: {', '.join(f'{t:.1f}' for t in warm)} s; later/first = {statistics.median(warm) / cold:.2f}"
    )
    sys.exit(0 if cold <= 60 and max(warm) <= 10 else 1)


if __name__ == "__main__":
    main()
