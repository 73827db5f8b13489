"""HarmPlan settings: one module, driven by environment variables.

Nothing configured gives the embedded default (SQLite file, filesystem broker, email written to a
folder). DJANGO_ENV=production switches on HTTPS-only behaviour and refuses to start when a required
setting is missing.
"""

from __future__ import annotations

import os
import secrets
import warnings
from pathlib import Path
from typing import TypedDict

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HARMPLAN_VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no setting. Anything but the usual words is an error: a typo is not "no"."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a yes/no value. "
            "Use one of: true, false, 1, 0, yes, no, on, off."
        )
    return word in TRUE_WORDS


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def required(name: str) -> str:
    value = env(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set when DJANGO_ENV=production.")
    return value


PRODUCTION = env("DJANGO_ENV", "development") == "production"
DEBUG = env_bool("DJANGO_DEBUG", False) and not PRODUCTION


def _local_secret_key() -> str:
    # Outside production: the key `start` keeps in var/ (so sessions survive restarts), else one
    # for this process only. Importing settings never writes anything.
    path = VAR_DIR / "secret_key"
    if path.exists():
        return path.read_text().strip()
    return secrets.token_urlsafe(50)


if PRODUCTION:
    SECRET_KEY = required("SECRET_KEY")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or [required("ALLOWED_HOSTS")]
    DATABASES = {"default": dj_database_url.parse(required("DATABASE_URL"), conn_max_age=60)}
else:
    SECRET_KEY = env("SECRET_KEY") or _local_secret_key()
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
    DATABASES = {
        "default": dj_database_url.parse(
            env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'harmplan.sqlite3'}"),
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
        )
    }
# Migrations run as the database owner; the app connects as a role that owns nothing, so it
# cannot rewrite the access log (harmplan/accounts/dbroles.py, deploy/postgres-roles.sh).
DATABASE_MIGRATE = (
    dj_database_url.parse(env("DATABASE_MIGRATE_URL")) if env("DATABASE_MIGRATE_URL") else None
)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the worker share the file: wait for locks rather than fail, and let
    # readers work while one writer writes. (var/ is in the checkout; `start` makes a new one.)
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["pool"] = False
    # PostgreSQL's JIT compiles a query plan when its estimated cost is high; for this app's short
    # queries (the program report included) compiling costs more than it saves.
    options.setdefault("options", "-c jit=off")
    # PostgreSQL binds the parameters and prepares a statement the third time a connection sends
    # it: each page sends the same few queries every time, and parsing and planning them cost the
    # database more than running them (README, Benchmarks). Off for a PgBouncer in transaction
    # mode older than 1.21 or without max_prepared_statements (README, Deploying).
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        options["server_side_binding"] = True
        options["prepare_threshold"] = 2
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

INSTALLED_APPS = [
    "harmplan.accounts",
    "harmplan",
    "strategies",
    "plans",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "template_partials",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "harmplan.middleware.resolved_user",
    "harmplan.accounts.sessions.middleware.SessionLimitsMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "harmplan.accounts.twofactor.middleware.SecondFactorMiddleware",
    "harmplan.accounts.language.person_language",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "harmplan.middleware.private_responses",
    "harmplan.middleware.local_time_zone",
    "harmplan.middleware.permissions_policy",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "harmplan.urls"
WSGI_APPLICATION = "harmplan.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = None  # show "You are signed out", useful on a shared phone

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
                "harmplan.context_processors.harmplan",
            ],
            # `{% url %}` remembered (harmplan/urls_memo.py): a page reverses 20-45 URLs.
            "builtins": ["harmplan.urls_memo"],
        },
    }
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "harmplan.accounts.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}"}
    for name in (
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    )
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 2

# Repeated failed logins lock out that username from that address only, so one person's typos or an
# attacker guessing one account never lock out everyone else on a shared clinic network.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Per real client behind the proxy: the same address the access log records.
AXES_CLIENT_IP_CALLABLE = "harmplan.accounts.access.client_ip"
AXES_SENSITIVE_PARAMETERS = ["password"]
AXES_VERBOSE = False

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("HARMPLAN_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Outside production WhiteNoise serves from the finders; a missing STATIC_ROOT is expected there.
warnings.filterwarnings("ignore", message="No directory at: ")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Sessions: short-lived, because phones and clinic computers are shared. The server ends a session
# after HARMPLAN_SESSION_IDLE_MINUTES without a request (an organization may choose less for its
# clients) and HARMPLAN_SESSION_MAX_HOURS after signing in, whatever the cookie says.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 12)
HARMPLAN_SESSION_IDLE_MINUTES = env_int("HARMPLAN_SESSION_IDLE_MINUTES", 30)
HARMPLAN_SESSION_MAX_HOURS = env_int("HARMPLAN_SESSION_MAX_HOURS", 12)

# Two-step sign-in (django-otp): required for counselors, org admins and staff. "optional" is for
# trying things out and is refused in production.
HARMPLAN_STAFF_2FA = env("HARMPLAN_STAFF_2FA", "required")
if HARMPLAN_STAFF_2FA not in {"required", "optional"}:
    raise ImproperlyConfigured("HARMPLAN_STAFF_2FA must be 'required' or 'optional'.")
if PRODUCTION and HARMPLAN_STAFF_2FA != "required":
    raise ImproperlyConfigured("HARMPLAN_STAFF_2FA=optional is refused when DJANGO_ENV=production.")
OTP_TOTP_ISSUER = env("HARMPLAN_OTP_ISSUER", "HarmPlan")
OTP_TOTP_THROTTLE_FACTOR = 1  # waits of 1, 2, 4, 8 … seconds after each wrong code
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "harmplan.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Email: SMTP when EMAIL_HOST is set, otherwise messages are written to var/mail.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
if env("EMAIL_BACKEND"):
    EMAIL_BACKEND = env("EMAIL_BACKEND")
elif env("EMAIL_HOST") or PRODUCTION:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Check-in <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# Text messages (reminders): written to var/sms unless a gateway is set up. Twilio's API, or a
# gateway that copies it: SMS_BACKEND=plans.reminders.sms.TwilioBackend and SMS_TWILIO_*.
SMS_BACKEND = env("SMS_BACKEND", "" if PRODUCTION else "plans.reminders.sms.FileBackend")
SMS_FILE_PATH = env("SMS_FILE_PATH", str(VAR_DIR / "sms"))
SMS_TWILIO = {
    "BASE_URL": env("SMS_TWILIO_BASE_URL", "https://api.twilio.com"),
    "ACCOUNT_SID": env("SMS_TWILIO_ACCOUNT_SID"),
    "AUTH_TOKEN": env("SMS_TWILIO_AUTH_TOKEN"),
    "FROM": env("SMS_TWILIO_FROM"),
    "MESSAGING_SERVICE_SID": env("SMS_TWILIO_MESSAGING_SERVICE_SID"),
    "TIMEOUT": env_int("SMS_TWILIO_TIMEOUT", 10),
}

# Cache: counters for throttling invitation codes and usernames. Redis in production and tests
# (CACHE_URL, a database of its own so clearing it never touches the Celery queue); otherwise
# files in var/cache, shared by the embedded default's processes.
if env("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "harmplan.redis_cache.RedisCache",
            "LOCATION": env("CACHE_URL"),
            "KEY_PREFIX": "harmplan",
            # Sessions are read from here on every request: a stuck Redis must not hang pages
            # (the session is then read from the database).
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
# Each process's own copies of the fragments it used last (harmplan/fragments.py): at most 256
# of at most 64 K characters each, so under 32 MB (str of ASCII) a worker.
CACHES["recent_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "recent-fragments",
    "OPTIONS": {"MAX_ENTRIES": 256},
}

# Celery: Redis when configured; otherwise kombu's filesystem transport, so the embedded default
# runs a real worker and beat with no broker server.
BROKER_DIR = VAR_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL") or env("REDIS_URL") or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 10}
CELERY_TASK_IGNORE_RESULT = True
# One queue for everything. Tests give their own workers a queue of their own.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", "celery")
# Celery's Django fixup would open a new database connection for every task; with this set it
# leaves connections to Django's CONN_MAX_AGE, checked around each task (harmplan/celery.py).
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Beat ticks at the start of every minute (UTC). A tick that waited longer than its minute is
# dropped: the next one claims the same rows, because the work is claimed by row state.
CELERY_BEAT_SCHEDULE = {
    "reminders-dispatch": {
        "task": "plans.tasks.dispatch_due",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    "reminders-sweep": {
        "task": "plans.tasks.sweep_stuck",
        "schedule": crontab(),
        "options": {"expires": 55},
    },
    # Counselors' "plan reviews due" email, once a day (plans/reminders/digests.py).
    "review-digests": {
        "task": "plans.tasks.review_digests",
        "schedule": crontab(minute=5),
        "options": {"expires": 60 * 50},
    },
    # Consents whose end date has passed stop, with their links (plans/records/services.py). The
    # shared page checks the date itself too, so a late tick never lets a link work longer.
    "records-expire-consents": {
        "task": "plans.records.tasks.expire_consents",
        "schedule": crontab(minute="*/5"),
        "options": {"expires": 60 * 4},
    },
    # Closed accounts whose grace period is over are deleted (plans/records/closing.py).
    "records-delete-closed-accounts": {
        "task": "plans.records.tasks.delete_closed_accounts",
        "schedule": crontab(minute=20),
        "options": {"expires": 60 * 50},
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Sessions: with the Redis cache (CACHE_URL, the production layout) sessions are cached_db: read
# from Redis, so a signed-in page costs no session query, and written through to the database, so
# a session can still be listed or ended by its row and survives a Redis restart. End a session
# with SessionStore(key).delete() (it clears both), not a queryset delete. Signed cookies would cost
# nothing either, but a copied cookie would stay valid after sign-out and a goal's draft answers
# would have to fit in a cookie. Without Redis (the embedded default) sessions stay in the database.
if env("CACHE_URL"):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


class HarmPlanSettings(TypedDict):
    """HarmPlan's own settings, typed so that code reading them gets a str, an int or a float."""

    DEFAULT_EMERGENCY_NUMBER: str
    INVITATION_DAYS: int
    SITE_URL: str
    DEFAULT_TIME_ZONE: str
    REMINDER_FROM_EMAIL: str
    SEND_MAX_ATTEMPTS: int
    SEND_RETRY_BASE_SECONDS: float
    SEND_RETRY_MAX_SECONDS: float
    PROXY_COUNT: int
    DATABASE_APP_ROLE: str
    DISPLAY_NAME: str
    ICON: str
    EXIT_URL: str


HARMPLAN: HarmPlanSettings = {
    # What signed-out pages show (sign-in, help, the web app manifest); signed-in people see their
    # organization's choice. Neutral by default: a phone's screen may be seen by others.
    "DISPLAY_NAME": env("HARMPLAN_DISPLAY_NAME", "Check-in"),
    "ICON": env("HARMPLAN_ICON", "icons/check.svg"),
    "EXIT_URL": env("HARMPLAN_EXIT_URL", "https://www.bbc.co.uk/weather"),
    # Shown on the help page when a person is not logged in or their organization has none set.
    "DEFAULT_EMERGENCY_NUMBER": env("HARMPLAN_EMERGENCY_NUMBER", "911"),
    "INVITATION_DAYS": env_int("HARMPLAN_INVITATION_DAYS", 7),
    # Proxies of ours in front of the app (each adds one X-Forwarded-For entry). 0 trusts none,
    # so a client cannot make up its address; behind the README's TLS proxy it is 1.
    "PROXY_COUNT": env_int("HARMPLAN_PROXY_COUNT", env_int("PROXY_COUNT", 0)),
    # The role `migrate` grants table rights to: the one in DATABASE_URL, when a separate owner
    # role runs the migrations.
    "DATABASE_APP_ROLE": DATABASES["default"].get("USER", "") if DATABASE_MIGRATE else "",
    # Links in reminders point here. Use a neutral domain: the address is seen on lock screens.
    "SITE_URL": env("SITE_URL")
    or (f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else f"http://localhost:{env('PORT', '8000')}"),
    "DEFAULT_TIME_ZONE": env("HARMPLAN_TIME_ZONE", "America/New_York"),
    # The sender's name comes from the organization; only this address is used.
    "REMINDER_FROM_EMAIL": env("REMINDER_FROM_EMAIL") or DEFAULT_FROM_EMAIL,
    # One retry policy for everything sent out (harmplan/emails.py). The REMINDER_* names are
    # still read, for deployments configured before the policy covered every message.
    "SEND_MAX_ATTEMPTS": env_int("SEND_MAX_ATTEMPTS", env_int("REMINDER_MAX_ATTEMPTS", 6)),
    "SEND_RETRY_BASE_SECONDS": float(
        env("SEND_RETRY_BASE_SECONDS", env("REMINDER_RETRY_BASE_SECONDS", "15"))
    ),
    "SEND_RETRY_MAX_SECONDS": float(
        env("SEND_RETRY_MAX_SECONDS", env("REMINDER_RETRY_MAX_SECONDS", "300"))
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Paths lose their secrets (invitation, calendar, pause and reset tokens): harmplan/logs.py.
    "filters": {"redact_secret_paths": {"()": "harmplan.logs.RedactSecretPaths"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_secret_paths"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs can carry user input in query strings; keep only warnings and errors.
        "django.request": {"level": "WARNING", "filters": ["redact_secret_paths"]},
        "django.server": {"filters": ["redact_secret_paths"]},
        "axes": {"level": "WARNING"},
        # WeasyPrint reports each step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

FORM_RENDERER = "harmplan.forms.FormRenderer"

# What other apps add to a strategy page (strategies/views.py: the catalog does not import plans).
STRATEGY_PAGE_PARTS = ["plans.goals.strategy_page.add_to_goal"]
