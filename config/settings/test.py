"""Settings for the pytest suite: fast hashing, local-memory cache, real Redis."""

import os
from urllib.parse import urlsplit, urlunsplit

from config.embedded_redis import shared_test_redis_url

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CACHES["default"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
# Wagtail caches renditions by image id, and ids come round again after each test's
# rollback: without this a test could be shown another test's picture.
CACHES["renditions"] = {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
# A cached page costs no query however slow the machine; the test of a lost cache
# write sets it to 0.
CONTENT_CHANGE_CHECK_SECONDS = 60.0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The local feed server is on loopback (tests/mentions turn this off to check it).
MENTIONS_FEEDS_ALLOW_PRIVATE_ADDRESSES = True
EMAIL_DELIVERY_BACKEND = EMAIL_BACKEND
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# `make test` runs the suite in several processes (pytest-xdist): each keeps its
# files, its test database (pytest-django adds the worker to the name) and its Redis
# database apart from the others'.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... or ""
TEST_FILES_DIR = VAR_DIR / f"test-files-{XDIST_WORKER}" if XDIST_WORKER else VAR_DIR
MEDIA_ROOT = TEST_FILES_DIR / "test-media"
PUBLIC_MEDIA_ROOT = TEST_FILES_DIR / "test-public-media"
STORAGES["default"]["OPTIONS"]["location"] = str(MEDIA_ROOT)
STORAGES["public_media"]["OPTIONS"]["location"] = str(PUBLIC_MEDIA_ROOT)
WAGTAILADMIN_BASE_URL = SITE_URL = "http://testserver"
WAGTAILAPI_BASE_URL = SITE_URL


def _redis_url_for_this_worker(url: str) -> str:
    """A real Redis: REDIS_URL when set (CI's second run), else a private embedded
    server (one per process, so one per worker).

    Each xdist worker moves REDIS_URL's database number on by its own number, and
    leaves what it chose in the environment: a worker or browser journey's back
    office that a test starts with that URL (and the worker's name) uses it as it is.
    """
    if not XDIST_WORKER:
        return url or shared_test_redis_url()
    if url and url == os.environ.get("TEST_WORKER_REDIS_URL"):
        return url
    if not url:
        url = shared_test_redis_url()
    else:
        parts = urlsplit(url)
        database = int(parts.path.strip("/") or 0) + int(
            XDIST_WORKER.removeprefix("gw")
        )
        url = urlunsplit(parts._replace(path=f"/{database % 16}"))
    os.environ["TEST_WORKER_REDIS_URL"] = url
    return url


REDIS_URL = _redis_url_for_this_worker(REDIS_URL)
RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 60} for name in RQ_QUEUE_NAMES}
SOCIAL_CREDENTIALS_KEY = "dGVzdC1vbmx5LXNvY2lhbC1jcmVkZW50aWFscy1rZXk="  # noqa: S105

# No collectstatic in tests: whitenoise finds files in the apps, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Withdrawn media go to a private location outside MEDIA_ROOT, as in production.
STORAGES["withdrawn_media"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": TEST_FILES_DIR / "test-withdrawn-media"},
}
STORAGES["incident_evidence"] = {
    "BACKEND": "moderation.incidents.storage.PrivateEvidenceStorage",
    "OPTIONS": {"location": TEST_FILES_DIR / "test-incident-evidence"},
}

# Backup codes are hashed with PBKDF2 (moderation.two_factor.backup_codes); few
# iterations keep the suite fast, as the fast password hasher does.
OTP_BACKUP_CODE_HASH_ITERATIONS = 1_000

# A file, not memory: the browser journeys' worker and cron processes
# (tests/e2e/stack.py) open the same test database as the live server.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    # A test database outlives no crash worth surviving: skip the disk flushes.
    DATABASES["default"]["OPTIONS"]["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
    )
