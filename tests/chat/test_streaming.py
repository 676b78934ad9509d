"""A streamed answer through the real web server (uvicorn, ASGI): pieces arrive as the model
writes them, and other requests are served meanwhile."""

import os
import subprocess
import threading
import time

import httpx
import pytest

from accounts.services import token_create
from chat import services
from tests.bidscript.test_serve import free_port
from tests.bidscript.test_serve import wait_until_serving
from tests.chat.conftest import membership_of
from tests.chat.stub_llm import Reply
from tests.chat.stub_llm import StubLLM
from tests.conftest import database_url
from tests.conftest import manage_command

# The server runs in another process and reads what the test commits.
pytestmark = pytest.mark.django_db(transaction=True)

GAP = 0.6


@pytest.fixture
def stub():
    server = StubLLM()
    yield server
    server.close()


@pytest.fixture
def web(stub):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url(), "DB_POOL": "false", "LLM_PROVIDER": "openai",
           "LLM_BASE_URL": stub.url, "LLM_MODEL": "stub-model"}  # fmt: skip
    process = subprocess.Popen(
        manage_command("serve", "--addrport", f"127.0.0.1:{port}"), env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    wait_until_serving(port)
    yield f"http://127.0.0.1:{port}"
    os.killpg(process.pid, 15)
    process.wait(timeout=20)


def test_pieces_arrive_as_written_while_other_requests_are_served(
    web, stub, library, owner, company
):
    stub.script(Reply(pieces=["It expires ", "on 14 March ", "2027 [1]."], gap=GAP))
    _, secret = token_create(user=owner, company=company, name="stream")
    chat = services.conversation_create(membership=membership_of(owner))
    arrivals: list[tuple[str, float]] = []
    health_answered: list[float] = []

    def check_health_meanwhile() -> None:
        while not any(kind == "delta" for kind, _ in arrivals):
            time.sleep(0.05)
        httpx.get(f"{web}/health", timeout=10)
        health_answered.append(time.monotonic())

    checker = threading.Thread(target=check_health_meanwhile)
    checker.start()
    with httpx.stream(
        "POST", f"{web}/api/v1/conversations/{chat.pk}/messages/stream/",
        json={"content": "When does our ISO 9001 certificate expire?"},
        headers={"Authorization": f"Bearer {secret}", "Accept": "text/event-stream"}, timeout=30,
    ) as response:  # fmt: skip
        for line in response.iter_lines():
            if line.startswith("event: "):
                arrivals.append((line.removeprefix("event: "), time.monotonic()))
    checker.join(timeout=10)

    kinds = [kind for kind, _ in arrivals]
    assert kinds == ["question", "delta", "delta", "delta", "done"]
    first_piece, done = arrivals[1][1], arrivals[-1][1]
    assert done - first_piece >= 2 * GAP * 0.8  # the first piece came well before the end
    assert health_answered
    assert health_answered[0] < done  # another request was served during the stream
    assert chat.messages.get(role="assistant").content == "It expires on 14 March 2027 [1]."
