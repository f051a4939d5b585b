"""S3-compatible storages (django-storages) whose files keep the site's own addresses.

A bucket's own address would let a reader skip the checks the site makes: private
originals and renditions are shown to staff at ``MEDIA_URL`` (the admin's media view,
behind the second factor), public copies at ``PUBLIC_MEDIA_URL`` (``public_copy_gate``,
which answers only for a copy a live page shows today). So ``url()`` gives those
addresses, never a bucket's, and evidence storage gives none at all.
"""

from __future__ import annotations

from urllib.parse import quote

from botocore.config import Config
from storages.backends.s3 import S3Storage


class BoundedS3Storage(S3Storage):
    """An S3 bucket that gives up after ``timeout_seconds`` (connect, then read).

    The options stay plain values (a number, not a botocore ``Config``): Wagtail's
    file-deletion task passes the storage's options through its task queue.
    """

    def __init__(self, *, timeout_seconds: float = 5.0, **options):
        options.setdefault(
            "client_config",
            Config(
                connect_timeout=timeout_seconds,
                read_timeout=timeout_seconds,
                retries={"max_attempts": 1, "mode": "standard"},
            ),
        )
        super().__init__(**options)


class SiteAddressS3Storage(BoundedS3Storage):
    """An S3 bucket (or prefix) whose files are addressed under ``public_url``."""

    def __init__(self, *, public_url: str, **options):
        self.site_url_prefix = public_url
        super().__init__(**options)

    def url(self, name, parameters=None, expire=None, http_method=None):
        return self.site_url_prefix + quote(name.lstrip("/"))


class PrivateS3Storage(BoundedS3Storage):
    """An S3 bucket (or prefix) whose files have no address (incident evidence)."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("These files have no public address.")
