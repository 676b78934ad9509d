"""Server-sent events that really stream, under ASGI and under WSGI.

Django buffers a synchronous iterator whole when serving ASGI (and an asynchronous one under
WSGI), so the response gets the kind of iterator its server consumes. Under ASGI each step
runs in the request's own worker thread, so the ORM and slow model calls never block the
event loop, and a client that goes away closes the generator (its ``finally`` still runs).
"""

import json
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.http import StreamingHttpResponse

EVENT_STREAM = "text/event-stream"


def sse(event: str, data: Any) -> bytes:
    """One server-sent event with a JSON payload."""
    return f"event: {event}\ndata: {json.dumps(data, cls=DjangoJSONEncoder)}\n\n".encode()


def event_stream_response(request: HttpRequest, events: Iterator[bytes]) -> StreamingHttpResponse:
    content = _asynchronous(events) if isinstance(request, ASGIRequest) else events
    response = StreamingHttpResponse(content, content_type=EVENT_STREAM)
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # proxies such as nginx must not hold the stream back
    return response


async def _asynchronous(events: Iterator[bytes]) -> AsyncIterator[bytes]:
    step = sync_to_async(lambda: next(events, None), thread_sensitive=True)
    try:
        while (part := await step()) is not None:
            yield part
    finally:
        if close := getattr(events, "close", None):
            await sync_to_async(close, thread_sensitive=True)()
