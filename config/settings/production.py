"""Production settings: every secret and address comes from the environment.

Refuses to start when a required variable is missing, so a half-configured server never
comes up with a guessable key or a throwaway database.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .csp import *  # noqa: F403

REQUIRED_VARIABLES = (
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "SOCIAL_CREDENTIALS_KEY",
)
missing = [name for name in REQUIRED_VARIABLES if not os.environ.get(name, "").strip()]
if missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables: " + ", ".join(missing)
    )

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

CACHES["default"] = REDIS_CACHE  # noqa: F405 (base's, now that REDIS_URL is required)

# HTTPS behind nginx or a CDN that sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365))
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "SAMEORIGIN"

# django-axes reads the client's address from X-Forwarded-For set by the proxy in front
# (nginx or a CDN): the right-most AXES_PROXY_COUNT entries are the proxies' own.
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT", "1"))
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")

# Content-Security-Policy (config/settings/csp.py), right after SecurityMiddleware.
MIDDLEWARE.insert(  # noqa: F405
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,  # noqa: F405
    "cms.content_security_policy.SiteContentSecurityPolicyMiddleware",
)
# No staff e-mail hashes sent to Gravatar, and no third-party images in the admin.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
