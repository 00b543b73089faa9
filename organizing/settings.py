"""Settings for Majority: one module; each deployment differs by its environment only.

Every variable read here is documented in .env.example.
"""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

from organizing import config
from organizing.config import env

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = config.secret_key(debug=DEBUG)
# Keys retired by a rotation, comma-separated: sessions and emailed links signed or sealed
# with them keep working until they expire.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"] if DEBUG else []
)
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])
# What the emails call the site ("Your login code for Majority"), never its host and port.
SITE_NAME = env.str("SITE_NAME", default="Majority")

INSTALLED_APPS = [
    "members",
    "campaigns",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
]

MIDDLEWARE = [
    # First: the latency Prometheus reads covers every other middleware (organizing/metrics.py).
    "organizing.metrics.RequestLatencyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "organizing.security.NoNulInQueryMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Outside authentication and the idle timeout: it sees the answer to any logout.
    "members.sessions.ClearSiteDataMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in user's pages in the language chosen in Account (members/language.py).
    "members.language.UserLanguageMiddleware",
    # A signed-in member's pages in their committee's time zone (members/clock.py).
    "members.clock.CommitteeTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "organizing.security.NoStoreWhenSignedInMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Both after authentication, messages, htmx and allauth: an idle lead or organizer is logged
    # out first; a signed-in one without a second factor is then sent to enrol.
    "members.sessions.IdleTimeoutMiddleware",
    "members.mfa.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "organizing.urls"
WSGI_APPLICATION = "organizing.wsgi.application"

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
                "members.context_processors.membership",
            ],
            # Dates and times through one set of filters: |day, |when, |clock… and a site's
            # zone with |timezone:zone (no load needed).
            "builtins": ["members.templatetags.dates", "django.templatetags.tz"],
        },
    },
]

# --- Data stores -------------------------------------------------------------------------------

DATABASES = {
    "default": {
        **config.database(default="postgres://postgres@127.0.0.1:5432/majority"),
        # Django's own backend, with a health check that asks the server only when the
        # connection's socket says something happened (organizing/postgres/base.py).
        "ENGINE": "organizing.postgres",
        "CONN_MAX_AGE": env.int("DATABASE_CONN_MAX_AGE", default=60),
        "CONN_HEALTH_CHECKS": True,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = config.redis_url(default="redis://127.0.0.1:6379/0")
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="majority"),
    }
}

# --- Accounts ----------------------------------------------------------------------------------

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "members.forms.SignupExtraForm"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
# allauth's rate limits are on by default; they count in the shared Redis cache, so every web
# process sees the same counters.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "request_login_code": "20/m/ip,3/m/key",
}
# Signup is by invitation only unless the committee opens it.
SIGNUP_OPEN = env.bool("SIGNUP_OPEN", default=False)
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=14)

# Our own rate limits (members/ratelimits.py), "count/period" (s, m, h or d) or "" for none:
# the emailed links per client address, imports and exports per user. Counted in the shared
# cache; if the cache cannot be reached, requests go through (the app needs it anyway).
RATE_LIMITS = {
    "links": env.str("RATE_LIMIT_LINKS", default="60/m"),
    "imports": env.str("RATE_LIMIT_IMPORTS", default="30/h"),
    "exports": env.str("RATE_LIMIT_EXPORTS", default="30/h"),
}
RATELIMIT_FAIL_OPEN = True
# Looking a person up by email or phone (campaigns/roster/matching.py), per user and hour.
PERSON_MATCH_PER_HOUR = env.int("PERSON_MATCH_PER_HOUR", default=60)

# --- Two-factor and sessions ------------------------------------------------------------------

# Leads and organizers see rosters: they must add a second factor (an authenticator app or a
# passkey) before any page but their account's. Members may. Off only for a local demo.
MFA_REQUIRED = env.bool("MFA_REQUIRED", default=True)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Majority"
# A phone's clock a few seconds off must not lock an organizer out: accept the code of the
# 30-second step before and after too.
MFA_TOTP_TOLERANCE = 1
# Passkeys need HTTPS, or plain HTTP on localhost with DEBUG on (open `make run` as
# http://localhost:8000: browsers refuse an IP address such as 127.0.0.1 as a passkey's site).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_PASSKEY_LOGIN_ENABLED = False
# "Log out my other sessions" lists the sessions allauth started at login; tracking every
# request would write to the database on each page view.
USERSESSIONS_TRACK_ACTIVITY = False
# A lead's or organizer's session ends after this many minutes without a request (a phone left
# unlocked on a break-room table); members are not timed out.
# Field mode: how old a page kept on a phone for offline use may be and still be shown.
FIELD_CACHE_HOURS = env.int("FIELD_CACHE_HOURS", default=12)
SESSION_IDLE_TIMEOUT_MINUTES = env.int("SESSION_IDLE_TIMEOUT_MINUTES", default=30)
# Sessions are read from Redis and written through to Postgres: every signed-in request
# skips a database query, and a Redis restart logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# A campaign dashboard is computed at most once per this many seconds (per campaign, filters
# and language): a newly logged conversation shows within them. 0 computes every view.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=5)

# --- Mail --------------------------------------------------------------------------------------

_email = config.email(default="demomail://" if DEBUG else "smtp://localhost:25")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Majority <majority@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
# Seconds to wait on the mail server, at each step of a send (connect, each command, quit).
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
# The outbox's send task (organizing/config.py: outbox_timing). A message a worker claimed is
# its own for OUTBOX_LEASE_SECONDS; if the worker dies, the beat's next run after that hands it
# to another, so a dead worker delays a reminder by the lease and a minute at most. The task is
# killed 10 s before the lease ends, told to stop 10 s before that, and takes no new message
# once the last one might not finish in time (OUTBOX_BATCH_SECONDS).
(
    OUTBOX_LEASE_SECONDS,
    OUTBOX_SEND_TIME_LIMIT,
    OUTBOX_SEND_SOFT_TIME_LIMIT,
    OUTBOX_BATCH_SECONDS,
) = config.outbox_timing(email_timeout=EMAIL_TIMEOUT)
# A failed send is retried after about this many seconds, doubling each time (with jitter).
MAIL_RETRY_BACKOFF_SECONDS = env.int("MAIL_RETRY_BACKOFF_SECONDS", default=30)

# Text messages, for members who chose SMS (organizing/sms.py).
SMS = config.sms(default="console://")

# --- Language and time -------------------------------------------------------------------------

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="en")
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = config.time_zone(default="UTC")
# Phone numbers typed without a +country code are read as numbers of this country (ISO code).
PHONE_REGION = env.str("PHONE_REGION", default="US")
USE_TZ = True
# One date and time format per language, read by members/templatetags/dates.py.
FORMAT_MODULE_PATH = ["organizing.formats"]

# --- Static files ------------------------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security ----------------------------------------------------------------------------------

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies stand in front of the app: the client's address (for rate limits and
# the audit trail) is read that many hops back in X-Forwarded-For. 0 trusts no header.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# The health checks and metrics answer plain HTTP too: a compose healthcheck, an uptime monitor
# or a Prometheus on the private network asks the container directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^healthz/system$", r"^metrics$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
# Sending "preload" commits to nothing until someone submits the domain to the preload list.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin": no referrer ever leaves for another host. Not "no-referrer": with it, browsers
# send `Origin: null` on our own form posts, and Django's CSRF check rightly refuses those.
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Only our own scripts run: no inline script (a nonce where one is unavoidable), no eval, and
# nothing from any other host.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

# --- The OSDI API (campaigns/api) ----------------------------------------------------------------

# Requests per token, as REST framework reads a rate: "120/min", "5000/hour".
API_RATE = env.str("API_RATE", default="120/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["campaigns.api.auth.TokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["campaigns.api.auth.HasToken"],
    "DEFAULT_THROTTLE_CLASSES": ["campaigns.api.auth.TokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["campaigns.api.http.HalJsonRenderer"],
    "EXCEPTION_HANDLER": "campaigns.api.http.osdi_exception_handler",
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "campaigns.api.schema.OsdiSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Majority OSDI API",
    # In the reader's language (?lang=es or Accept-Language), as the operations are.
    "DESCRIPTION": _(
        "People, tags, events and attendances of one committee, in OSDI's HAL+JSON as Action "
        "Network serves it. Send a token as `OSDI-API-Token` (or `Authorization: Bearer`)."
    ),
    "VERSION": "2",
    "SCHEMA_PATH_PREFIX": "/api/v2",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "campaigns.api.schema.without_trailing_slash",
    ],
}

# --- Celery ------------------------------------------------------------------------------------

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="majority")
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 90
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A late-acked task that outlives the visibility timeout is redelivered; keep it well above
# the hard time limit.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# --- Health ------------------------------------------------------------------------------------

# How often the worker and the beat record that they live, and how long each may be silent,
# the outbox late and the last good backup old before /healthz/system answers 503.
HEALTH = config.health()
# The bearer token Prometheus sends to /metrics; without one, /metrics is a 404.
METRICS_TOKEN = config.secret("METRICS_TOKEN")

CELERY_BEAT_SCHEDULE = {
    "send-pending-invitations": {
        "task": "members.tasks.invitations_send_pending",
        "schedule": 60.0,
    },
    "purge-abandoned-imports": {
        "task": "imports.purge_abandoned",
        "schedule": 3600.0,
    },
    # The outbox: invitations, reminders and nudges due now, and retries of failed sends.
    "dispatch-due-outbox": {
        "task": "outbox.dispatch_due",
        "schedule": 60.0,
        "options": {"expires": 55},  # a late one is dropped: the next is on its way
    },
    # The beat's own pulse: sending it records "beat" (members/pulses.py); the worker records
    # its own on a timer, so each one's silence shows apart on /healthz/system.
    "health-pulse": {
        "task": "health.beat_pulse",
        "schedule": float(HEALTH["pulse_seconds"]),
        "options": {"expires": HEALTH["pulse_seconds"]},
    },
    # The dashboards' kept weeks, recomputed where a change reached into the past or a week
    # ended, so that a dashboard opened next only reads them.
    "refresh-dashboard-trends": {
        "task": "dashboards.trends_refresh",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Nudges: the 09:00 digests in each committee's time zone (planning twice is a no-op).
    "plan-nudges": {
        "task": "nudges.plan_due",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Dues reminders: at 10:00 in each committee's time zone, to members fallen behind.
    "plan-dues-reminders": {
        "task": "power.dues_reminders_plan",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
}

# --- Backups -----------------------------------------------------------------------------------

# Nightly encrypted backups (members/backups.py): written into BACKUP_DIR, encrypted to the age
# public key BACKUP_PUBLIC_KEY (or the file BACKUP_PUBLIC_KEY_FILE names); the private key
# stays off the server. With DEBUG on and no key, a demo key pair is made in .data/.
BACKUP_DIR = env.str("BACKUP_DIR", default="") or str(BASE_DIR / ".data" / "backups")
BACKUP_PUBLIC_KEY = env.str("BACKUP_PUBLIC_KEY", default="")
BACKUP_PUBLIC_KEY_FILE = env.str("BACKUP_PUBLIC_KEY_FILE", default="")
# Only where a backup is restored: the private key's file (or restore --identity PATH).
BACKUP_IDENTITY_FILE = env.str("BACKUP_IDENTITY_FILE", default="")
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=7)
BACKUP_KEEP_WEEKLY = env.int("BACKUP_KEEP_WEEKLY", default=4)
# The hour (UTC) of the nightly backup.
BACKUP_HOUR_UTC = env.int("BACKUP_HOUR_UTC", default=3)
CELERY_BEAT_SCHEDULE["backup-nightly"] = {
    "task": "members.tasks.backup_nightly",
    "schedule": crontab(minute=15, hour=BACKUP_HOUR_UTC),
    "options": {"expires": 6 * 3600},
}

# --- Logging -----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# The Django admin shows every roster row to whoever gets in: off unless asked for.
ADMIN_ENABLED = env.bool("ADMIN_ENABLED", default=False)
