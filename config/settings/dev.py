"""Settings for `make run` on a developer's or evaluator's machine."""

from .base import *  # noqa: F403

# Off by default, so `make run` shows the school's own 404 and 500 pages (as parents
# would see them), not Django's debug page with the URL map; DEBUG=1 turns it on.
DEBUG = env_bool("DEBUG")
# Without DEBUG, Django serves uploads only when told to: here, for the demo.
SERVE_MEDIA_FROM_DJANGO = True
# A fixed, clearly non-secret key for local use only; production.py demands its own.
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-key-never-use-in-production")  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,.localhost,[::1]")
EMAIL_DELIVERY_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
STORAGES["staticfiles"] = {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# A fixed, clearly development-only Fernet key for the demo's social credentials.
SOCIAL_CREDENTIALS_KEY = os.environ.get(
    "SOCIAL_CREDENTIALS_KEY", "ZGV2LW9ubHktc29jaWFsLWNyZWRlbnRpYWxzLWtleSE="
)
