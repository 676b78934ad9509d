"""Read-through caching of relational reads in Redis; the database stays the source of truth.

Keys carry the company's ``data_version``, which every relevant write bumps in its own
transaction, so a cached value can never be older than the last committed write. A Redis
failure reads as a miss (django-redis is set to ignore connection errors).
"""

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

from accounts.models import Membership

_MISS = object()


def company_key(membership: Membership, name: str, *parts: object) -> str:
    """A cache key for one member's view of the company's current data."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:16]
    company = membership.company
    return f"{name}:{company.pk}:v{company.data_version}:{membership.user_id}:{membership.role}:{digest}"


def read_through[T](key: str, compute: Callable[[], T], timeout: int | None = None) -> T:
    """The cached value for ``key``, else ``compute()``'s, stored for ``timeout`` seconds."""
    value = cache.get(key, _MISS)
    if value is _MISS:
        value = compute()
        cache.set(key, value, settings.CACHE_TTL if timeout is None else timeout)
    return value
