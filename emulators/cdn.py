"""A loopback stand-in for a CDN's purge API, in the two shapes the site speaks:

- Wagtail's generic HTTP backend (``cms.cdn_backends.HTTPPurgeBackend``) sends one
  ``PURGE`` per address, with the site's host in ``Host``, as it would to Varnish or
  an nginx purge endpoint;
- Cloudflare's "purge files by URL" (``cms.cdn_backends.CloudflarePurgeBackend``):
  ``POST /client/v4/zones/<zone>/purge_cache`` with ``{"files": [...]}`` and the API
  token as a bearer token; a wrong token is refused as Cloudflare refuses it.

It records what it was asked to forget. ``fail_next`` makes it refuse (``status=503``)
or hold the answer past the client's time-out (``"timeout"``).
"""

from __future__ import annotations

import html
import re
from typing import Any

from .server import Emulator, EmulatorRequest, EmulatorResponse, Failure, page

CLOUDFLARE_PURGE = re.compile(r"^/client/v4/zones/(?P<zone>[^/]+)/purge_cache$")
#: The zone and API token the emulator accepts unless told others.
DEMO_CLOUDFLARE_ZONE = "demo-zone"
DEMO_CLOUDFLARE_TOKEN = "demo-cloudflare-token"  # noqa: S105 (a loopback demo value)


class CdnPurgeEmulator(Emulator):
    title = "CDN purge API"

    def __init__(
        self,
        *,
        cloudflare_zone: str = DEMO_CLOUDFLARE_ZONE,
        cloudflare_token: str = DEMO_CLOUDFLARE_TOKEN,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.cloudflare_zone = cloudflare_zone
        self.cloudflare_token = cloudflare_token
        self.purged: list[str] = []

    def route(self, request: EmulatorRequest) -> EmulatorResponse:
        cloudflare = CLOUDFLARE_PURGE.match(request.path)
        if cloudflare and request.method == "POST":
            return self._cloudflare_purge(request, zone=cloudflare["zone"])
        if request.method != "PURGE":
            return EmulatorResponse.json({"error": "only PURGE is understood"}, 405)
        self.purged.append(f"http://{request.headers.get('host', '')}{request.path}")
        return EmulatorResponse.json({"status": "ok", "purged": request.path})

    def _cloudflare_purge(self, request: EmulatorRequest, *, zone: str):
        authorised = request.headers.get("authorization") == (
            f"Bearer {self.cloudflare_token}"
        )
        if not authorised or zone != self.cloudflare_zone:
            return _cloudflare_error(10000, "Authentication error", 403)
        files = (request.json() or {}).get("files")
        if not isinstance(files, list) or not files or len(files) > 30:
            return _cloudflare_error(1012, "Request must contain 1 to 30 files", 400)
        self.purged.extend(str(url) for url in files)
        return EmulatorResponse.json(
            {"success": True, "errors": [], "messages": [], "result": {"id": zone}}
        )

    def failure_response(
        self, failure: Failure, request: EmulatorRequest
    ) -> EmulatorResponse:
        if CLOUDFLARE_PURGE.match(request.path):
            return _cloudflare_error(10000, failure.kind, failure.status or 500)
        return EmulatorResponse.json({"error": failure.kind}, failure.status or 500)

    def snapshot(self) -> dict[str, Any]:
        return {"purged": list(self.purged)}

    def clear_state(self) -> None:
        self.purged = []

    def timeline_html(self) -> str:
        items = "".join(f"<li>{html.escape(url)}</li>" for url in self.purged)
        return page(self.title, f"<ul>{items}</ul>" if items else "<p>Nothing yet.</p>")


def _cloudflare_error(code: int, message: str, status: int) -> EmulatorResponse:
    return EmulatorResponse.json(
        {"success": False, "errors": [{"code": code, "message": message}]}, status
    )
