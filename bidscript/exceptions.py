"""Domain exceptions services raise; ``bidscript.errors`` turns them into HTTP answers."""


class Conflict(Exception):  # noqa: N818 - named for its HTTP meaning
    """A request that clashes with the current state (e.g. demoting the last owner): HTTP 409.

    Services raise it with a message a person understands; the API answers
    ``{"message": …, "code": "conflict"}`` and pages show the message.
    """

    status_code = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RateLimited(Exception):  # noqa: N818 - named for its HTTP meaning
    """Too many requests of one kind from one user: HTTP 429 with Retry-After."""

    status_code = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after
