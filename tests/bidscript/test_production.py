"""The production path the README gives: with DEBUG off, `collectstatic` then
`check --deploy --fail-level WARNING` passes; without collected static files the checklist
fails and the web server refuses to start (instead of answering every page with a 500), and
the 500 page never needs the collected files."""

import subprocess
import sys

import pytest
from django.test import override_settings

from tests.bidscript.test_settings import PRODUCTION_ENV
from tests.conftest import BASE_DIR
from tests.conftest import database_url
from tests.conftest import run_manage

pytestmark = pytest.mark.django_db

DEPLOY_CHECK = ("check", "--deploy", "--fail-level", "WARNING")


@pytest.fixture
def production_env(tmp_path):
    """The README's production variables; the database is the test one (model checks ask
    it), and STATIC_ROOT is empty until a test collects into it."""
    return {
        **PRODUCTION_ENV,
        "DATABASE_URL": database_url(),
        "DB_SSL": "false",
        "STATIC_ROOT": str(tmp_path / "static"),
    }


def test_the_readme_commands_pass_the_deployment_checklist(production_env):
    collected = run_manage("collectstatic", "--no-input", env=production_env)
    assert collected.returncode == 0, collected.stderr

    result = run_manage(*DEPLOY_CHECK, env=production_env)

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_checklist_fails_until_static_files_are_collected(production_env):
    result = run_manage(*DEPLOY_CHECK, env=production_env)

    assert result.returncode != 0
    assert "bidscript.E003" in result.stderr
    assert "manage.py collectstatic --no-input" in result.stderr


def test_the_deployment_checklist_needs_a_real_mail_server(production_env):
    without_mail = {key: value for key, value in production_env.items() if key != "EMAIL_URL"}

    result = run_manage(*DEPLOY_CHECK, env=without_mail)

    assert "development-only email backend" in result.stderr


def serve(module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Start a production web server on the ASGI (uvicorn) or WSGI entry point."""
    command = {
        "asgi": ["-m", "uvicorn", "bidscript.asgi:application", "--port", "0"],
        "wsgi": ["-c", "from bidscript.wsgi import application; print('serving')"],
    }[module]
    return subprocess.run(
        [sys.executable, *command],
        env={"PATH": "/usr/bin:/bin", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("module", ["asgi", "wsgi"])
def test_the_web_server_refuses_to_start_without_collected_static_files(module, production_env):
    result = serve(module, production_env)

    assert result.returncode != 0
    assert "BidScript will not start" in result.stderr
    assert "Static files are not collected" in result.stderr
    assert "serving" not in result.stdout


def test_serve_says_why_it_cannot_start_before_starting_anything(production_env):
    result = run_manage("serve", "--addrport", "127.0.0.1:0", env=production_env)

    assert result.returncode != 0
    assert "bidscript.E003" in result.stderr
    assert "Web server and worker stopped" not in result.stdout


@pytest.mark.urls("tests.bidscript.urls_errors")
def test_the_500_page_renders_without_collected_static_files(client, tmp_path):
    client.raise_request_exception = False
    manifest_storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    with override_settings(DEBUG=False, STATIC_ROOT=tmp_path, STORAGES=manifest_storage):
        response = client.get("/test-pages/explode/")

    assert response.status_code == 500
    assert b"Something went wrong" in response.content
    assert b"/static/css/app.css" in response.content
