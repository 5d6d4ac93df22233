"""Django settings, all from the environment.

Embedded mode (the default) needs nothing: a SQLite file under ``JIGSAW_DATA_DIR``. Production
(``JIGSAW_ENV=production``) refuses to start with the development secret key or debug on.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("JIGSAW_DATA_DIR", ".jigsaw")).resolve()
ENVIRONMENT = os.environ.get("JIGSAW_ENV", "development")

_DEV_SECRET = "jigsaw-development-only-not-secret"  # noqa: S105 - refused in production below
SECRET_KEY = os.environ.get("JIGSAW_SECRET_KEY", _DEV_SECRET)
DEBUG = os.environ.get("JIGSAW_DEBUG", "false").lower() == "true"

if ENVIRONMENT == "production":
    if SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "JIGSAW_SECRET_KEY must be set to a random value of at least 32 characters in production."
        )
    if DEBUG:
        raise ImproperlyConfigured("JIGSAW_DEBUG must not be true in production.")

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("JIGSAW_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h
]


def _database() -> dict:
    """Build the default connection from JIGSAW_DATABASE_URL (SQLite file if unset)."""
    url = os.environ.get("JIGSAW_DATABASE_URL")
    if not url:
        url = f"sqlite:///{DATA_DIR / 'jigsaw.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=60)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers (the web app) work while an import writes; IMMEDIATE takes the write
        # lock at BEGIN so two concurrent imports queue instead of failing mid-transaction.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            " PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
            "transaction_mode": "IMMEDIATE",
            "timeout": float(os.environ.get("JIGSAW_SQLITE_TIMEOUT", "60")),
        }
        config["CONN_MAX_AGE"] = 0
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "jigsaw.records",
    "jigsaw.signpost",
    "jigsaw.chronology",
    "jigsaw.alerts",
    "jigsaw.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jigsaw.urls"
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
            ]
        },
    }
]
WSGI_APPLICATION = "jigsaw.wsgi.application"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if ENVIRONMENT == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Application logs carry counts, ids and timings only — never names, dates of birth or text
# from a feed (house rule: no personal data in plain application logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"jigsaw": {"handlers": ["stderr"], "level": os.environ.get("JIGSAW_LOG_LEVEL", "WARNING")}},
}
