import json
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.checks import CheckMessage
from django.core.checks import Error
from django.core.checks import Tags
from django.core.checks import register
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError

from bidscript.db import pgvector_server_problem

# Checks a web process runs before it serves (``refuse_to_start_unless_ready``); being
# deploy checks as well, `check --deploy` runs them, but `migrate` and `collectstatic` do not.
STARTUP = "startup"


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


def static_files_problem() -> str | None:
    """Why pages could not link their static files, or None. With DEBUG off every page (and
    ``{% static %}``) looks names up in collectstatic's manifest and fails without it."""
    if not isinstance(staticfiles_storage, ManifestFilesMixin):
        return None  # development: files are served straight from the apps
    manifest = staticfiles_storage.read_manifest()
    if manifest is None:
        return f"Static files are not collected: there is no manifest in {settings.STATIC_ROOT}."
    collected = json.loads(manifest).get("paths", {})
    missing = sorted(
        path for finder in get_finders() for path, _ in finder.list([]) if path not in collected
    )
    if missing:
        return (
            f"{len(missing)} static files are missing from the manifest in {settings.STATIC_ROOT} "
            f"(e.g. {missing[0]}): they were added since collectstatic last ran."
        )
    return None


@register(Tags.staticfiles, STARTUP, deploy=True)
def static_files_collected(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    problem = static_files_problem()
    if problem is None:
        return []
    hint = "Run `manage.py collectstatic --no-input` with the same STATIC_ROOT, then start again."
    return [Error(problem, hint=hint, id="bidscript.E003")]


def refuse_to_start_unless_ready() -> None:
    """Stop a web server at startup, with the reason, rather than let it answer every page
    with a 500 (called by the ASGI and WSGI entry points)."""
    errors = [
        message
        for message in run_checks(tags=[STARTUP], include_deployment_checks=True)
        if message.is_serious()
    ]
    if errors:
        reasons = "\n".join(f"{error.msg} {error.hint or ''}".strip() for error in errors)
        raise ImproperlyConfigured(f"BidScript will not start:\n{reasons}")
