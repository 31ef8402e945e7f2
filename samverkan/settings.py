"""Settings for Samverkan, read from the environment.

Every value a deployment changes comes from an environment variable, parsed by the small
helpers below, which fail loudly on a value they do not understand.
"""

import datetime
import logging
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from samverkan.logformat import JSON_FORMATTER

BASE_DIR = Path(__file__).resolve().parent.parent

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: str) -> bool:
    value = os.environ.get(name, default).strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {sorted(TRUE_WORDS | FALSE_WORDS)}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", "true")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    # Only for a developer's own machine: DEBUG is on and nothing is secret.
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "samverkan",
    "organisations",
    "prevention",
    "agreements",
    "actionplans",
    "followup",
    "exchange",
    "signing",
    "printing",
    "audit",
    "pages",
    "citizens",
    "areas",
    "django_tasks_db",
    "simple_history",
    "axes",
    # Sign-in through an organisation's identity provider, and two-factor codes
    # (docs/sign-in.md). The providers are IdentityProvider rows, not settings.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "allauth.mfa",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samverkan.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Lets the audit trail record which user made each change.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Accounts: the idle session limit, HTMX requests after it, and the 405 page.
    "organisations.accounts.IdleSessionMiddleware",
    "samverkan.middleware.HtmxLoginRedirectMiddleware",
    "samverkan.errors.MethodNotAllowedMiddleware",
    # django-allauth: keeps a half-finished sign-in (provider, second factor) in step.
    "allauth.account.middleware.AccountMiddleware",
    # The second factor before the pages that require it (organisations.second_factor).
    "organisations.second_factor.SecondFactorMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samverkan.urls"

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
            ],
        },
    },
]

WSGI_APPLICATION = "samverkan.wsgi.application"

# SQLite in a git-ignored folder by default, so that `make run` needs no set-up;
# PostgreSQL (psycopg 3) when DATABASE_URL says so.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'samverkan.sqlite3'}",
        # A worker keeps its connection: a new PostgreSQL connection costs about 6 ms,
        # more than most pages' queries (docs/performance.md).
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection the database dropped (a restart) is replaced, not reused.
        conn_health_checks=True,
    )
}
# SQLite (the demo's and the tests' database) with a write-ahead log: pages read while the
# worker writes, and a commit is not flushed to disk each time (a crash of the app loses
# nothing; a power cut may lose the last commits), which was a millisecond a request.
# A transaction takes the write lock when it begins: one that read first and wrote then
# (the cache's `add`, a session's save) was refused at once, "database is locked", when
# another wrote meanwhile; now it waits for the other, as on PostgreSQL.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        transaction_mode="IMMEDIATE",
    )
# PostgreSQL plans a query each time it is sent, 0.1–0.4 ms for the joins of a plan page;
# a statement a connection sends for the fifth time is prepared and its plan kept. That
# needs the parameters bound by the server (psycopg's Cursor, not Django's default
# ClientCursor). Behind a pooler in transaction mode that cannot keep prepared statements
# (PgBouncer before 1.21, or without max_prepared_statements), turn it off.
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool(
    "DATABASE_PREPARED_STATEMENTS", "true"
):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=5
    )

# One cache that every worker process and server shares, in the database (its table is made
# by organisations' migration 0009): a two-factor code used in one worker must be refused in
# the others (allauth.mfa keeps used codes in the cache), and Avpublicera must take a public
# page down in every worker at once (citizens/cache.py).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "samverkan_cache",
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

# Security. Everything a page loads comes from this site: no inline scripts or styles, so
# the policy needs no 'unsafe-inline' (htmx's own indicator style is turned off in base.html).
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# The CSRF token reaches htmx through the page (hx-headers on <body>), never from the cookie.
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_HTTPONLY = True
# In production (DEBUG off) cookies travel over HTTPS only, and browsers are told to use it.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool(
    "SECURE_COOKIES", "false" if DEBUG else "true"
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", "false" if DEBUG else "true")
# A load balancer's health check asks over plain HTTP and reads a redirect as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", "true")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", "true")
# Behind a load balancer that ends TLS: trust its X-Forwarded-Proto and X-Forwarded-For.
BEHIND_PROXY = env_bool("BEHIND_PROXY", "false")
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

# Lockout after repeated failed logins (django-axes): five wrong passwords for one user name
# from one address lock that pair out for AXES_COOLOFF_MINUTES; other users are not hurt.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

# Sign-in through an organisation's own identity provider (django-allauth, docs/sign-in.md).
# The providers come from organisations.IdentityProvider (the adapter lists them as apps);
# no one signs up: a provider's user gets in only as organisations.signin allows.
ACCOUNT_ADAPTER = "organisations.signin.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "organisations.signin.ProviderAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
# The start of a sign-in is a POST from our login form, never a GET a link could trigger.
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "oidc"
# Each request to a provider (discovery, token, user info) waits at most this long.
SOCIALACCOUNT_REQUESTS_TIMEOUT = int(os.environ.get("SIGN_IN_PROVIDER_TIMEOUT_SECONDS", "10"))
# Two-factor sign-in (organisations.second_factor): the name authenticator apps show.
MFA_TOTP_ISSUER = "Samverkan"
# A code is also taken in the half-minute after the app stopped showing it, as RFC 6238
# advises: one typed as the app turned over, or from a phone a few seconds off, is not wrong.
MFA_TOTP_TOLERANCE = 1

# Accounts: a session ends at logout or after this many minutes without a request. The
# expiry moves forward at most once a minute (organisations.accounts.IdleSessionMiddleware),
# not on every request, so that browsing does not write the session row each time.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "480"))
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be a whole number of minutes, 1 or more")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# A password reset link is valid for a day (Django's default is three).
PASSWORD_RESET_TIMEOUT = 24 * 60 * 60

# Tests set this so that a related row a page forgot to load fails the test (see fetching.py).
RAISE_ON_LAZY_FETCH = env_bool("RAISE_ON_LAZY_FETCH", "false")

# E-mail (reminders from `manage.py send_reminders`): Django 6.1's MAILERS, filled from the
# usual environment variables. EMAIL_BACKEND defaults to the console in development (the
# messages are printed) and to SMTP in production; the EMAIL_* variables set the server.
_EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
_SMTP_OPTIONS = {
    "host": os.environ.get("EMAIL_HOST", "localhost"),
    "port": int(os.environ.get("EMAIL_PORT", "25")),
    "username": os.environ.get("EMAIL_HOST_USER", ""),
    "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
    "use_tls": env_bool("EMAIL_USE_TLS", "false"),
    "use_ssl": env_bool("EMAIL_USE_SSL", "false"),
    "timeout": int(os.environ.get("EMAIL_TIMEOUT", "30")),
}
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": _SMTP_OPTIONS if _EMAIL_BACKEND.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Samverkan <samverkan@localhost>")
# The address links in e-mails start with: e-mails are sent outside any request.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The signed scan of an agreement (Registrera underskrift): a PDF of at most this size.
SIGNED_SCAN_MAX_BYTES = int(os.environ.get("SIGNED_SCAN_MAX_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# A document or photo attached to a follow-up entry or report: at most this size.
ATTACHMENT_MAX_BYTES = int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))

# Background work (PDFs that take more than a moment): Django's tasks framework, queued in
# the database and run by `manage.py run_worker` (db_worker made to survive a killed worker
# and a database outage; started by `make run`; in production a process of its own). Tests
# run tasks at once (TASKS_BACKEND=...ImmediateBackend).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# A worker silent for this long is dead: the task it was running is queued again.
WORKER_LEASE_SECONDS = int(os.environ.get("WORKER_LEASE_SECONDS", "60"))

# Print jobs (printing/): a job still waiting this long is offered again (Försök igen), and
# jobs older than PRINT_JOB_KEEP are removed with their files by `manage.py prune_print_jobs`.
PRINT_JOB_TIMEOUT = datetime.timedelta(
    minutes=int(os.environ.get("PRINT_JOB_TIMEOUT_MINUTES", "5"))
)
PRINT_JOB_KEEP = datetime.timedelta(hours=int(os.environ.get("PRINT_JOB_KEEP_HOURS", "24")))
# Prints made ahead (printing.ahead): an agreement's print and its plans' PDFs are rendered
# by the worker PRINT_AHEAD_SECONDS after the last of a burst of changes (at most
# PRINT_AHEAD_MAX_WAIT_MINUTES after the first), so that Skriv ut serves a finished file.
PRINT_AHEAD = os.environ.get("PRINT_AHEAD", "1") != "0"
PRINT_AHEAD_DELAY = datetime.timedelta(seconds=int(os.environ.get("PRINT_AHEAD_SECONDS", "30")))
PRINT_AHEAD_MAX_WAIT = datetime.timedelta(
    minutes=int(os.environ.get("PRINT_AHEAD_MAX_WAIT_MINUTES", "5"))
)

# Logs go to standard output: as JSON lines (one object per record, for a log collector) in
# production, as plain text on a developer's machine. LOG_FORMAT=json|text overrides.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text" if DEBUG else "json")
if LOG_FORMAT not in ("json", "text"):
    raise ImproperlyConfigured("LOG_FORMAT must be json or text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": JSON_FORMATTER,
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint and its font library report every step of every PDF at INFO.
    "loggers": {name: {"level": "WARNING"} for name in ("weasyprint", "fontTools")},
}
# Python's warnings (a library's, a missing static folder) become log records too, so that
# every line on standard output is one the log collector can parse.
logging.captureWarnings(True)


# Law 2023:196: how often a municipality's lägesbild is renewed and its åtgärdsplan reviewed,
# and how long before that date the item counts as due (docs/law-items.md). The law's
# sources we could read name no intervals; these are the defaults: a lägesbild at least
# every second year, the åtgärdsplan reviewed yearly, due from 90 days before.
def env_positive(name: str, default: str) -> int:
    value = os.environ.get(name, default).strip()
    if not value.isdigit() or int(value) == 0:
        raise ImproperlyConfigured(f"{name} must be a whole number above 0, not {value!r}")
    return int(value)


LAW_SITUATION_REPORT_MONTHS = env_positive("LAW_SITUATION_REPORT_MONTHS", "24")
LAW_PREVENTION_PLAN_REVIEW_MONTHS = env_positive("LAW_PREVENTION_PLAN_REVIEW_MONTHS", "12")
LAW_DUE_NOTICE_DAYS = env_positive("LAW_DUE_NOTICE_DAYS", "90")
