"""gunicorn settings for production: ``gunicorn -c config/gunicorn.conf.py config.wsgi``.

Run from the project directory behind a reverse proxy that terminates HTTPS. Every log
handler, the access log included, carries ``core.reporting.MaskIdNumbers``: a NIK typed
into a URL or sent as the referrer is written as ``****``. Environment: ``GUNICORN_BIND``
(default ``127.0.0.1:8000``), ``WEB_CONCURRENCY`` (worker processes, default 3),
``LOG_LEVEL`` (default ``info``).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = 60
# The access log goes through logconfig_dict below (gunicorn logs access lines whenever a
# logging configuration is given), so it is masked like every other line.
loglevel = os.environ.get("LOG_LEVEL", "info").lower()

_MASKED = ["mask_id_numbers"]

logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_id_numbers": {"()": "core.reporting.MaskIdNumbers"}},
    "formatters": {
        "generic": {
            "format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
            "datefmt": "[%Y-%m-%d %H:%M:%S %z]",
        },
        "access": {"format": "%(message)s"},
    },
    "handlers": {
        "error_console": {
            "class": "logging.StreamHandler",
            "formatter": "generic",
            "filters": _MASKED,
            "stream": "ext://sys.stderr",
        },
        "access_console": {
            "class": "logging.StreamHandler",
            "formatter": "access",
            "filters": _MASKED,
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"level": "INFO", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {
            "level": loglevel.upper(),
            "handlers": ["error_console"],
            "propagate": False,
        },
        "gunicorn.access": {"level": "INFO", "handlers": ["access_console"], "propagate": False},
    },
}
