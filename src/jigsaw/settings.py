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
# Keys the access log's hash chain and search digests (docs/audit.md). Held outside the database,
# so whoever can only write to the database cannot forge a chain that verifies; never SECRET_KEY.
_DEV_AUDIT_KEY = "jigsaw-development-audit-key-not-secret"  # refused in production below
JIGSAW_AUDIT_KEY = os.environ.get("JIGSAW_AUDIT_KEY", _DEV_AUDIT_KEY)
# Minutes a break-glass override lasts (it also ends when the user opens another child or
# searches). A partnership's shielding policy decides the figure; 30 is a placeholder, not guidance.
JIGSAW_OVERRIDE_MINUTES = float(os.environ.get("JIGSAW_OVERRIDE_MINUTES", "30"))
# A JSON file that overrides retention periods per record kind (docs/retention.md); read and
# checked when a retention command runs, so a malformed file is a one-line error, never a purge.
JIGSAW_RETENTION_FILE = os.environ.get("JIGSAW_RETENTION_FILE", "")

if ENVIRONMENT == "production":
    if JIGSAW_AUDIT_KEY in (_DEV_AUDIT_KEY, SECRET_KEY) or len(JIGSAW_AUDIT_KEY) < 32:
        raise ImproperlyConfigured(
            "JIGSAW_AUDIT_KEY must be set in production to a random value of at least 32 characters, "
            "different from JIGSAW_SECRET_KEY."
        )
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
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["OPTIONS"] = {**postgres_options(), **config.get("OPTIONS", {})}
    return config


def postgres_options() -> dict:
    """Prepared statements on PostgreSQL, unless JIGSAW_PG_PREPARED_STATEMENTS is "off".

    Django sends each query as text with its values inlined by default, so the server parses and
    plans it afresh every time: on the child's page that planning (the household's joins, the
    gate's review-item check) cost the server more than running the queries. With server-side
    binding psycopg prepares a query once it has run ``prepare_threshold`` times on a connection
    (psycopg's own default, 5) and the server reuses the plan; measured in
    ``benchmarks/web_speed.py``. Turn it off behind a connection pooler in transaction mode that
    cannot keep prepared statements (PgBouncer before 1.21, or without ``max_prepared_statements``).
    """
    if os.environ.get("JIGSAW_PG_PREPARED_STATEMENTS", "on").lower() in ("off", "0", "false", "no"):
        return {}
    from jigsaw.postgres import PreparingCursor  # psycopg and Django's backend: only when used

    return {"server_side_binding": True, "prepare_threshold": 5, "cursor_factory": PreparingCursor}


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
    "jigsaw.reviews",
    "jigsaw.practice",
    "jigsaw.audit",
    "jigsaw.insight",
    "jigsaw.api",
    "jigsaw.web",
    "oauth2_provider",
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
    # a cookie holding a NUL is dropped before the session is looked up (PostgreSQL cannot compare it)
    "jigsaw.accounts.input_guard.DropNulCookies",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # a NUL or an overlong number in an address or a form is a 400 before any view: no database holds it
    "jigsaw.accounts.input_guard.RefuseUnstorableInput",
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
    # Django's ModelBackend, reading the profile with the account (a session signed in under
    # ModelBackend's name before this changed is asked to sign in again, once)
    "jigsaw.accounts.backends.AccountBackend",
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
# Django's database sessions, the idle expiry pushed on in one statement, not three (accounts.sessions)
SESSION_ENGINE = "jigsaw.accounts.sessions"
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
# Failures are reset only when the one-time code is accepted (jigsaw.accounts.views.code): with
# axes' own reset on success, the password step (a Django login) would wipe the code failures.
AXES_RESET_ON_SUCCESS = False
# The lockout table keeps a keyed digest of each username, never the text (a password is sometimes
# typed into the username box), and no per-sign-in log: the access log records sign-ins.
AXES_USERNAME_CALLABLE = "jigsaw.accounts.lockout.username_for_axes"
AXES_DISABLE_ACCESS_LOG = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False  # axes would log usernames; the access log records sign-in events instead
AXES_SENSITIVE_PARAMETERS = ["username", "password", "code", "old_password", "new_password1", "new_password2"]

OTP_TOTP_ISSUER = os.environ.get("JIGSAW_OTP_ISSUER", "Jigsaw")

# An enhanced background check counts for this many years (the issue's rule: renewed every 3).
JIGSAW_VETTING_YEARS = int(os.environ.get("JIGSAW_VETTING_YEARS", "3"))
# An administrator's temporary password, unused, stops signing in after this many hours.
JIGSAW_TEMPORARY_PASSWORD_HOURS = float(os.environ.get("JIGSAW_TEMPORARY_PASSWORD_HOURS", "72"))

# The auditors' "unusual access" report (jigsaw.audit.unusual): the partnership's policy, not law.
# One user opening this many different children within this many minutes is flagged ...
JIGSAW_UNUSUAL_CHILDREN = int(os.environ.get("JIGSAW_UNUSUAL_CHILDREN", "20"))
JIGSAW_UNUSUAL_MINUTES = int(os.environ.get("JIGSAW_UNUSUAL_MINUTES", "10"))
# ... and so is access to a child outside these local hours ("HH:MM-HH:MM") and days.
JIGSAW_WORKING_HOURS = os.environ.get("JIGSAW_WORKING_HOURS", "08:00-18:00")
JIGSAW_WORKING_DAYS = os.environ.get("JIGSAW_WORKING_DAYS", "mon,tue,wed,thu,fri")

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

# The longest field a feed may send; a longer row is quarantined whole (docs/feeds.md).
JIGSAW_MAX_FIELD_CHARS = int(os.environ.get("JIGSAW_MAX_FIELD_CHARS", "65536"))

# `jigsaw serve`'s gunicorn workers and threads per worker, as typed (checked by the command).
JIGSAW_WEB_WORKERS = os.environ.get("JIGSAW_WEB_WORKERS", "")
JIGSAW_WEB_THREADS = os.environ.get("JIGSAW_WEB_THREADS", "")

# What a link run may use (jigsaw.identity.linkage.Resources): DuckDB threads and memory, and
# how many chunks to score in (0: one per half million records).
JIGSAW_LINK_THREADS = int(os.environ.get("JIGSAW_LINK_THREADS", "2"))
JIGSAW_LINK_MEMORY = os.environ.get("JIGSAW_LINK_MEMORY", "1GB")
JIGSAW_LINK_CHUNKS = int(os.environ.get("JIGSAW_LINK_CHUNKS", "0"))

# Worker processes `jigsaw synth` writes with (0: one per core).
JIGSAW_SYNTH_WORKERS = int(os.environ.get("JIGSAW_SYNTH_WORKERS", "0"))

WHITENOISE_USE_FINDERS = True  # serve from the apps' static folders; no collectstatic needed
WHITENOISE_AUTOREFRESH = DEBUG

# Application logs carry counts, ids and timings only — never names, dates of birth or text
# from a feed (house rule: no personal data in plain application logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_detail": {"()": "jigsaw.web.logs.ErrorWithoutDetail"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
        "errors": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["no_detail"]},
    },
    "loggers": {
        # an unhandled error (500): its kind, path and where it was raised, never its message
        "django.request": {"handlers": ["errors"], "level": "ERROR", "propagate": False},
        "jigsaw": {"handlers": ["stderr"], "level": os.environ.get("JIGSAW_LOG_LEVEL", "WARNING")},
        # refused requests: oversized bodies, bad hosts, CSRF failures (method and path only)
        "django.security": {"handlers": ["stderr"], "level": "WARNING", "propagate": False},
    },
}


# --- Case reviews (docs/reviews.md) -------------------------------------------------------------
# Local closure days that do not count as working days for the review clocks, on top of weekends and
# England and Wales bank holidays (from the `holidays` package): comma-separated ISO dates.
JIGSAW_REVIEW_CLOSURE_DAYS = _dates("JIGSAW_REVIEW_CLOSURE_DAYS")
# Working days after awareness by which Ofsted and the Secretary of State are told of a looked-after
# child's death: the guidance read gives the duty, not a separate time, so the panel's 5 is the default.
JIGSAW_REVIEW_LAC_NOTICE_WORKING_DAYS = int(os.environ.get("JIGSAW_REVIEW_LAC_NOTICE_WORKING_DAYS", "5"))
# Working days an agency is given for its contribution (the Devon rapid review flowchart: by day 10).
JIGSAW_REVIEW_CONTRIBUTION_WORKING_DAYS = int(os.environ.get("JIGSAW_REVIEW_CONTRIBUTION_WORKING_DAYS", "10"))
# Theme counts below this are suppressed in tables across reviews (a small count can point at one
# family); by default the partnership figures' own threshold.
JIGSAW_REVIEW_SUPPRESS_BELOW = int(os.environ.get("JIGSAW_REVIEW_SUPPRESS_BELOW", JIGSAW_SUPPRESS_BELOW))

# --- Machine clients: OAuth2 client credentials and the FHIR R4 API (docs/api.md) ---------------
# Where other agencies' systems reach this server (printed with a new client's token URL).
JIGSAW_API_BASE_URL = os.environ.get("JIGSAW_API_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
# False while that is only the default, which no other agency's system can reach.
JIGSAW_API_BASE_URL_SET = bool(os.environ.get("JIGSAW_API_BASE_URL"))
# Paths whose views authenticate each request by bearer token, not by a signed-in session: the
# sign-in gate lets them through, and they are CSRF-exempt (no cookie is ever trusted there).
JIGSAW_TOKEN_AUTH_PREFIXES = ("/fhir/", "/oauth/")
# django-oauth-toolkit's own model, named so migrations can depend on it (it is swappable)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES": {"person-info-query": "Ask whether a child is known here, and whom to contact"},
    "DEFAULT_SCOPES": ["person-info-query"],
    # each client is granted only the scopes recorded for it (jigsaw.api.scopes)
    "SCOPES_BACKEND_CLASS": "jigsaw.api.scopes.ClientScopes",
    "ACCESS_TOKEN_EXPIRE_SECONDS": int(os.environ.get("JIGSAW_API_TOKEN_SECONDS", "3600")),
}
# Requests per client, in the `limits` library's notation ("600/minute", "20/second;600/minute").
# Counted in JIGSAW_API_RATE_LIMIT_STORAGE: memory:// counts per server process (so the effective
# limit is this times the worker count); a redis:// or memcached:// URI shares one count.
JIGSAW_API_RATE_LIMIT = os.environ.get("JIGSAW_API_RATE_LIMIT", "600/minute")
JIGSAW_API_RATE_LIMIT_STORAGE = os.environ.get("JIGSAW_API_RATE_LIMIT_STORAGE", "memory://")
# The partnership's safeguarding hub: the contact given for a shielded child, or for a child who is
# known but has no current involvement to signpost. Partnerships differ, so these are settings.
JIGSAW_HUB_NAME = os.environ.get("JIGSAW_HUB_NAME", "Safeguarding hub")
JIGSAW_HUB_PHONE = os.environ.get("JIGSAW_HUB_PHONE", "")
JIGSAW_HUB_EMAIL = os.environ.get("JIGSAW_HUB_EMAIL", "")


# --- Practice records (docs/practice.md) ----------------------------------------------------------
# Working days each stage of a professional disagreement has before it escalates itself, as
# "stage=days,...". Defaults from the Lincolnshire joint professional escalation and resolution
# protocol (practitioner to practitioner: an action plan within 2 working days; manager to manager:
# within 5 working days; senior liaison officer, here the designated lead: within 2 working days;
# then the safeguarding partnership's independently chaired meeting, given 10 here: the protocol
# sets no time for it, so it is an assumption a partnership should set).
JIGSAW_PRACTICE_STAGE_WORKING_DAYS = {
    stage: int(days) for stage, _, days in (
        part.partition("=") for part in os.environ.get(
            "JIGSAW_PRACTICE_STAGE_WORKING_DAYS",
            "practitioner=2,manager=5,designated_lead=2,partnership=10").split(",") if part.strip())
}
# Days without an entry of the child seen or heard, while a plan is open, before the record-quality
# check says the child is "missing from the record": 14 (10 working days, the minimum visiting
# interval for a child protection plan in e.g. the Liverpool and Central Bedfordshire procedures).
JIGSAW_PRACTICE_UNSEEN_DAYS = int(os.environ.get("JIGSAW_PRACTICE_UNSEEN_DAYS", "14"))
# Days without any new entry, while a plan or involvement is open, before the record is "out of
# date": 31 (core groups meet at least monthly, Liverpool's child protection procedure).
JIGSAW_PRACTICE_STALE_DAYS = int(os.environ.get("JIGSAW_PRACTICE_STALE_DAYS", "31"))

# The partnership picture (docs/insight.md). The area's child population (0-17, ONS mid-year
# estimate) for rates per 10,000; unset, the children known to Jigsaw stand in and pages say so.
JIGSAW_CHILD_POPULATION = int(os.environ["JIGSAW_CHILD_POPULATION"]) if os.environ.get(
    "JIGSAW_CHILD_POPULATION") else None
# How often each social worker should be supervised, in days (no national interval; most local
# supervision policies say monthly): the compliance measure of the workforce page.
JIGSAW_SUPERVISION_DAYS = int(os.environ.get("JIGSAW_SUPERVISION_DAYS", "30"))
# The case-file audit grading tool: questions separated by "|" (unset: insight.audits' defaults).
JIGSAW_AUDIT_QUESTIONS = [q.strip() for q in os.environ.get("JIGSAW_AUDIT_QUESTIONS", "").split("|")
                          if q.strip()] or None
