"""Quick Publisher settings: one module, configured from the environment.

Every variable is listed in README.md. Development defaults are safe to run on a laptop;
production (DEBUG=0) refuses to start without SECRET_KEY and ALLOWED_HOSTS.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from project import dburl

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" if DEBUG else "")
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "procrastinate.contrib.django",
    "mail",
    "ops",
    "accounts",
    "blog",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "ops.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "project.urls"
WSGI_APPLICATION = "project.wsgi.application"
ASGI_APPLICATION = "project.asgi.application"

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
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
# Unset DATABASE_URL means the embedded PostgreSQL that `make run` / `make test` start under .data/.
DATABASE_URL = env("DATABASE_URL") or dburl.embedded_url(BASE_DIR)
try:
    _database = dburl.parse(DATABASE_URL)
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None
DATABASES = {
    "default": {
        **_database,
        # Workers and web processes keep connections between jobs and requests; 0 would open a
        # new connection for every task.
        "CONN_MAX_AGE": envint("CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            **_database["OPTIONS"],
            "connect_timeout": envint("DATABASE_CONNECT_TIMEOUT", 5),
        },
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Auth ---------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "blog:post_list"
LOGOUT_REDIRECT_URL = "blog:post_list"
PASSWORD_RESET_TIMEOUT = envint("PASSWORD_RESET_TIMEOUT", 3 * 24 * 3600)

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Email --------------------------------------------------------------------------------------
# Console by default; SMTP as soon as EMAIL_URL or EMAIL_HOST is set (Mailpit in compose.yaml).
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Quick Publisher <noreply@quickpublisher.local>")
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
if env("EMAIL_URL"):
    _email = urlsplit(env("EMAIL_URL"))
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _email.hostname or "localhost"
    EMAIL_PORT = _email.port or 25
    EMAIL_HOST_USER = _email.username or ""
    EMAIL_HOST_PASSWORD = _email.password or ""
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
    EMAIL_USE_SSL = _email.scheme == "smtps"
elif env("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env("EMAIL_HOST")
    EMAIL_PORT = envint("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

# --- Procrastinate ------------------------------------------------------------------------------
PROCRASTINATE_WORKER_DEFAULTS = {
    "concurrency": envint("WORKER_CONCURRENCY", 4),
    "shutdown_graceful_timeout": float(envint("WORKER_SHUTDOWN_TIMEOUT", 30)),
    # Finished jobs stay for the dashboard and are pruned by ops after JOBS_RETENTION_*_DAYS.
    "delete_jobs": env("WORKER_DELETE_JOBS", "never"),
}
if envlist("WORKER_QUEUES"):
    PROCRASTINATE_WORKER_DEFAULTS["queues"] = envlist("WORKER_QUEUES")

# --- Application settings -----------------------------------------------------------------------
ACCOUNTS_VERIFICATION_DAYS = envint("ACCOUNTS_VERIFICATION_DAYS", 3)
NOTIFY_BATCH_SIZE = envint("NOTIFY_BATCH_SIZE", 100)
REPORTS_DAILY_TIME = env("REPORTS_DAILY_TIME", "08:00")
REPORTS_RETENTION_DAYS = envint("REPORTS_RETENTION_DAYS", 7)
JOBS_STALL_SECONDS = envint("JOBS_STALL_SECONDS", 60)
JOBS_RETENTION_SUCCEEDED_DAYS = envint("JOBS_RETENTION_SUCCEEDED_DAYS", 14)
JOBS_RETENTION_FAILED_DAYS = envint("JOBS_RETENTION_FAILED_DAYS", 90)
METRICS_TOKEN = env("METRICS_TOKEN")
# Where `make run` keeps the demo staff password it prints (created once, with the demo content).
DEMO_PASSWORD_FILE = Path(
    env("DEMO_PASSWORD_FILE", str(BASE_DIR / ".data" / "demo-admin-password"))
)

# --- Accounts -----------------------------------------------------------------------------------
ACCOUNTS_RESEND_INTERVAL_SECONDS = envint("ACCOUNTS_RESEND_INTERVAL_SECONDS", 60)
ACCOUNTS_RESENDS_PER_DAY = envint("ACCOUNTS_RESENDS_PER_DAY", 5)
ACCOUNTS_SIGNUPS_PER_IP_PER_HOUR = envint("ACCOUNTS_SIGNUPS_PER_IP_PER_HOUR", 10)
# Reverse proxies in front of the site that append to X-Forwarded-For (0: use REMOTE_ADDR).
ACCOUNTS_TRUSTED_PROXIES = envint("ACCOUNTS_TRUSTED_PROXIES", 0)

# --- ops: queue operations (docs/operations.md) ---------------------------------------------------
from ops.worker import observe_jobs  # noqa: E402  (imports no models: safe at settings time)

PROCRASTINATE_WORKER_DEFAULTS["worker_middleware"] = [observe_jobs]
PROCRASTINATE_WORKER_DEFAULTS["stalled_worker_timeout"] = float(JOBS_STALL_SECONDS)
JOBS_RESCUE_MAX = envint("JOBS_RESCUE_MAX", 3)
JOBS_PRUNE_BATCH = envint("JOBS_PRUNE_BATCH", 1000)
WORKER_MAX_JOBS = envint("WORKER_MAX_JOBS", 0)
WORKER_MAX_MEMORY_MB = envint("WORKER_MAX_MEMORY_MB", 0)
# Global rate limits per queue, e.g. JOBS_QUEUE_RATE_LIMITS="emails=100/m,reports=10/h".
JOBS_QUEUE_RATE_LIMITS = dict(item.split("=", 1) for item in envlist("JOBS_QUEUE_RATE_LIMITS"))

# --- Security (production) ----------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^health/"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"procrastinate": {"level": env("PROCRASTINATE_LOG_LEVEL", "WARNING")}},
}
