"""The ASGI application when a client leaves part-way through a request."""

import asyncio
import threading

import pytest
from asgiref.current_thread_executor import CurrentThreadExecutor
from asgiref.testing import ApplicationCommunicator
from django.core.signals import request_finished

from bidscript.asgi import application

# The request runs in worker threads with their own database connections.
pytestmark = pytest.mark.django_db(transaction=True)

SCOPE = {
    "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
    "scheme": "http", "path": "/accounts/login/", "raw_path": b"/accounts/login/",
    "query_string": b"", "root_path": "", "headers": [(b"host", b"127.0.0.1")],
    "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
}  # fmt: skip


@pytest.fixture
def finished_in():
    """The threads in which request_finished (closing the request's connections) ran."""
    threads: list[threading.Thread] = []

    def record(**kwargs: object) -> None:
        threads.append(threading.current_thread())

    request_finished.connect(record, dispatch_uid="test_asgi.record")
    yield threads
    request_finished.disconnect(dispatch_uid="test_asgi.record")


@pytest.fixture
def held_after_view(monkeypatch):
    """Holds the request's worker thread just after the view has returned, before it has
    unwound, the moment a page reload or an aborted poll can land on; ``release`` lets it go.
    Under load the thread waits there for the interpreter lock while the event loop reads
    the client's disconnect, so the race is real; this makes it certain."""
    returned, release = threading.Event(), threading.Event()
    run_until_future = CurrentThreadExecutor.run_until_future

    def run_then_hold(executor: CurrentThreadExecutor, future: object) -> None:
        run_until_future(executor, future)  # type: ignore[arg-type]
        if not returned.is_set():
            returned.set()
            release.wait(timeout=10)

    monkeypatch.setattr(CurrentThreadExecutor, "run_until_future", run_then_hold)
    return returned, release


def test_a_client_leaving_as_the_view_returns_still_gets_its_request_cleaned_up(
    held_after_view, finished_in
):
    returned, release = held_after_view

    async def leave_as_the_view_returns() -> None:
        server = ApplicationCommunicator(application, SCOPE)
        await server.send_input({"type": "http.request", "body": b""})
        while not returned.is_set():
            await asyncio.sleep(0.01)
        await server.send_input({"type": "http.disconnect"})
        await asyncio.sleep(0.3)  # the server reacts to the disconnect while the thread unwinds
        release.set()
        await server.wait(timeout=10)  # raises what the application raised

    asyncio.run(leave_as_the_view_returns())

    assert len(finished_in) == 1
    assert finished_in[0] is not threading.main_thread()  # the request's thread, its connection
