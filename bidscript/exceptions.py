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
