from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.management.base import CommandParser

from bidscript.embedded import servers as embedded


class Command(BaseCommand):
    help = "Start, stop or report the embedded PostgreSQL and Redis used when no URL is configured."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["start", "stop", "status"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        uses_postgres = not settings.DATABASE_URL
        uses_redis = not settings.REDIS_URL
        if not (uses_postgres or uses_redis):
            self.stdout.write("DATABASE_URL and REDIS_URL are set: nothing embedded to manage.")
            return
        getattr(self, action)(uses_postgres, uses_redis)

    def start(self, postgres: bool, redis: bool) -> None:
        if postgres:
            self.stdout.write(f"PostgreSQL ready (socket in {embedded.ensure_postgres()})")
        if redis:
            self.stdout.write(f"Redis ready (socket {embedded.ensure_redis()})")

    def stop(self, postgres: bool, redis: bool) -> None:
        if postgres:
            self.stdout.write(
                "PostgreSQL " + ("stopped" if embedded.stop_postgres() else "was not running")
            )
        if redis:
            self.stdout.write(
                "Redis " + ("stopped" if embedded.stop_redis() else "was not running")
            )

    def status(self, postgres: bool, redis: bool) -> None:
        if postgres:
            self.stdout.write(
                "PostgreSQL " + ("running" if embedded.postgres_running() else "stopped")
            )
        if redis:
            self.stdout.write("Redis " + ("running" if embedded.redis_running() else "stopped"))
