import os
import signal
import socket
import subprocess
import time
import urllib.request

import psutil
import pytest

from tests.conftest import database_url
from tests.conftest import manage_command

# The server and worker run in other processes and commit to the test database.
pytestmark = pytest.mark.django_db(transaction=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_serving(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2)
            return
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP answer (e.g. 503) means it is serving
                return
            time.sleep(0.3)
    raise AssertionError("the web server did not start")


@pytest.fixture
def serving():
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "DB_POOL": "false"}
    process = subprocess.Popen(
        manage_command("serve", "--addrport", f"127.0.0.1:{port}"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until_serving(port)
    children = psutil.Process(process.pid).children(recursive=True)
    yield process, children
    if process.poll() is None:
        process.kill()


def assert_all_stopped(process, children):
    assert process.wait(timeout=20) == 0
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"still running: {[p.cmdline() for p in alive]}"


def test_ctrl_c_stops_the_web_server_and_the_worker(serving):
    process, children = serving
    assert any("worker" in child.cmdline() for child in children)

    process.send_signal(signal.SIGINT)

    assert_all_stopped(process, children)


def test_a_crashed_worker_stops_the_web_server_too(serving):
    process, children = serving
    worker = next(child for child in children if "worker" in child.cmdline())

    os.killpg(os.getpgid(worker.pid), signal.SIGKILL)

    assert_all_stopped(process, children)
