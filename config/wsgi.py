"""WSGI entry point for gunicorn; stored anonymous pages are answered before Django."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

from cms.caching.page_cache import PageCacheApplication  # noqa: E402 (after setup)

application = PageCacheApplication(get_wsgi_application())
