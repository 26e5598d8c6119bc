"""Settings for Inklusio, read from the environment in this one place.

INKLUSIO_ENV=production selects production settings (no demo logins, debug off, secure cookies);
anything else selects the development defaults, with the embedded SQLite database.
"""

import base64
import datetime
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def oidc_origins(*urls: str) -> set[str]:
    """The scheme://host[:port] of each address given (single sign-on's form-action)."""
    origins = set()
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme and parts.netloc:
            origins.add(f"{parts.scheme}://{parts.netloc}")
    return origins


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


INKLUSIO_ENV = os.environ.get("INKLUSIO_ENV", "development")
PRODUCTION = INKLUSIO_ENV == "production"

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when INKLUSIO_ENV=production")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - never used in production, see above

if PRODUCTION and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak for production: at least 50 characters, generated "
        "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(64))')"
    )

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG cannot be on in production: it shows personal data.")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
# Demo logins (and their listed passwords) exist only outside production.
DEMO_LOGINS_ENABLED = not PRODUCTION

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_htmx",
    "inklusio.core",
    "inklusio.audit",
    "inklusio.organisation",
    "inklusio.people",
    "inklusio.children",
    "inklusio.referrals",
    "inklusio.courses",
    "inklusio.meetings",
    "inklusio.plans",
    "inklusio.planning",
    "inklusio.reports",
    "inklusio.jobs",
    "inklusio.privacy",
    "inklusio.retention",
    "inklusio.today",
    "inklusio.imports",
    "inklusio.family",
    "inklusio.archive",
    "inklusio.transitions",
    "inklusio.screening",
    "inklusio.partners",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "ninja",  # the API docs from its own static files, not a public CDN
    "axes",  # lockout after repeated failed sign-ins (AXES_* below)
    # The second factor (people/twofactor.py): TOTP apps and one-time recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

# Background work (reports, workbooks, reminders, imports) runs in `manage.py db_worker`, with the
# queue in the application's own database: no broker to run. See docs/deployment.md.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A job RUNNING for longer than this lost its worker (crash, kill): `manage.py sweep_stale_jobs`
# queues it again (or fails it after its last attempt). Keep it above the longest job.
JOB_STALE_MINUTES = int(os.environ.get("INKLUSIO_JOB_STALE_MINUTES", "30"))

# The address e-mails link to (reminders, docs/reminders.md); e-mail itself is set below.
BASE_URL = os.environ.get("INKLUSIO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "inklusio.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "inklusio.core.middleware.DanishFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "inklusio.audit.middleware.RequestContextMiddleware",
    # After the audit context (the sign-out they log carries the address); idle first, so an
    # abandoned session ends before the second-factor step could be asked of it.
    "inklusio.people.twofactor.IdleTimeoutMiddleware",
    "inklusio.people.twofactor.SecondFactorMiddleware",
    "inklusio.access.ReadOnceMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a refused, locked-out sign-in into its page
]

# The load benchmark's floor views (bench/load.py) exist only when asked for; never by default.
BENCH_VIEWS = env_bool("INKLUSIO_BENCH_VIEWS", default=False)
ROOT_URLCONF = "inklusio.core.bench_urls" if BENCH_VIEWS else "inklusio.urls"
WSGI_APPLICATION = "inklusio.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "inklusio" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "inklusio.core.context_processors.navigation",
                "inklusio.people.oidc.login_options",
            ],
        },
    },
]
FORM_RENDERER = "inklusio.core.forms.DkfdsFormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'inklusio.sqlite3'}",
        conn_max_age=60,
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; IMMEDIATE transactions take the write lock up front so two
    # concurrent decisions queue instead of failing with "database is locked" half-way.
    DATABASES["default"]["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests on a file, not in memory: concurrency tests need real locking between connections.
    DATABASES["default"]["TEST"] = {
        "NAME": str(BASE_DIR / "var" / f"test-run-{os.getpid()}.sqlite3")
    }
else:
    # Two test runs from one checkout (or two checkouts) must not share a test database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}

# Statistics may read from a replica of the primary (docs/deployment.md, core/db_router.py).
if DATABASE_REPLICA_URL := os.environ.get("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    # The test suite reads the replica through the primary's test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["inklusio.core.db_router.ReplicaRouter"]

if PRODUCTION and DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    raise ImproperlyConfigured(
        "Production needs PostgreSQL (DATABASE_URL): the embedded SQLite database has no roles "
        "to protect the audit log and serves one machine only."
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"
AUTHENTICATION_BACKENDS = [
    "inklusio.people.backends.LockoutBackend",  # first: refuses locked-out sign-ins
    "inklusio.people.backends.InklusioBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"

# Second factor (TOTP, django-otp) after the password: required for every role but guardians
# when on, optional (and offered on the account page) for everyone otherwise. Anyone who has
# set one up is always asked for it. On by default in production, where it cannot be turned
# off; off in development, so the demo (`make run`) can be clicked through with passwords.
# A session signed in through the municipality's identity provider (OpenID Connect, whose own
# MFA counts) has session["inklusio_login_method"] == "oidc" and is not asked.
REQUIRE_2FA = env_bool("INKLUSIO_REQUIRE_2FA", default=PRODUCTION)
if PRODUCTION and not REQUIRE_2FA:
    raise ImproperlyConfigured(
        "INKLUSIO_REQUIRE_2FA cannot be off in production: staff must use a second factor."
    )
OTP_TOTP_ISSUER = "Inklusio"
# A signed-in session ends after this many minutes without a request (shared municipal PCs).
IDLE_TIMEOUT_MINUTES = int(os.environ.get("INKLUSIO_IDLE_TIMEOUT_MINUTES", "30"))
# How long a session keeps its menu entries before asking the access rules again
# (inklusio/core/context_processors.py); 0 asks them on every page.
MENU_SECONDS = int(os.environ.get("INKLUSIO_MENU_SECONDS", "60"))
# A password-reset link works once and for this long.
PASSWORD_RESET_TIMEOUT = 60 * int(os.environ.get("INKLUSIO_PASSWORD_RESET_MINUTES", "60"))

# E-mail (password reset, reminders): printed to the console outside production; SMTP in
# production.
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=PRODUCTION)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "inklusio@localhost")

# Lockout (django-axes): after INKLUSIO_LOGIN_FAILURE_LIMIT failed sign-ins with one username from
# one address, that username is refused from that address, right password or not, until
# INKLUSIO_LOGIN_LOCKOUT_MINUTES have passed since the last try. Other addresses and other users
# are not affected, so no one can lock a colleague out from elsewhere. Every refused try is in
# the audit log (audit.signals); axes keeps its counts in its own table, under a keyed hash of
# the name typed and the address the audit log records.
AXES_FAILURE_LIMIT = int(os.environ.get("INKLUSIO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(
    minutes=int(os.environ.get("INKLUSIO_LOGIN_LOCKOUT_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit log; no second record of them
AXES_USERNAME_CALLABLE = "inklusio.people.lockout.username_key"
AXES_CLIENT_IP_CALLABLE = "inklusio.people.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "inklusio.core.views.locked_out"
AXES_VERBOSE = False  # no banner on every start; failures are still logged (names masked)

# --- Single sign-on: OpenID Connect to the municipality's identity provider (docs/single-sign-on.md)
# Off unless OIDC_RP_CLIENT_ID is set. The provider's endpoints come from its discovery document
# under OIDC_OP_ISSUER (fetched once per process, at the first sign-in), unless each is given
# explicitly. Accounts are created by the administration, never by a sign-in: the identity is
# matched to an active user by INKLUSIO_OIDC_USER_CLAIM (compared with INKLUSIO_OIDC_USER_FIELD)
# and then bound to the provider's `sub`, so a later change of e-mail address cannot move it.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_USER_CLAIM = os.environ.get("INKLUSIO_OIDC_USER_CLAIM", "email")
OIDC_USER_FIELD = os.environ.get(
    "INKLUSIO_OIDC_USER_FIELD", "email" if OIDC_USER_CLAIM == "email" else "username"
)
# The slug of the one municipality whose users this provider signs in; empty: any user.
OIDC_MUNICIPALITY = os.environ.get("INKLUSIO_OIDC_MUNICIPALITY", "")
if OIDC_ENABLED:
    if not OIDC_RP_CLIENT_SECRET or not OIDC_OP_ISSUER:
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID needs OIDC_RP_CLIENT_SECRET and OIDC_OP_ISSUER."
        )
    if PRODUCTION and not OIDC_OP_ISSUER.startswith("https://"):
        raise ImproperlyConfigured("OIDC_OP_ISSUER must be an https:// address in production.")
if OIDC_USER_FIELD not in {"email", "username"}:
    raise ImproperlyConfigured("INKLUSIO_OIDC_USER_FIELD must be 'email' or 'username'.")
# Fixed choices of mozilla-django-oidc: RS256 signatures checked against the provider's JWKS,
# PKCE and a nonce on every request, no accounts made by a sign-in, the id_token kept in the
# session for the provider's logout.
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_USE_NONCE = True
OIDC_USE_PKCE = True
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True
OIDC_TIMEOUT = int(os.environ.get("OIDC_TIMEOUT", "10"))
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc-callback"
# Always listed: without OIDC_RP_CLIENT_ID it signs no one in and its pages answer 404.
AUTHENTICATION_BACKENDS.append("inklusio.people.oidc.OIDCBackend")

# Key of the audit trail's seals and CPR search hashes; empty derives one from SECRET_KEY.
# Set it in production: rotating SECRET_KEY would otherwise break `manage.py audit_verify`.
AUDIT_HASH_KEY = os.environ.get("INKLUSIO_AUDIT_HASH_KEY", "")

# CPR numbers at rest (inklusio.core.crypto): encrypted with the first of INKLUSIO_CPR_KEYS
# (Fernet keys, comma-separated; every one of them decrypts, so a rotation prepends a new key and
# runs `manage.py rotate_cpr_key`), and found by an HMAC-SHA256 under INKLUSIO_CPR_HASH_KEY, a
# separate key that never leaves the application servers. Production refuses to start without
# both; development uses the fixed keys below and says so in the log (bench/load.py passes them
# to its production server explicitly: generate_scale wrote its data with them).
DEVELOPMENT_CPR_KEY = "ZGV2ZWxvcG1lbnQtb25seS1jcHIta2V5LW5vdC1zZWM="
DEVELOPMENT_CPR_HASH_KEY = "development-only-cpr-hash-key-not-secret"
CPR_KEYS = env_list("INKLUSIO_CPR_KEYS", [])
CPR_HASH_KEY = os.environ.get("INKLUSIO_CPR_HASH_KEY", "")
CPR_KEYS_ARE_DEVELOPMENT_KEYS = not CPR_KEYS or not CPR_HASH_KEY
if PRODUCTION:
    if CPR_KEYS_ARE_DEVELOPMENT_KEYS:
        raise ImproperlyConfigured(
            "INKLUSIO_CPR_KEYS and INKLUSIO_CPR_HASH_KEY must be set when INKLUSIO_ENV=production "
            "(docs/operations.md, 'CPR numbers at rest')"
        )
    if len(CPR_HASH_KEY) < 32:
        raise ImproperlyConfigured("INKLUSIO_CPR_HASH_KEY is too short: at least 32 characters")
    for _key in CPR_KEYS:
        try:
            _valid = len(base64.urlsafe_b64decode(_key.encode())) == 32
        except ValueError:
            _valid = False
        if not _valid:
            raise ImproperlyConfigured(
                "INKLUSIO_CPR_KEYS: every key must be a Fernet key (32 url-safe base64 bytes)"
            )
CPR_KEYS = CPR_KEYS or [DEVELOPMENT_CPR_KEY]
CPR_HASH_KEY = CPR_HASH_KEY or DEVELOPMENT_CPR_HASH_KEY

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "da"
LANGUAGES = [("da", _("Dansk")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Front-end packages are served straight from node_modules: no bundler, no run-time downloads.
STATICFILES_DIRS = [
    ("dkfds", BASE_DIR / "node_modules" / "dkfds" / "dist"),
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    BASE_DIR / "inklusio" / "static",
]
# Uploaded files (attachments, letters) live outside the web root and are served only by views
# that check access; MEDIA_URL is deliberately not routed.
PRIVATE_STORAGE_ROOT = Path(os.environ.get("INKLUSIO_PRIVATE_ROOT", BASE_DIR / "var" / "private"))
# Several app servers and workers share one file store: with INKLUSIO_S3_BUCKET set, files go to
# that bucket of an S3-compatible object store (INKLUSIO_S3_ENDPOINT for one that is not AWS);
# otherwise to PRIVATE_STORAGE_ROOT on this machine, readable by the application's user only.
S3_BUCKET = os.environ.get("INKLUSIO_S3_BUCKET", "")
PRIVATE_STORAGE = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("INKLUSIO_S3_ENDPOINT") or None,
            "access_key": os.environ.get("INKLUSIO_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("INKLUSIO_S3_SECRET_KEY") or None,
            "region_name": os.environ.get("INKLUSIO_S3_REGION", "eu-north-1"),
            "location": "private",
            "default_acl": None,
            "file_overwrite": False,
        },
    }
    if S3_BUCKET
    else None
)

# One cache for all app servers (rate limits, throttles): Redis when REDIS_URL is set; otherwise
# this process's memory, which is right for one process (make run, tests) only.
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Sessions are rows in the database, so any app server can read them; with Redis they are also
# kept in it, and a request reads its session from there instead of asking the database (the
# row stays the record: a session outlives a Redis restart, and signing out deletes both).
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if REDIS_URL
    else "django.contrib.sessions.backends.db"
)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
# Shared municipal PCs: closing the browser ends the session (the cookie carries no expiry date).
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# The CSRF token lives in the session, so no long-lived cookie is left behind either.
CSRF_USE_SESSIONS = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Scripts, styles, fonts and images come from this server only; no inline script or style.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
if OIDC_ENABLED:
    # Logging out after a single sign-on redirects the logout form's answer on to the provider's
    # end_session_endpoint, and browsers hold a form's redirects to form-action too. That
    # endpoint is on the issuer's host, or on OIDC_OP_LOGOUT_ENDPOINT's when given.
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"] = [
        SELF,
        *sorted(oidc_origins(OIDC_OP_ISSUER, OIDC_OP_LOGOUT_ENDPOINT)),
    ]
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    # Subdomains of the application's own host name only (e.g. *.inklusio.kommune.dk).
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# Need-to-know ends with the need: taking part in an action plan's meeting gives access to the
# plan for this many days after the meeting; a child who has left daycare is readable by the
# administration only, this many days after leaving.
PLAN_MEETING_ACCESS_DAYS = int(os.environ.get("INKLUSIO_PLAN_MEETING_ACCESS_DAYS", "90"))

# Case numbers on decisions, letters and appeal files: a journal number in the style of the
# municipal KLE plan, "<prefix>-<running number>-<year>". The prefix is per municipality
# (by slug, "ishoj=28.09.08-G01,dragoer=28.09.08-G01"), else the default.
CASE_NUMBER_PREFIX = os.environ.get("INKLUSIO_CASE_NUMBER_PREFIX", "28.09.08-G01")
CASE_NUMBER_PREFIXES = dict(
    item.split("=", 1) for item in env_list("INKLUSIO_CASE_NUMBER_PREFIXES", []) if "=" in item
)
LEFT_CHILD_ACCESS_DAYS = int(os.environ.get("INKLUSIO_LEFT_CHILD_ACCESS_DAYS", "90"))
# A partner is invited to a child, a plan or a meeting for a limited time (issue 18.3): the end
# date is required and at most this many months ahead.
PARTNER_INVITATION_MAX_MONTHS = int(os.environ.get("INKLUSIO_PARTNER_INVITATION_MAX_MONTHS", "12"))
# Creating a child with a CPR number that exists answers "already registered": after this many
# such answers in an hour a user may not create children for the rest of the hour.
CHILD_DUPLICATE_CPR_LIMIT = int(os.environ.get("INKLUSIO_CHILD_DUPLICATE_CPR_LIMIT", "5"))

# Number of proxies in front of the app whose X-Forwarded-For we trust for the audit IP.
TRUSTED_PROXY_COUNT = int(os.environ.get("INKLUSIO_TRUSTED_PROXIES", "0"))

# Production logs one JSON object per line (INKLUSIO_LOG_FORMAT=json) for the log collector.
# Log messages name records by their opaque ids, never a child's name, CPR number or free text.
LOG_FORMAT = os.environ.get("INKLUSIO_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "text": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # WeasyPrint reports every rendering step at INFO; only its problems are worth reading.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
