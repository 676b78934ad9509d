import asyncio
import os
from typing import Any

import django
from asgiref.sync import AsyncToSync
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpResponseBase

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bidscript.settings")


class RequestHandler(ASGIHandler):
    """Django's ASGI handler, cleaning up properly after a client that left mid-request."""

    async def run_get_response(self, request: Any) -> HttpResponseBase:
        executor = getattr(AsyncToSync.executors, "current", None)
        try:
            return await super().run_get_response(request)
        except asyncio.CancelledError:
            # Synchronous middleware (WhiteNoise, allauth's, ours) run in a worker thread that
            # reaches the view through a nested executor. When the client disconnects as the
            # view returns, asgiref gives up on that thread and copies its context, nested
            # executor included, into this one. request_finished would then go to that executor
            # after it quit ("CurrentThreadExecutor already quit") and the request's database
            # connection would never return to the pool. With the executor this request began
            # with, the cleanup waits its turn behind the thread, in that thread.
            AsyncToSync.executors.current = executor
            raise


django.setup(set_prefix=False)
application = RequestHandler()

from bidscript.checks import refuse_to_start_unless_ready  # noqa: E402 - needs the apps loaded

refuse_to_start_unless_ready()
