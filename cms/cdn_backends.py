"""Wagtail's frontend_cache backends, made to say when a purge did not happen.

Wagtail's own backends log a refused or failed purge and return as if it worked, and
wait without limit for an answer; here a refusal, an error answer or a time-out
raises ``CdnPurgeFailed`` (its message is for staff), so ``cms.media_removals``
keeps the purge, tries it again later and shows it on the dashboard until it is done.
Each takes the same settings as Wagtail's (``WAGTAILFRONTENDCACHE``) plus an address
for the API, so the loopback emulator (``emulators/cdn.py``) or moto can stand in.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from urllib.parse import urlsplit, urlunsplit

import requests
from django.conf import settings
from wagtail import __version__ as wagtail_version
from wagtail.contrib.frontend_cache.backends import (
    CloudflareBackend,
    CloudfrontBackend,
    HTTPBackend,
)


class CdnPurgeFailed(Exception):
    """The CDN did not confirm the purge; the message says why, in plain words."""


def _timeout() -> float:
    return settings.CDN_PURGE_TIMEOUT_SECONDS


class HTTPPurgeBackend(HTTPBackend):
    """One ``PURGE`` per address to ``LOCATION``, with the site's host in ``Host``."""

    def purge(self, url: str) -> None:
        parts = urlsplit(url)
        target = urlunsplit(
            (self.cache_scheme, self.cache_netloc, parts.path, parts.query, "")
        )
        try:
            response = requests.request(
                "PURGE",
                target,
                headers={
                    "Host": parts.netloc,
                    "User-Agent": f"Wagtail-frontendcache/{wagtail_version}",
                },
                timeout=_timeout(),
            )
        except requests.RequestException as error:
            raise CdnPurgeFailed(
                f"The CDN did not answer ({type(error).__name__})."
            ) from error
        if response.status_code >= 400:
            raise CdnPurgeFailed(
                f"The CDN refused the purge (HTTP {response.status_code})."
            )


class CloudflarePurgeBackend(CloudflareBackend):
    """Cloudflare's "purge files by URL", 30 addresses a call."""

    def __init__(self, params):
        self.api_url = params.pop("API_URL", "https://api.cloudflare.com/client/v4")
        super().__init__(params)

    def _purge_urls(self, urls: Sequence[str]) -> None:
        headers = {"Content-Type": "application/json"}
        if self.cloudflare_token:
            headers["Authorization"] = f"Bearer {self.cloudflare_token}"
        else:
            headers["X-Auth-Email"] = self.cloudflare_email
            headers["X-Auth-Key"] = self.cloudflare_api_key
        endpoint = (
            f"{self.api_url.rstrip('/')}/zones/{self.cloudflare_zoneid}/purge_cache"
        )
        try:
            response = requests.post(
                endpoint,
                json={"files": list(urls)},
                headers=headers,
                timeout=_timeout(),
            )
        except requests.RequestException as error:
            raise CdnPurgeFailed(
                f"Cloudflare did not answer ({type(error).__name__})."
            ) from error
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        if response.status_code >= 400 or not answer.get("success"):
            messages = ", ".join(
                str(error.get("message", "")) for error in answer.get("errors", [])
            )
            raise CdnPurgeFailed(
                f"Cloudflare refused the purge (HTTP {response.status_code}"
                + (f": {messages}" if messages else "")
                + ")."
            )


class CloudFrontPurgeBackend(CloudfrontBackend):
    """A CloudFront invalidation of the addresses' paths."""

    def __init__(self, params):
        import boto3
        from botocore.config import Config

        endpoint_url = params.pop("ENDPOINT_URL", None)
        super().__init__(params)
        self.client = boto3.client(
            "cloudfront",
            endpoint_url=endpoint_url,
            region_name="us-east-1",  # CloudFront is global; its API lives here
            aws_access_key_id=params.get("AWS_ACCESS_KEY_ID"),
            aws_secret_access_key=params.get("AWS_SECRET_ACCESS_KEY"),
            aws_session_token=params.get("AWS_SESSION_TOKEN"),
            config=Config(
                connect_timeout=_timeout(),
                read_timeout=_timeout(),
                retries={"max_attempts": 2, "mode": "standard"},
            ),
        )

    def _create_invalidation(self, distribution_id: str, paths: list[str]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self.client.create_invalidation(
                DistributionId=distribution_id,
                InvalidationBatch={
                    "Paths": {"Quantity": len(paths), "Items": paths},
                    "CallerReference": str(uuid.uuid4()),
                },
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "error")
            raise CdnPurgeFailed(f"CloudFront refused the purge ({code}).") from error
        except BotoCoreError as error:
            raise CdnPurgeFailed(
                f"CloudFront did not answer ({type(error).__name__})."
            ) from error
