"""The activity log's writer, and the request context (client IP) it stamps on entries."""

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.http import HttpRequest
from django.http import HttpResponse

from accounts.models import ActivityLog
from accounts.models import Company
from accounts.models import User

_client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)

Category = ActivityLog.Category
Severity = ActivityLog.Severity


def activity_record(
    *,
    company: Company | None,
    actor: User | None,
    action: str,
    category: str,
    severity: str = Severity.INFO,
    target: models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> ActivityLog:
    """Append an entry to the activity log; the client IP comes from the current request."""
    return ActivityLog.objects.create(
        company=company,
        actor=actor if actor and actor.pk else None,
        action=action,
        category=category,
        severity=severity,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details or {},
        ip=_client_ip.get(),
    )


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR") or None


class ClientIpMiddleware:
    """Makes the request's client IP available to ``activity_record`` without passing it around."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _client_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            _client_ip.reset(token)
