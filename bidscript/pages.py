"""Small helpers shared by page views."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from bidscript.exceptions import Conflict


def attempt(request: HttpRequest, work: Callable[[], object], success: str = "") -> bool:
    """Run a service; show its refusal (validation or conflict) as a message instead of a 500."""
    try:
        work()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return False
    except (Conflict, PermissionDenied) as error:
        messages.error(request, str(error))
        return False
    if success:
        messages.success(request, success)
    return True
