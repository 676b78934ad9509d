import re

import pytest

from tests.conftest import run_manage

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k3v9-production-like-secret-with-plenty-of-entropy-8f2a1c7e4b6d9a0f",
    "ALLOWED_HOSTS": "bids.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://bids.example.com",
    "DATABASE_URL": "postgres://bidscript:pw@db.example.com:5432/bidscript",
    "REDIS_URL": "redis://cache.example.com:6379/0",
    "EMAIL_URL": "smtp+tls://mailer:pw@smtp.example.com:587",
}


def print_setting(expression: str, env: dict[str, str]) -> str:
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print({expression})",
        env=env,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("secret_key", [None, "changeme", "django-insecure-" + "x" * 50])
def test_production_without_a_real_secret_key_refuses_to_start(secret_key):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "SECRET_KEY"}
    if secret_key:
        env["SECRET_KEY"] = secret_key

    result = run_manage("check", env=env)

    assert result.returncode != 0
    assert "SECRET_KEY is not set or is not a real secret" in result.stderr


def test_production_requires_tls_to_postgres_and_sets_secure_cookies_and_csp():
    settings_line = print_setting(
        "settings.DATABASES['default']['OPTIONS']['sslmode'], settings.SESSION_COOKIE_SECURE,"
        " settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT, bool(settings.SECURE_CSP)",
        PRODUCTION_ENV,
    )

    assert settings_line == "require True True True True"


def test_postgres_url_is_accepted_as_an_alias_for_database_url():
    env = {**PRODUCTION_ENV, "POSTGRES_URL": PRODUCTION_ENV["DATABASE_URL"]}
    del env["DATABASE_URL"]

    host = print_setting("settings.DATABASES['default']['HOST']", env)

    assert host == "db.example.com"


def test_connection_pool_defaults_and_overrides_come_from_the_environment():
    defaults = print_setting("settings.DATABASES['default']['OPTIONS']['pool']", PRODUCTION_ENV)
    tuned = print_setting(
        "settings.DATABASES['default']['OPTIONS']['pool']['max_size']",
        {**PRODUCTION_ENV, "DB_POOL_MAX_SIZE": "40"},
    )

    assert defaults == "{'min_size': 5, 'max_size': 20, 'max_idle': 10.0, 'timeout': 10.0}"
    assert tuned == "40"


def run_one_query(env: dict[str, str]) -> str:
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.db import connection\nconnection.cursor().execute('SELECT %s + 1', [41])",
        env={"DEBUG": "false", "SECRET_KEY": PRODUCTION_ENV["SECRET_KEY"], **env},
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


@pytest.mark.parametrize("variable", ["LOG_QUERIES", "DB_DEBUG"])
def test_query_logging_prints_each_statement_with_parameters_and_duration(variable):
    log = run_one_query({variable: "true"})

    assert re.search(r"\(\d+\.\d{3}\) SELECT 41 \+ 1; args=\[41\]", log)


def test_queries_are_not_logged_by_default():
    assert "SELECT" not in run_one_query({})
