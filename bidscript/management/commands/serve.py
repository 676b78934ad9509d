import contextlib
import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandParser

from bidscript.checks import STARTUP

GRACE_SECONDS = 10


# Code the development server reloads on change (not .venv: polling it would cost a core).
RELOAD_DIRS = ("bidscript", "accounts", "projects", "documents", "chat")


class Command(BaseCommand):
    help = "Run the web server (ASGI, uvicorn) and a task worker together; Ctrl-C stops both."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        # Say why the server cannot start here, before a child process fails on it.
        self.check(tags=[STARTUP], include_deployment_checks=True)
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        # Each child leads its own process group, so stopping it also stops the
        # autoreloader's grandchild, and a terminal's Ctrl-C reaches only this process.
        children = [
            subprocess.Popen(command, start_new_session=True)  # noqa: S603
            for command in (
                self._web_server(addrport),
                # This command has run the system checks; the worker need not repeat them.
                [*manage, "worker", "--skip-checks", "--no-startup-delay"],
            )
        ]
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        # Ctrl-C, SIGTERM or either child exiting (a crash) stops both.
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
        self._stop(children)

    @staticmethod
    def _web_server(addrport: str) -> list[str]:
        """uvicorn serving the ASGI app, so a slow streamed answer holds no thread; it reloads
        on code changes in development."""
        host, _, port = addrport.rpartition(":")
        command = [sys.executable, "-m", "uvicorn", "bidscript.asgi:application",
                   "--app-dir", str(settings.BASE_DIR), "--host", host or "127.0.0.1", "--port", port,
                   "--http", "bidscript.server:HttpProtocol"]  # fmt: skip
        if settings.DEBUG:
            command.append("--reload")
            for directory in RELOAD_DIRS:
                command += ["--reload-dir", str(settings.BASE_DIR / directory)]
        return command

    def _stop(self, children: list[subprocess.Popen[bytes]]) -> None:
        for child in children:
            self._signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + GRACE_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal_group(child, signal.SIGKILL)
                child.wait()
        self.stdout.write("Web server and worker stopped.")

    @staticmethod
    def _signal_group(child: subprocess.Popen[bytes], signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(child.pid, signum)
