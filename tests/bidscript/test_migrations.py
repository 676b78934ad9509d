import uuid

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import database_url
from tests.conftest import run_manage

pytestmark = pytest.mark.django_db


def test_models_and_migrations_are_in_step():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.fixture
def empty_database():
    name = f"bidscript_empty_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_migrate_builds_an_empty_database_with_pgvector(empty_database):
    env = {"DEBUG": "true", "DATABASE_URL": database_url(empty_database), "DB_POOL": "false"}

    result = run_manage("migrate", "--no-input", env=env)
    assert result.returncode == 0, result.stderr

    check = run_manage("check", "--database", "default", env=env)
    assert check.returncode == 0, check.stderr
    tables = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection; print(sorted(connection.introspection.table_names()))",
        env=env,
    )
    assert "accounts_user" in tables.stdout
    assert "django_tasks_database_dbtaskresult" in tables.stdout
