import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import CompanyFactory
from tests.factories import MembershipFactory

BASE_DIR = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    # Tests share the developer's Redis but never their keys.
    settings.CACHES["default"]["KEY_PREFIX"] = "bidscript-test"
    # Real hashing costs ~0.3 s per password; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    yield
    cache.delete_pattern("*")  # type: ignore[attr-defined]


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


def database_url(name: str | None = None) -> str:
    """A DATABASE_URL for a subprocess to reach the database this test run uses."""
    connection.ensure_connection()
    info = connection.connection.info
    credentials = f"{quote(info.user)}:{quote(info.password or '')}@"
    database = quote(name or connection.settings_dict["NAME"])
    if info.host.startswith("/"):
        return f"postgresql://{credentials}/{database}?host={quote(info.host)}"
    return f"postgresql://{credentials}{info.host}:{info.port}/{database}"


def manage_command(*args: str) -> list[str]:
    return [sys.executable, str(BASE_DIR / "manage.py"), *args]


def start_worker(**env: str) -> subprocess.Popen[bytes]:
    """A real ``manage.py worker`` on this test run's database, in a process group of its own."""
    return subprocess.Popen(
        manage_command("worker", "--no-reload", "--no-startup-delay"),
        env={**os.environ, "DATABASE_URL": database_url(), "DB_POOL": "false", **env},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def wait_for(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("timed out")


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a fresh process with exactly this environment (plus PATH and HOME)."""
    return subprocess.run(
        manage_command(*args),
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", str(BASE_DIR)), **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=BASE_DIR,
        check=False,
    )


# ------------------------------------------------------------------ Personas

PASSWORD = "a-long-test-passphrase-42"


@pytest.fixture
def company():
    return CompanyFactory.create(name="Acme Bids")


@pytest.fixture
def other_company():
    return CompanyFactory.create(name="Rival Tenders")


def _member(company, role):
    return MembershipFactory.create(company=company, role=role).user


@pytest.fixture
def owner(company):
    return _member(company, Role.OWNER)


@pytest.fixture
def admin(company):
    return _member(company, Role.ADMIN)


@pytest.fixture
def member(company):
    return _member(company, Role.MEMBER)


@pytest.fixture
def viewer(company):
    return _member(company, Role.VIEWER)


@pytest.fixture
def outsider(other_company):
    return _member(other_company, Role.OWNER)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client
