from typing import Any

from django_redis.pool import ConnectionFactory

from bidscript.embedded.servers import ensure_redis


class EmbeddedRedisConnectionFactory(ConnectionFactory):
    """Starts the embedded Redis before the first connection pool is made."""

    def get_connection_pool(self, params: dict[str, Any]) -> Any:
        ensure_redis()
        return super().get_connection_pool(params)
