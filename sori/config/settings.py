"""Django settings for Sori, read from the environment only (see ``sori.config.env``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from sori.config import env

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = env.data_dir()

DEBUG = env.flag("SORI_DEBUG", False)
DATABASE_URL = env.text("DATABASE_URL")
EMBEDDED = DATABASE_URL is None or DATABASE_URL.startswith("sqlite")
# Keys may be generated on the embedded default or while debugging; never for a shared database.
_generate_keys = EMBEDDED or DEBUG

SECRET_KEY = env.secret("SORI_SECRET_KEY", generate=_generate_keys, directory=DATA_DIR)
SORI_FIELD_KEYS = env.secret(
    "SORI_FIELD_KEYS", generate=_generate_keys, directory=DATA_DIR, make="field_key"
)
SORI_BLIND_INDEX_KEY = env.secret(
    "SORI_BLIND_INDEX_KEY", generate=_generate_keys, directory=DATA_DIR
)

ALLOWED_HOSTS = env.listing("SORI_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.listing("SORI_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "sori.core",
    "sori.accounts",
    "sori.audit",
    "sori.privacy",
    "sori.complaints",
    "sori.messaging",
    "sori.sla",
    "sori.governance",
    "sori.analytics",
    "sori.demo",
    "sori.api",
    "sori.portal",
    "sori.backoffice",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "sori.backoffice.auth.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "sori.config.urls"
WSGI_APPLICATION = "sori.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sori.backoffice.context.backoffice",
            ],
        },
    },
]

if EMBEDDED:
    _sqlite_path = (
        DATABASE_URL.removeprefix("sqlite:///") if DATABASE_URL else str(DATA_DIR / "sori.sqlite3")
    )
    DATABASES: dict[str, dict[str, Any]] = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": _sqlite_path,
            "OPTIONS": {
                # One writer at a time, taken at BEGIN: no deadlock between a reader that turns
                # writer and another writer, and reference numbers are allocated safely.
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }
else:
    DATABASES = {"default": dict(dj_database_url.parse(DATABASE_URL or "", conn_max_age=60))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "backoffice:login"
# A staff session ends 8 hours after sign-in, or after 30 minutes without a request, whichever
# comes first (ISO 10002 4.10: an unattended screen does not stay open on complainants' data).
SESSION_COOKIE_AGE = env.integer("SORI_SESSION_SECONDS", 8 * 3600)
SORI_SESSION_IDLE_SECONDS = env.integer("SORI_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG and env.flag("SORI_HTTPS", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Korean first (KS Q ISO 10002), English second.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"
SORI_TIME_ZONE = env.text("SORI_TIME_ZONE", "Asia/Seoul")

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Serve app static files straight from the package: no collectstatic step for a newcomer.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "attachments"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env.flag("SORI_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
    }
}

# Each `sori worker` writes a heartbeat this often; a task still running under a worker not seen
# for SORI_WORKER_STALE_SECONDS is put back in the queue for another worker (ISO 10002 7.3).
SORI_WORKER_HEARTBEAT_SECONDS = env.integer("SORI_WORKER_HEARTBEAT_SECONDS", 10)
SORI_WORKER_STALE_SECONDS = env.integer("SORI_WORKER_STALE_SECONDS", 60)

# Rate limits on the public API (requests per minute per client address).
SORI_SUBMISSION_RATE = env.text("SORI_SUBMISSION_RATE", "30/m")
SORI_LOOKUP_RATE = env.text("SORI_LOOKUP_RATE", "60/m")
SORI_TRUST_X_FORWARDED_FOR = env.flag("SORI_TRUST_X_FORWARDED_FOR", False)
# How long an Idempotency-Key keeps its first answer.
SORI_IDEMPOTENCY_HOURS = env.integer("SORI_IDEMPOTENCY_HOURS", 24)

# Mail
# Emails to complainants go out through the outbox (sori.messaging), retried while SMTP is down.
SORI_BASE_URL = env.text("SORI_BASE_URL", "http://127.0.0.1:8000") or "http://127.0.0.1:8000"
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.text("SORI_SMTP_HOST", "localhost") or "localhost"
EMAIL_PORT = env.integer("SORI_SMTP_PORT", 25)
EMAIL_HOST_USER = env.text("SORI_SMTP_USER", "") or ""
EMAIL_HOST_PASSWORD = env.text("SORI_SMTP_PASSWORD", "") or ""
EMAIL_USE_TLS = env.flag("SORI_SMTP_TLS", False)
# A dead or slow server must not hold a worker (or an immediate-mode request) for long.
EMAIL_TIMEOUT = env.integer("SORI_SMTP_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env.text("SORI_MAIL_FROM", "sori@localhost") or "sori@localhost"
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How long the signed status link in an email keeps working.
SORI_STATUS_LINK_DAYS = env.integer("SORI_STATUS_LINK_DAYS", 365)
# How often each `sori worker` sends the queued messages that are due (0: never).
SORI_OUTBOX_SWEEP_SECONDS = env.integer("SORI_OUTBOX_SWEEP_SECONDS", 30)
# How often ``sori worker`` looks for SLA warnings, holding replies and breaches that are due.
SORI_SLA_SWEEP_SECONDS = env.integer("SORI_SLA_SWEEP_SECONDS", 60)
# ISO 10002 8.2: how often ``sori worker`` looks for recurring issues, how many of the newest texts
# it compares, and when a complainant counts as returning (complaints within the 90-day window).
SORI_RECURRING_SCAN_SECONDS = env.integer("SORI_RECURRING_SCAN_SECONDS", 21600)
SORI_RECURRING_MAX_TEXTS = env.integer("SORI_RECURRING_MAX_TEXTS", 20000)
SORI_RECURRING_RETURNING_MIN = env.integer("SORI_RECURRING_RETURNING_MIN", 3)
# ISO 10002 8.4: how often ``sori worker`` brings the dashboards' pre-aggregated figures up to
# date (the days changed since its last run); between runs, older days may lag by this much.
SORI_FIGURES_SECONDS = env.integer("SORI_FIGURES_SECONDS", 300)
# Days from an improvement action's implementation to its effectiveness check (ISO 10002 8.7).
SORI_EFFECTIVENESS_CHECK_DAYS = env.integer("SORI_EFFECTIVENESS_CHECK_DAYS", 90)
# A directory of fonts for charts rendered as PNG (Korean labels need a Korean font).
SORI_CHART_FONT_DIR = env.text("SORI_CHART_FONT_DIR", "") or ""
# The complaints mailbox (e.g. complaints@example.org): replies go to its plus-addresses
# (complaints+C-2026-000123@example.org), and mail from it is never taken for a complaint.
SORI_MAIL_ADDRESS = env.text("SORI_MAIL_ADDRESS", "") or ""
# More new complaints than this from one sender within an hour is treated as a mail loop.
SORI_MAIL_MAX_NEW_PER_HOUR = env.integer("SORI_MAIL_MAX_NEW_PER_HOUR", 5)
# Inbound mail from an IMAP mailbox (`sori mail poll`; `sori worker` polls when a host is set).
SORI_IMAP_HOST = env.text("SORI_IMAP_HOST", "") or ""
SORI_IMAP_SSL = env.flag("SORI_IMAP_SSL", True)
SORI_IMAP_PORT = env.integer("SORI_IMAP_PORT", 993 if SORI_IMAP_SSL else 143)
SORI_IMAP_USER = env.text("SORI_IMAP_USER", "") or ""
SORI_IMAP_PASSWORD = env.text("SORI_IMAP_PASSWORD", "") or ""
SORI_IMAP_MAILBOX = env.text("SORI_IMAP_MAILBOX", "INBOX") or "INBOX"
SORI_IMAP_POLL_SECONDS = env.integer("SORI_IMAP_POLL_SECONDS", 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.text("SORI_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
