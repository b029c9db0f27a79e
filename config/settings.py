"""Simpul settings: one module, driven by environment variables.

Local use needs nothing set: SQLite under ``var/``, a secret key generated into ``var/``,
DEBUG on. ``DJANGO_ENV=production`` switches on the hardening that ``check --deploy`` asks for
and refuses to start without a real ``SECRET_KEY``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _local_secret_key() -> str:
    """A per-checkout key kept in var/, so sessions survive restarts of the demo."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_ENV=production.")
    SECRET_KEY = _local_secret_key()


def _local_key(name: str, make) -> str:
    """A key kept in var/ for local use; production must set it in the environment."""
    key_file = VAR_DIR / name
    if not key_file.exists():
        key_file.write_text(make())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _required_key(variable: str, file_name: str, make) -> str:
    value = env.str(variable, default="")
    if value:
        return value
    if PRODUCTION:
        raise ImproperlyConfigured(f"{variable} must be set when DJANGO_ENV=production.")
    return _local_key(file_name, make)


def _fernet_key() -> str:
    import base64

    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


# NIK and No. KK are encrypted at rest: the first key encrypts, all keys decrypt (rotation).
FIELD_ENCRYPTION_KEYS = _required_key(
    "FIELD_ENCRYPTION_KEYS", "field_encryption_key", _fernet_key
).split(",")
# Keyed hash for exact NIK / KK lookup without storing the number.
BLIND_INDEX_KEY = _required_key("BLIND_INDEX_KEY", "blind_index_key", lambda: secrets.token_hex(32))

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "guardian",
    "simple_history",
    "axes",
    "viewflow",
    "viewflow.workflow",
    "agencies",
    "cases",
    "workflows",
    "referrals",
    "web",
    "config.apps.SimpulConfig",  # the system checks of config/checks.py
]

MIDDLEWARE = [
    "core.request_limits.RequestSizeLimitMiddleware",  # before anything reads a body
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.MembershipCacheMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.IndonesianFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "config.security.SessionTimeoutMiddleware",
    "config.security.LoginRateLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "config.idempotency.IdempotencyMiddleware",
    "core.request_limits.FormNulMiddleware",  # reads the form after the body is hashed
    "config.middleware.LockConflictMiddleware",
]

ROOT_URLCONF = "config.urls"

# Request bodies (core.request_limits): refused with 413 from Content-Length, unread.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)  # any body but a file upload
REQUEST_MAX_UPLOAD_BYTES = 30 * 1024 * 1024  # a multipart body: a few 5 MB files
# Rows of a registry import file (cases.registry_import): a regency's extract is a few
# hundred thousand; past this the file is refused before any other work.
REGISTRY_IMPORT_MAX_ROWS = env.int("REGISTRY_IMPORT_MAX_ROWS", default=1_500_000)
# Exports (issue 15): up to this many rows stream at once, more run in the background; a
# background export's file is kept this many hours.
EXPORT_STREAM_MAX_ROWS = env.int("EXPORT_STREAM_MAX_ROWS", default=500)
EXPORT_KEEP_HOURS = env.int("EXPORT_KEEP_HOURS", default=24)
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "workflows.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'simpul.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection is kept for CONN_MAX_AGE seconds and checked before each request reuses it, so
# after the database restarts the next request reconnects by itself (issue 11). SQLite's
# connections are files: nothing to keep.
if DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several requests may write at once (the demo server, the tests' live server). Every
    # transaction takes the write lock when it begins (IMMEDIATE), so a second writer waits
    # its turn (busy timeout, seconds) instead of failing on a read-to-write upgrade; WAL lets
    # readers go on while one writes. What still fails answers 409 (core/conflicts.py).
    _sqlite_options = DATABASES["default"].setdefault("OPTIONS", {})
    _sqlite_options.setdefault("timeout", 20)
    _sqlite_options.setdefault("transaction_mode", "IMMEDIATE")
    _sqlite_options.setdefault("init_command", "PRAGMA journal_mode=WAL;")
    # Tests use a database file (on memory-backed /dev/shm when there is one), one per test
    # process, not SQLite's shared in-memory database: the live server and racing threads
    # then have connections of their own with real locks, as the demo server's requests do.
    _test_dir = Path("/dev/shm") if Path("/dev/shm").is_dir() else Path(tempfile.gettempdir())
    DATABASES["default"].setdefault("TEST", {}).setdefault(
        "NAME", str(_test_dir / f"simpul-test-{os.getpid()}.sqlite3")
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")

# Who runs timers, escalations and e-mails every minute: "embedded" (a thread in the web
# process, the demo), "celery" (worker + beat on REDIS_URL, production) or "none".
BACKGROUND_ENGINE = env.str(
    "BACKGROUND_ENGINE", default="celery" if PRODUCTION and REDIS_URL else "none"
)

# Celery (config/celery.py reads every CELERY_* name). Without REDIS_URL nothing connects:
# importing the app is harmless, and a worker or beat refuses to start.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SOFT_TIME_LIMIT = 240  # seconds; one run of the periodic jobs takes far less
CELERY_TASK_TIME_LIMIT = 300
CELERY_RESULT_EXPIRES = 3600
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: five tries per username and address, then a one-hour lock.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "core.api.lockout_response"
# ... and, whatever the usernames, 20 sign-in POSTs a minute per address (login page, admin
# login, API token): config.security.LoginRateLimitMiddleware, django-ratelimit syntax.
LOGIN_RATE_LIMIT = env.str("LOGIN_RATE_LIMIT", default="20/m")
# The public referral-letter check (web.referral_pages.letter_check), per address.
LETTER_CHECK_RATE = env.str("LETTER_CHECK_RATE", default="30/h")
# The public address of the site, printed on letters for the public check (empty: the
# address the letter was printed from), e.g. https://simpul.bangkatengahkab.go.id
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="")
# The client's address for both: REMOTE_ADDR, or behind N reverse proxies of ours the address
# the outermost one saw (the N-th from the right of X-Forwarded-For).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.addresses.client_ip"

# Browser sessions end after 30 minutes without a request and 12 hours after sign-in
# (config.security.SessionTimeoutMiddleware). The cookie outlives the idle limit by a little,
# so the middleware, not the cookie, decides.
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT + 2 * 60
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts and styles from this site only, no inline
# script, style attribute or eval; Bootstrap's icons are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Counters of the rate limits (login, API throttles) must be shared by every web process:
# with REDIS_URL they live in Redis, otherwise in each process's memory.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "simpul",
        }
    }

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
MEDIA_URL = "media/"

EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default=(
        "django.core.mail.backends.smtp.EmailBackend"
        if PRODUCTION
        else "django.core.mail.backends.console.EmailBackend"
    ),
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="simpul@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "agencies.tokens.LanguageTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "core.api.SimpulAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "core.request_limits.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_THROTTLE_RATES": {"login": "20/min"},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

# API tokens (django-rest-knox): a new token per login, stored as a SHA-512 digest, valid for
# 10 hours (a working day) from login. Not refreshed by use, so a stolen token cannot be kept
# alive; it ends sooner on logout, log-out-everywhere, password change or deactivation.
REST_KNOX = {
    "TOKEN_TTL": dt.timedelta(hours=10),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Simpul API",
    "DESCRIPTION": (
        "Case management for SLRT / Puskesos: intake, home visits, referrals to agencies, "
        "delivery and follow-up. Every endpoint applies the same services and the same "
        "per-user scope as the web pages. Authenticate with `Authorization: Token <token>` "
        "from `POST /api/v1/auth/token/`: each login gives a new token, valid for 10 hours. "
        "`POST /api/v1/auth/logout/` ends that token, `POST /api/v1/auth/logout-all/` every "
        "token of the account; a password change or deactivation ends them all. Every POST "
        "accepts an `Idempotency-Key` header: a retry by the same user within 24 hours gets "
        "the first answer again."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CaseChannelEnum": "cases.models.Channel",
        "DeliveryChannelEnum": "referrals.models.DeliveryChannel",
        "MoveStatusEnum": "cases.models.MoveStatus",
        "MoveDecisionEnum": "cases.models.MoveDecision",
    },
}

GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Working days the back office of a person's current area has to decide a move request
# (pindah domisili, cases.moves).
MOVE_REQUEST_WORKING_DAYS = env.int("MOVE_REQUEST_WORKING_DAYS", default=5)

# Name of the account that background work (imports, timers, escalations) acts as.
SYSTEM_USERNAME = "system"

DEFAULT_EXCEPTION_REPORTER_FILTER = "core.reporting.PersonalDataReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "core.reporting.PersonalDataExceptionReporter"

# Every handler masks NIK-like numbers (core.reporting.MaskIdNumbers), the development
# server's request log included: Django's own defaults for the "django" and "django.server"
# loggers (handlers without the filter) are replaced here. gunicorn: config/gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "filters": {"mask_id_numbers": {"()": "core.reporting.MaskIdNumbers"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_id_numbers"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["mask_id_numbers"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO").upper()},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # runserver's request lines ("GET /?q=... HTTP/1.1" 200 ...).
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # Request errors would print query strings and POST bodies, which may hold a NIK.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        # redis-py gives this logger an unmasked handler of its own unless it already
        # exists: declaring it here keeps Redis push messages on the masked handler.
        "push_response": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
