"""Django settings, all from the environment.

Embedded mode (the default) needs nothing: a SQLite file under ``JIGSAW_DATA_DIR``. Production
(``JIGSAW_ENV=production``) refuses to start with the development secret key or debug on.
"""

from __future__ import annotations

import datetime as dt
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
# One cache for every web worker process, in the database: the partnership figures' population
# counts take seconds to compute at scale, and are then shared rather than redone per process.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "jigsaw_cache"}}
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
    "jigsaw.accounts",
    "jigsaw.audit",
    "jigsaw.insight",
    "jigsaw.web",
    "pgtrigger",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # early, so the sign-in gate's redirects and static files carry X-Frame-Options: DENY too
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # static files (GOV.UK Frontend) served by the app itself, with far-future caching
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # every URL but sign-in, static files and the health check needs password + one-time code
    "jigsaw.accounts.middleware.RequireVerifiedSignIn",
    "django.contrib.messages.middleware.MessageMiddleware",
    # last, as django-axes requires: turns a locked-out sign-in into the lockout page
    "axes.middleware.AxesMiddleware",
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
                "jigsaw.web.context.navigation",
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
# Static files are served from the apps' folders (WhiteNoise, below) unless a deployment runs
# collectstatic into JIGSAW_STATIC_ROOT.
STATIC_ROOT = os.environ.get("JIGSAW_STATIC_ROOT") or None

# --- Sign-in and session security (docs/security.md) -------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # must come first: refuses a locked-out sign-in
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:sign-in"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "home"

# Idle sessions end after 15 minutes: every request pushes the expiry on by SESSION_COOKIE_AGE.
SESSION_COOKIE_AGE = int(os.environ.get("JIGSAW_SESSION_IDLE_SECONDS", "900"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Secure everywhere: browsers accept Secure cookies from http://127.0.0.1 and localhost, so the
# embedded demo still works; anything else must be served over HTTPS.
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script reads it: forms carry the token
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A post without a valid CSRF token is refused and recorded like any other refusal.
CSRF_FAILURE_VIEW = "jigsaw.web.refusals.csrf_failure"
# No form here is larger than a few kilobytes: a bigger body is refused with 400 before parsing.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("JIGSAW_MAX_FORM_BYTES", str(64 * 1024)))
if ENVIRONMENT == "production":
    SECURE_SSL_REDIRECT = os.environ.get("JIGSAW_SSL_REDIRECT", "true").lower() == "true"
    SECURE_HSTS_SECONDS = 31536000

# Strict Content-Security-Policy (django-csp 4): only this origin, no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Lockout (django-axes): after JIGSAW_LOCKOUT_FAILURES failed passwords or codes for one
# username, that username is refused for JIGSAW_LOCKOUT_MINUTES, whatever the address.
AXES_FAILURE_LIMIT = int(os.environ.get("JIGSAW_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("JIGSAW_LOCKOUT_MINUTES", "30")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 asks for "ip_address" too; locking by address would lock a whole office behind one
# NAT address after a few colleagues' typos. Rate-limit by address at the reverse proxy instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False  # axes would log usernames; the access log records sign-in events instead
AXES_SENSITIVE_PARAMETERS = ["username", "password", "code", "old_password", "new_password1", "new_password2"]

OTP_TOTP_ISSUER = os.environ.get("JIGSAW_OTP_ISSUER", "Jigsaw")

# An enhanced background check counts for this many years (the issue's rule: renewed every 3).
JIGSAW_VETTING_YEARS = int(os.environ.get("JIGSAW_VETTING_YEARS", "3"))
# An administrator's temporary password, unused, stops signing in after this many hours.
JIGSAW_TEMPORARY_PASSWORD_HOURS = float(os.environ.get("JIGSAW_TEMPORARY_PASSWORD_HOURS", "72"))

# Partnership figures show a count from 1 to N-1 as "fewer than N" (docs/aggregates.md):
# the small-count suppression of the DfE's Children in need / Children looked after releases
# and the GSS/ONS disclosure control guidance for tables. Partnerships differ, so it is a setting.
JIGSAW_SUPPRESS_BELOW = int(os.environ.get("JIGSAW_SUPPRESS_BELOW", "5"))

def _time(name: str, default: str) -> dt.time:
    hours, _, minutes = os.environ.get(name, default).strip().partition(":")
    try:
        return dt.time(int(hours), int(minutes or 0))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a time like 08:30") from None


def _dates(name: str) -> frozenset[dt.date]:
    try:
        listed = os.environ.get(name, "").split(",")
        return frozenset(dt.date.fromisoformat(d.strip()) for d in listed if d.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be ISO dates separated by commas (2026-07-22,...)") from None


# Operation Encompass alerts are due before the next school day starts (jigsaw.alerts.due): the
# day's start, and the days schools are closed besides weekends and bank holidays (school
# holidays and INSET days differ by area and school, so they are the partnership's to list).
JIGSAW_SCHOOL_DAY_START = _time("JIGSAW_SCHOOL_DAY_START", "08:30")
JIGSAW_SCHOOL_CLOSURE_DAYS = _dates("JIGSAW_SCHOOL_CLOSURE_DAYS")

WHITENOISE_USE_FINDERS = True  # serve from the apps' static folders; no collectstatic needed
WHITENOISE_AUTOREFRESH = DEBUG

# Application logs carry counts, ids and timings only — never names, dates of birth or text
# from a feed (house rule: no personal data in plain application logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "jigsaw": {"handlers": ["stderr"], "level": os.environ.get("JIGSAW_LOG_LEVEL", "WARNING")},
        # refused requests: oversized bodies, bad hosts, CSRF failures (method and path only)
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}
