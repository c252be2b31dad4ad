"""Settings for Verbund, read from the environment (see .env.example).

With nothing configured, Verbund runs on an embedded default: a SQLite file, a Celery
broker on the local file system, a file-based cache, and emails written to the console
and to files under var/mail/.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

# Without DEBUG the key must come from the environment. An empty key still lets commands
# that never sign anything run (migrations, checks); Django refuses every use of it, and
# the web application refuses to start (verbund/startup.py).
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "insecure-development-key-only-for-debug-mode-0123456789abcdef"  # noqa: S105

SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "csp",
    "members",
    "cms",
    "workshops",
    "tasks",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "ninja",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "verbund.middleware.PublicPageCacheMiddleware",
    "verbund.middleware.CacheHeadersMiddleware",
    "verbund.middleware.ContentSecurityPolicyMiddleware",
    "verbund.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "verbund.middleware.LanguageMiddleware",
    "verbund.middleware.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "members.middleware.StaffMfaMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

# The site keeps its own copy of anonymous public pages for a minute (their s-maxage):
# for a site without a caching reverse proxy in front.
PAGE_CACHE = env.bool("PAGE_CACHE", default=False)

ROOT_URLCONF = "verbund.urls"
WSGI_APPLICATION = "verbund.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "members.context_processors.member_roles",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'verbund.sqlite3'}")
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(exist_ok=True)
    # Web processes and the worker share one file. Every transaction takes the write lock
    # when it begins (a read that turns into a write would otherwise fail at once with
    # "database is locked", whatever the timeout), waits up to 20 s for a busy writer, and
    # WAL lets pages read while somebody writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        }
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker ---------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Falls back to a per-process cache while Redis is down (verbund/cache.py).
            "BACKEND": "verbund.cache.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "verbund",
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    # A file cache is shared by every process on the machine, so login rate limits hold.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    CELERY_QUEUE_DIR = Path(env.str("CELERY_QUEUE_DIR", default=str(VAR_DIR / "celery")))
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_QUEUE_DIR / "queue"),
        "data_folder_out": str(CELERY_QUEUE_DIR / "queue"),
        "control_folder": str(CELERY_QUEUE_DIR / "control"),
        "store_processed": False,
    }
    for folder in ("queue", "control"):
        (CELERY_QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)

CELERY_TIMEZONE = "Europe/Berlin"
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_TIME_LIMIT = 120
CELERY_TASK_SOFT_TIME_LIMIT = 100
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker that is down must not hold up a request: give up publishing quickly; the
# outbox sweeper enqueues the row again once the broker is back.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BEAT_SCHEDULE = {
    # Every 15 s, so mail held by a dead worker goes out again within a minute
    # (OUTBOX_REENQUEUE_AFTER_SECONDS + this).
    "sweep-outbox": {
        "task": "tasks.tasks.sweep_outbox",
        "schedule": 15.0,
    },
    "expire-waitlist-offers": {
        "task": "workshops.tasks.expire_waitlist_offers",
        "schedule": 60.0,
    },
    "queue-thank-you-notes": {
        "task": "workshops.tasks.queue_thank_you_notes",
        "schedule": 15 * 60.0,
    },
    "notify-saved-searches": {
        "task": "members.tasks.notify_saved_searches",
        "schedule": 15 * 60.0,
    },
    "queue-firm-digests": {
        "task": "workshops.tasks.queue_firm_digests",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon"),
    },
    "queue-staff-digests": {
        "task": "workshops.tasks.queue_staff_digests",
        "schedule": crontab(minute=0, hour=7),
    },
}

# --- Notifications ---------------------------------------------------------------------
VERBUND_OUTBOX = {
    # Failed deliveries are tried again after 1, 2, 4, ... minutes (at most an hour apart);
    # after MAX_ATTEMPTS the row is marked failed for staff to look at.
    "MAX_ATTEMPTS": env.int("OUTBOX_MAX_ATTEMPTS", default=8),
    "RETRY_FIRST_SECONDS": env.int("OUTBOX_RETRY_FIRST_SECONDS", default=60),
    # A row handed to the broker that is still pending after this long is enqueued again.
    # A delivery takes well under a second; an SMTP server that hangs is given up after
    # EMAIL_TIMEOUT (30 s), so 45 s only catches rows whose worker died. A row that arrives
    # twice is still sent once: delivery locks it and sends only what is pending.
    "REENQUEUE_AFTER_SECONDS": env.int("OUTBOX_REENQUEUE_AFTER_SECONDS", default=45),
    "SWEEP_BATCH": 5000,
}
# Reminders go out this many days before a date's first part, at the same time of day.
VERBUND_REMINDER_DAYS = env.list("REMINDER_DAYS", cast=int, default=[7, 1])

# --- Email -----------------------------------------------------------------------------
# EMAIL_BACKEND queues every message for the Celery worker; the worker hands it to the
# delivery backend configured by EMAIL_URL (default: console plus one file per message).
MAIL_DIR = Path(env.str("MAIL_DIR", default=str(VAR_DIR / "mail")))
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _email = env.email_url("EMAIL_URL")
    VERBUND_DELIVERY_EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
    globals().update(_email)
else:
    VERBUND_DELIVERY_EMAIL_BACKEND = "tasks.mail.ConsoleAndFileBackend"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="tasks.mail.QueuedEmailBackend")
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Weiterbildungsverbund <buero@verbund.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Accounts ----------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Weiterbildungsverbund] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https") else "http"
ACCOUNT_ADAPTER = "members.adapter.AccountAdapter"
# Signing up needs an invitation; the form fixes the invited address and asks for the name.
ACCOUNT_FORMS = {"signup": "members.adapter.InvitationSignupForm"}
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Failed logins (README, "Anmeldung und Sperren"): 10 a minute per address for all accounts;
# 5 in 5 minutes per account and address ("key" is narrowed to the address by the adapter).
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
# Many failures on one account from several addresses slow it down for unknown addresses.
VERBUND_LOGIN_GUARD = {
    "ACCOUNT_FAILURES": env.int("LOGIN_PACE_AFTER_FAILURES", default=10),
    "WINDOW_SECONDS": 15 * 60,
    "PACE_SECONDS": env.int("LOGIN_PACE_SECONDS", default=10),
    "KNOWN_SOURCE_DAYS": 30,
    "KNOWN_SOURCES_KEPT": 10,
}
ACCOUNT_LOGOUT_ON_GET = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff without a TOTP authenticator are sent to set one up before opening these paths.
STAFF_PATH_PREFIXES = ["/admin/"]
MFA_TOTP_ISSUER = "Weiterbildungsverbund"

# --- Internationalisation -----------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "verbund" / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_CONTENT_LANGUAGES = [("de", "Deutsch")]

# --- Static and media files ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "verbund" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
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
WHITENOISE_USE_FINDERS = DEBUG

# --- Wagtail -------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Weiterbildungsverbund"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILADMIN_LOGIN_URL = "/konto/login/"
WAGTAIL_FRONTEND_LOGIN_URL = "/konto/login/"
# Private pages and documents are for signed-in accounts only: a shared page password would
# be a second way in without rate limit or second factor.
WAGTAIL_PRIVATE_PAGE_OPTIONS = {"PASSWORD": False}
WAGTAILDOCS_PRIVATE_COLLECTION_OPTIONS = {"PASSWORD": False}
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "mp4",
    "odt",
    "pdf",
    "pptx",
    "txt",
    "vtt",
    "webm",
    "xlsx",
    "zip",
]
# SVG for the office's logo, besides the usual photo formats.
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "svg", "webp"]
# Shown in the page rather than downloaded: the sign language video and its captions.
WAGTAILDOCS_INLINE_CONTENT_TYPES = [
    "application/pdf",
    "text/plain",
    "video/mp4",
    "video/webm",
    "text/vtt",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Largest request body apart from uploaded files (a JSON body, a form): 2.5 MB, Django's
# default, said out loud because the API documents it; larger ones get 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The admin loads nothing from third parties: no Gravatar images, no release check.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# --- Security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_EXPIRE_AT_BROWSER_CLOSE = False
SESSION_COOKIE_AGE = 60 * 60 * 12
# Wagtail's preview views set SAMEORIGIN for themselves; nothing else is framed.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Every page: scripts and styles only from our own static files, no inline script. Style
# *attributes* stay allowed (Wagtail sets widths and colours that way; they run no code).
# Only the Wagtail admin (/admin/, for signed-in staff) also allows inline scripts and
# styles, which Wagtail 8 still needs (verbund.middleware.ContentSecurityPolicyMiddleware).
# Violations are reported to /csp-report/ and logged.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "frame-src": ["'self'"],
        # Wagtail's preview frames the site in its own admin; nobody else may.
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "report-uri": ["/csp-report/"],
    },
}
# Browser features no page of the site uses are switched off for it and for anything framed.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), serial=(), "
    "browsing-topics=()"
)
if not DEBUG:
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    if env.bool("BEHIND_PROXY", default=False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        USE_X_FORWARDED_HOST = True
        # Rate limits per visitor (login, advice form) take the address from
        # X-Forwarded-For as set by this many proxies of our own.
        ALLAUTH_TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
