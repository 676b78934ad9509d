"""The HTTP protocol BidScript runs uvicorn with (``--http bidscript.server:HttpProtocol``).

uvicorn's h11 protocol answers a request head larger than its buffer with a bare 400 and closes
the socket while the client is still sending, so the client sees a connection reset instead of an
answer. Here such a head gets the 414 (request line) or 431 (headers) that Django would give, in
the same JSON or page, and the rest of the request is read and dropped before the connection
closes, so the client can read it.
"""

import asyncio
import logging
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

# How long a refused client may keep sending before the connection is closed anyway.
DRAIN_SECONDS = 10.0

logger = logging.getLogger(__name__)


class HttpProtocol(H11Protocol):
    draining = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.conf import settings  # the app, loaded by now, has configured Django

        self.max_head_bytes = settings.REQUEST_MAX_HEADER_BYTES
        self.conn = h11.Connection(h11.SERVER, max_incomplete_event_size=self.max_head_bytes)

    def data_received(self, data: bytes) -> None:
        if not self.draining:
            super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        buffered, _ = self.conn.trailing_data
        if len(buffered) <= self.max_head_bytes:  # malformed rather than too large
            super().send_400_response(msg)
            return
        from bidscript.errors import answer_body
        from bidscript.errors import head_too_large

        answer = head_too_large(request_line_done=b"\r\n" in buffered)
        content_type, body = answer_body(answer, _path(buffered))
        logger.warning(
            "Refused a request head over %d bytes: %d", self.max_head_bytes, answer.status
        )
        self._send(answer.status, content_type, body)
        self._drain()

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        headers = [(b"content-type", content_type.encode()), (b"connection", b"close")]
        for event in (
            h11.Response(status_code=status, headers=headers),
            h11.Data(data=body),
            h11.EndOfMessage(),
        ):
            self.transport.write(self.conn.send(event))

    def _drain(self) -> None:
        """Read and drop what the client still sends: closing with unread data would reset the
        connection before the client reads the answer. The client's own close ends it."""
        self.draining = True
        if self.transport.can_write_eof():
            self.transport.write_eof()
        asyncio.get_running_loop().call_later(DRAIN_SECONDS, self.transport.close)


def _path(head: bytes) -> str:
    """The request's path (enough to choose JSON or a page), from a possibly partial head."""
    parts = head.split(b" ", 2)
    return parts[1].decode("latin-1") if len(parts) > 1 else "/"
