"""One settings module, driven by environment variables.

Development defaults are safe and need nothing: SQLite under var/, console e-mail, tasks run
in-process. Production (DEBUG off) refuses to start without its secrets.
"""

import copy
import ipaddress
import logging
from pathlib import Path
from urllib.parse import urlsplit

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

from events.geo import COUNTRY_CENTRES
from meetandcode.kernel.object_storage import VARIABLES as S3_VARIABLES
from meetandcode.kernel.object_storage import s3_storages

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
env.smart_cast = False
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

log = logging.getLogger("meetandcode.settings")

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default=False)


def _required(name: str, dev_default: str) -> str:
    """A secret: a development default under DEBUG, a hard failure in production."""
    value = env.str(name, default="")
    if value:
        return value
    if DEBUG or TESTING:
        return dev_default
    raise ImproperlyConfigured(f"Set the environment variable {name} (DEBUG is off).")


SECRET_KEY = _required("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production-0123456789")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
# The name e-mails and pages give the site, the same in every language.
SITE_NAME = env.str("SITE_NAME", default="Meet and Code Grants")

INSTALLED_APPS = [
    "programmes",
    "organisations",
    "grants",
    "events",
    "modeltranslation",  # before the admin, as its documentation asks
    "meetandcode.apps.AdminConfig",  # django.contrib.admin with the guarded site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "django_countries",
    "ninja",  # its Swagger UI's static files, for /api/docs/ (nothing from a CDN)
    "meetandcode.api",
]

MIDDLEWARE = [
    "meetandcode.kernel.metrics.RequestMetricsMiddleware",  # first: it times all the rest
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "events.feed_cache.FeedFastPathMiddleware",  # cached feeds, before sessions and the rest
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "meetandcode.middleware.PrivatePagesMiddleware",  # private, no-store for signed-in people
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "meetandcode.middleware.HtmxSessionEndedMiddleware",
    "organisations.privacy.ConsentMiddleware",
]

ROOT_URLCONF = "meetandcode.urls"
WSGI_APPLICATION = "meetandcode.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "meetandcode.context_processors.site",
                # One CSRF token a request (Django's own makes one per use): kept public pages
                # give each visitor their own (meetandcode.kernel.page_cache).
                "meetandcode.kernel.page_cache.csrf_token",
            ],
            # |money and |in_language in every template, e-mails and letters included.
            "builtins": ["meetandcode.kernel.formatting"],
        },
    },
]

# Django's form renderer with the commonest widgets written in Python, the same HTML (issue 19).
FORM_RENDERER = "meetandcode.kernel.form_renderer.FormRenderer"

# --- Database ------------------------------------------
# DATABASE_URL selects PostgreSQL (psycopg 3 with Django's connection pool); unset, SQLite in var/.
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # With the pool this also checks each connection before lending it (Django passes psycopg's
    # ConnectionPool.check_connection): after a PostgreSQL restart the dead ones are replaced
    # instead of failing a request (tests/faults/test_postgres_restart.py).
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Our queries are short: PostgreSQL's JIT cost ~100 ms compiling a 240 ms queue query.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # Prepared statements: with parameters bound by the server, psycopg prepares a query run
    # more than five times on a connection (the pool keeps connections, and so their prepared
    # queries), so PostgreSQL stops parsing and planning the pages' same queries at every
    # request: planning the queue's rows took longer than running them (bench/results.md).
    # DB_PREPARED_STATEMENTS=0 behind a pooler that cannot keep them (PgBouncer's transaction
    # mode without max_prepared_statements): Django's default, parameters bound by psycopg.
    if env.bool("DB_PREPARED_STATEMENTS", default=True):
        DATABASES["default"]["OPTIONS"]["server_side_binding"] = True
        DATABASES["default"]["OPTIONS"]["prepare_threshold"] = 5
    if env.bool("DB_POOL", default=True):
        # The pool keeps connections itself: CONN_MAX_AGE must stay 0 with it.
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DB_POOL_MIN", default=1),
            "max_size": env.int("DB_POOL_MAX", default=10),
            "timeout": env.int("DB_POOL_TIMEOUT", default=10),
        }
    else:
        DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # make run's web server and its Celery worker write to one file at once. WAL lets readers
    # go on beside a writer; a transaction takes the write lock when it begins (IMMEDIATE), so
    # two writers queue for up to the busy timeout instead of one failing with "database is
    # locked" when both upgrade a read lock (select_for_update does nothing on SQLite).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
        }
    )

# A streaming replica for the reads that may be a few seconds old (meetandcode.kernel.replica):
# the same settings as the primary's, another server. Unset: every query goes to the primary.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL.")
    _server = ("NAME", "USER", "PASSWORD", "HOST", "PORT")
    _replica = {
        key: value for key, value in env.db("DATABASE_REPLICA_URL").items() if key in _server
    }
    DATABASES["replica"] = copy.deepcopy(DATABASES["default"]) | _replica
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests: the test database itself
    if "pool" in DATABASES["replica"].get("OPTIONS", {}):
        # A replica that does not answer costs a public page this long before the primary
        # answers it (then this process leaves the replica alone for a while).
        DATABASES["replica"]["OPTIONS"]["pool"]["timeout"] = env.int("DB_REPLICA_TIMEOUT", 2)
    DATABASE_ROUTERS = ["meetandcode.kernel.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Metrics (/metrics, Prometheus' text format; docs/operations.md) --------------------------
# Who may read them: a scraper that sends "Authorization: Bearer <METRICS_TOKEN>", or one whose
# address (behind TRUSTED_PROXY_COUNT proxies) is in METRICS_ALLOWED_NETWORKS (comma-separated
# CIDRs, e.g. 10.0.0.0/8). With neither set, /metrics answers 404.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
for _network in METRICS_ALLOWED_NETWORKS:
    ipaddress.ip_network(_network, strict=False)  # a typo stops the start, not every scrape

# --- Redis: cache and Celery broker ------------------------------------------
# REDIS_URL unset means "no Redis here": a local cache, and tasks run in-process (make run decides
# by asking Redis whether it answers, and says which it chose).
REDIS_URL = env.str("REDIS_URL", default="")
# A frozen Redis (stopped, or a network that drops packets) must not hang a web request: every
# Redis call (cache, broker publish) gives up after this many seconds, and what could not be
# queued is left to the outbox and letter sweeps (docs/faults.md).
REDIS_TIMEOUT_SECONDS = env.float("REDIS_TIMEOUT_SECONDS", default=1.0)
# After a Redis call failed, this process leaves Redis alone this long
# (meetandcode.kernel.redis_outage): a request pays at most one timeout, not one per cache
# call and task.
REDIS_RETRY_AFTER_SECONDS = env.float("REDIS_RETRY_AFTER_SECONDS", default=5.0)
# Each web process keeps the feeds' latest answers in memory up to this many bytes
# (events.feed_cache); Redis stays the level the processes share. 0 turns it off.
FEED_MEMORY_CACHE_BYTES = env.int("FEED_MEMORY_CACHE_BYTES", default=256 * 1024 * 1024)
# Seconds the home page, the event map, event pages and impact stay kept whole for visitors not
# signed in (meetandcode.kernel.page_cache); 0 renders them for every request.
PUBLIC_PAGE_SECONDS = env.int("PUBLIC_PAGE_SECONDS", default=30)

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "meetandcode.kernel.redis_outage.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mc"),
            "OPTIONS": {
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task a worker took but never acknowledged (the worker was killed) goes back to the queue after
# the visibility timeout. Keep it above the longest task and the longest retry countdown (9 min),
# or Redis hands a task still running or waiting to a second worker (docs/configuration.md).
BROKER_VISIBILITY_TIMEOUT = env.int("BROKER_VISIBILITY_TIMEOUT", default=3600)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": REDIS_TIMEOUT_SECONDS,
    "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT,
    # A publish that fails tries once more, at once (kombu would wait 2 s first): a web request
    # spends at most two timeouts on a Redis that does not answer, then the sweeps take over.
    "max_retries": 1,
    "interval_start": 0,
}
# A notification "sending" this long (seconds) was lost by its worker: a redelivered task or the
# sweep may send it. Keep it well above the longest send (the SMTP timeout is 10 s).
NOTIFICATION_CLAIM_TIMEOUT = env.int("NOTIFICATION_CLAIM_TIMEOUT", default=600)
# A fresh notification's own task is on its way: the sweep leaves it this long (seconds).
NOTIFICATION_ENQUEUE_GRACE = env.int("NOTIFICATION_ENQUEUE_GRACE", default=60)
# The first retry of a notification whose mail server answered "try later" (4xx), in seconds;
# each further retry waits twice as long (organisations.delivery.retry_countdown).
NOTIFICATION_RETRY_SECONDS = env.int("NOTIFICATION_RETRY_SECONDS", default=30)
CELERY_TASK_DEFAULT_QUEUE = "meetandcode"
# Celery's own beat schedule (django-celery-beat does not support Django 6.1 yet).
CELERY_BEAT_SCHEDULE: dict = {
    # Notifications whose task was lost (broker down at commit, a worker killed) go out late.
    "send-pending-notifications": {
        "task": "organisations.tasks.send_pending_notifications",
        "schedule": env.float("NOTIFICATION_SWEEP_SECONDS", default=60.0),
    },
    # Webhook deliveries whose next attempt has come (retries), or whose task was lost.
    "send-due-webhooks": {
        "task": "meetandcode.api.tasks.send_due_webhooks",
        "schedule": env.float("WEBHOOK_SWEEP_SECONDS", default=30.0),
    },
    # Award letters whose task was lost (broker down at commit) are built late, never missing.
    "build-missing-award-letters": {
        "task": "grants.tasks.build_missing_award_letters",
        "schedule": env.float("LETTER_SWEEP_SECONDS", default=300.0),
    },
    # Reminders (grants/reminders.py): each is recorded, so a run repeated or late sends nothing
    # twice. Crontab hours are in Celery's time zone, which follows TIME_ZONE (Europe/Brussels).
    "send-report-reminders": {
        "task": "grants.tasks.send_report_reminders",
        "schedule": crontab(minute=5),
    },
    "send-draft-deadline-reminders": {
        "task": "grants.tasks.send_draft_deadline_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "send-partner-review-digests": {
        "task": "grants.tasks.send_partner_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Retention (organisations/privacy.py): idempotent, so a repeated or late run is harmless.
    "purge-old-data": {
        "task": "organisations.tasks.purge_old_data",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Unsubmitted drafts get one reminder when their application deadline is this many days away.
DRAFT_REMINDER_DAYS = env.int("DRAFT_REMINDER_DAYS", default=5)
if not REDIS_URL and not TESTING:
    log.warning("REDIS_URL is not set: Celery tasks run in-process (no worker, no beat).")

# --- Privacy ------------------------------------------
# Raise the version when the privacy notice changes: signed-in people are asked to accept it.
PRIVACY_NOTICE_VERSION = env.str("PRIVACY_NOTICE_VERSION", default="2026-11")
# Personal data of an edition is removed this many days after its events ended (3 years).
RETENTION_DAYS = env.int("RETENTION_DAYS", default=1095)
# Replaces an organisation's contact when its last owner deletes their account.
PRIVACY_NEUTRAL_CONTACT_EMAIL = env.str(
    "PRIVACY_NEUTRAL_CONTACT_EMAIL", default="no-contact@meetandcode.invalid"
)
# Named in the privacy notice (templates/privacy.html) as the controller: check before launch.
PRIVACY_CONTROLLER = env.str(
    "PRIVACY_CONTROLLER",
    default="Haus des Stiftens gGmbH, Munich, Germany, which runs Meet and Code",
)
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="privacy@meet-and-code.org")

# --- Accounts ------------------------------------------
AUTH_USER_MODEL = "organisations.User"
AUTHENTICATION_BACKENDS = ["organisations.auth.DemoAwareAuthenticationBackend"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_ADAPTER = "organisations.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
# Sign-up asks for the privacy notice to be accepted, recorded with PRIVACY_NOTICE_VERSION.
ACCOUNT_SIGNUP_FORM_CLASS = "organisations.forms.PrivacyConsentSignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env.str("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
# Following the link in the verification mail logs the person in (same browser session), so the
# journey goes on from sign-up to the organisation form without typing the password again.
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# One address per account, changed by verifying the new one (no list of addresses to manage).
ACCOUNT_CHANGE_EMAIL = True
# Changing the e-mail or the password, and two-factor settings, ask for the password again when
# the last login is older than ACCOUNT_REAUTHENTICATION_TIMEOUT (allauth's default, 5 minutes).
ACCOUNT_REAUTHENTICATION_REQUIRED = True
# A mail to the person on password, e-mail and two-factor changes: they learn of a takeover.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Meet and Code] "
# Counted in the cache (Redis in production). A failed login counts against the account (key)
# and the address (ip): the sixth wrong password for one account within a minute is refused,
# while other accounts still log in. Sign-up and password-reset mails are limited per address.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/m/key",
    "signup": "5/m/ip,30/h/ip",
    "reset_password": "5/m/ip,3/m/key",
    "reset_password_from_key": "10/m/ip",
}
# Behind the reverse proxy every request comes from the proxy's address: set TRUSTED_PROXY_COUNT=1
# there so the per-address limits count the client's address (X-Forwarded-For) instead.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# The API's rate limits (meetandcode/api/throttles.py): per personal token, and per address for
# requests without one (the public endpoints).
API_RATE_PER_TOKEN = env.str("API_RATE_PER_TOKEN", default="600/m")
API_RATE_PER_ADDRESS = env.str("API_RATE_PER_ADDRESS", default="120/m")
# Hosts a webhook may be sent to although they are not public, over http too: none. The test
# suite puts its loopback receiver here (meetandcode/kernel/webhook_http.py); not an environment
# variable, so that no installation opens its own network by a setting.
WEBHOOK_ALLOWED_HOSTS: list[str] = []
# A webhook's connection and each read wait at most this many seconds.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
# The pauses before each further attempt of a failed delivery; then it is "failed" (8 attempts
# over about a day and a half by default).
WEBHOOK_RETRY_SECONDS = [
    int(seconds)
    for seconds in env.list(
        "WEBHOOK_RETRY_SECONDS", default=["60", "300", "1800", "7200", "21600", "43200", "43200"]
    )
]
# Optional two-factor for applicants: an authenticator app (TOTP) with recovery codes.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Meet and Code"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "organisations.password_validation.DecoratedCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- E-mail ------------------------------------------
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_BACKEND_PATH = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.console.EmailBackend" if DEBUG else SMTP_BACKEND,
)
# Django 6.1's MAILERS (the EMAIL_HOST... settings are deprecated); same environment variables.
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": {}}}
if EMAIL_BACKEND_PATH == SMTP_BACKEND:
    MAILERS["default"]["OPTIONS"] = {
        "host": env.str("EMAIL_HOST", default="localhost"),
        "port": env.int("EMAIL_PORT", default=25),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("EMAIL_USE_TLS", default=False),
        "timeout": 10,
    }
elif env.str("EMAIL_FILE_PATH", default=""):
    # The file backend (or a subclass) writes the messages to files in this folder.
    MAILERS["default"]["OPTIONS"] = {"file_path": env.str("EMAIL_FILE_PATH")}
# From the site's own host: SITE_URL https://grants.example.org sends as grants@grants.example.org.
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL",
    default=f"{SITE_NAME} <grants@{urlsplit(SITE_URL).hostname or 'localhost'}>",
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation ------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("de", _("German")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("it", _("Italian")),
    ("pl", _("Polish")),
    ("ro", _("Romanian")),
    ("es", _("Spanish")),
    ("uk", _("Ukrainian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Staff-edited texts (FAQ, library, criteria, focus groups) in every language of the site
# (django-modeltranslation, */translation.py); a missing translation shows the English text.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True
# Dates for the reader's language: templates and code ask for a named format ("DATE_FORMAT"),
# never a pattern. meetandcode/formats/en/ keeps English British ("5 December 2026, 18:00").
FORMAT_MODULE_PATH = ["meetandcode.formats"]

# --- Static and media files ------------------------------------------
# whitenoise serves STATIC_ROOT (collected, hashed and compressed when the image is built); media
# holds uploads and award letters, on a volume the web and the worker containers share.
STATIC_URL = "/static/"
STATIC_ROOT = env.str("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
if DEBUG or TESTING:  # whitenoise warns on every request when STATIC_ROOT is missing
    Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(VAR_DIR / "media"))
MEDIA_URL = "/media/"  # never served publicly: uploads go through permission-checked views
# Award letters: a directory no URL maps to; only permission-checked views read it. The web and
# the worker must share it (one volume in docker-compose).
PRIVATE_MEDIA_ROOT = env.str("PRIVATE_MEDIA_ROOT", default=str(VAR_DIR / "private"))
# Seconds an award letter's render may go on fetching its static files (grants.letters).
LETTER_RENDER_TIME_LIMIT = 30
# Request bodies: form fields at most 2.5 MB, files kept in memory up to 2.5 MB (then spooled to
# disk; the upload code refuses files over 10 MB, the library over 20 MB), at most 25 files in a
# request (a report takes 20 of a kind). Over the limit Django answers 400 and stores nothing.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 25
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": "/not-served/"},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Object storage (S3 or compatible: MinIO, Ceph, a cloud's) instead of the two folders, for
# several hosts: S3_PRIVATE_BUCKET and S3_PUBLIC_BUCKET both set turn it on (docs/deploy.md).
# The private bucket must not be readable by the public: the app reads its files and streams
# them after its permission check. The public one holds the resource library's files.
S3_PUBLIC_BUCKET = env.str("S3_PUBLIC_BUCKET", default="")
S3_PRIVATE_BUCKET = env.str("S3_PRIVATE_BUCKET", default="")
if bool(S3_PUBLIC_BUCKET) != bool(S3_PRIVATE_BUCKET):
    raise ImproperlyConfigured("Set both S3_PUBLIC_BUCKET and S3_PRIVATE_BUCKET, or neither.")
if S3_PRIVATE_BUCKET:
    STORAGES |= s3_storages({name: env.str(name, default="") for name in S3_VARIABLES})
# whitenoise knows no .geojson type: without this the map feed goes out as octet-stream. With it,
# the feed goes out as GeoJSON and, like every compressed static file, as its pre-built .gz.
WHITENOISE_MIMETYPES = {".geojson": "application/geo+json"}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security (production) ------------------------------------------
# `manage.py check --deploy --fail-level WARNING` must stay silent with DEBUG off
# (tests/meetandcode/test_production_settings.py runs it).
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if not DEBUG and not TESTING:
    # TLS ends at the reverse proxy, which must set X-Forwarded-Proto (overwriting what the client
    # sent) and forward the Host header; only the proxy can reach the app (docs/deploy.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Health probes (the container's own, a load balancer's) speak plain HTTP to the app itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Maps ------------------------------------------
# Map tiles come from a tile server at run time (OpenStreetMap's own by default, fine for a small
# site under its usage policy; a bigger one sets its provider's URL and the attribution it asks
# for). Leaflet itself is vendored (static/vendor/leaflet/). MAP_DEFAULT_CENTRES: where a country's
# map starts, (latitude, longitude, zoom) per country code (events/geo.py).
# Under the tiles the maps draw the vendored country outlines (static/vendor/world-atlas/). An
# empty value (`MAP_TILE_URL=`: set but empty gives "", not the default) switches tiles off: the
# outlines alone, no tile host in the CSP, no request to another site.
MAP_TILE_URL = env.str("MAP_TILE_URL", default="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
# Content-Security-Policy, enforced everywhere (development and tests too, so the browser tests
# see a violation): our own files only, scripts also with the per-request nonce
# (`nonce="{{ csp_nonce }}"`), images also from the map tile host. Style attributes
# (style="max-width: ...") stay allowed: they cannot run code; <style> and style sheets cannot.
# The embeddable map (events.views_public.embed_map) overrides frame-ancestors.
_tile_url = urlsplit(MAP_TILE_URL)
MAP_TILE_ORIGIN = f"{_tile_url.scheme}://{_tile_url.netloc}" if _tile_url.netloc else ""
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", *([MAP_TILE_ORIGIN] if MAP_TILE_ORIGIN else [])],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
# Shown only with tiles (events.geo.map_layers); the outlines carry their own credit.
MAP_TILE_ATTRIBUTION = env.str(
    "MAP_TILE_ATTRIBUTION",
    default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
    " contributors",
)
MAP_DEFAULT_CENTRES = COUNTRY_CENTRES

# --- Programme ------------------------------------------
PROGRAMME_NAME = "Meet and Code"
# The fixed demo logins' shared password; demo accounts cannot log in when DEBUG is off.
DEMO_PASSWORD = "demo-meetandcode"  # noqa: S105 (a published demo password, DEBUG only)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # weasyprint.progress logs every rendering step at INFO (even at import): too chatty.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}
