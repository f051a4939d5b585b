"""S3-compatible storages (django-storages) whose files keep the site's own addresses.

A bucket's own address would let a reader skip the checks the site makes: private
originals and renditions are shown to staff at ``MEDIA_URL`` (the admin's media view,
behind the second factor), public copies at ``PUBLIC_MEDIA_URL`` (``public_copy_gate``,
which answers only for a copy a live page shows today). So ``url()`` gives those
addresses, never a bucket's, and evidence storage gives none at all.
"""

from __future__ import annotations

from urllib.parse import quote

from storages.backends.s3 import S3Storage


class SiteAddressS3Storage(S3Storage):
    """An S3 bucket (or prefix) whose files are addressed under ``public_url``."""

    def __init__(self, *, public_url: str, **options):
        self.site_url_prefix = public_url
        super().__init__(**options)

    def url(self, name, parameters=None, expire=None, http_method=None):
        return self.site_url_prefix + quote(name.lstrip("/"))


class PrivateS3Storage(S3Storage):
    """An S3 bucket (or prefix) whose files have no address (incident evidence)."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError("These files have no public address.")
