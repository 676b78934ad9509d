from typing import Any

from django.core.checks import CheckMessage
from django.core.checks import Error
from django.core.checks import Tags
from django.core.checks import register
from django.db import DatabaseError

from bidscript.db import pgvector_server_problem


@register(Tags.database)
def pgvector_installed(
    app_configs: Any, databases: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    """Fail startup clearly when the database lacks pgvector >= 0.8 (run by `check --database`)."""
    if not databases or "default" not in databases:
        return []
    try:
        problem = pgvector_server_problem()
    except DatabaseError as error:
        return [Error(f"Cannot reach the database: {error}", id="bidscript.E001")]
    return [Error(problem, id="bidscript.E002")] if problem else []
