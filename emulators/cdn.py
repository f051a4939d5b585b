"""A loopback stand-in for a CDN's purge API: Wagtail's generic HTTP backend
(``wagtail.contrib.frontend_cache.backends.HTTPBackend``) sends it one ``PURGE`` per
address, with the site's host in ``Host``, as it would to Varnish or an nginx purge
endpoint. It records what it was asked to forget.
"""

from __future__ import annotations

import html
from typing import Any

from .server import Emulator, EmulatorRequest, EmulatorResponse, Failure, page


class CdnPurgeEmulator(Emulator):
    title = "CDN purge API"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.purged: list[str] = []

    def route(self, request: EmulatorRequest) -> EmulatorResponse:
        if request.method != "PURGE":
            return EmulatorResponse.json({"error": "only PURGE is understood"}, 405)
        self.purged.append(f"http://{request.headers.get('host', '')}{request.path}")
        return EmulatorResponse.json({"status": "ok", "purged": request.path})

    def failure_response(
        self, failure: Failure, request: EmulatorRequest
    ) -> EmulatorResponse:
        return EmulatorResponse.json({"error": failure.kind}, failure.status or 500)

    def snapshot(self) -> dict[str, Any]:
        return {"purged": list(self.purged)}

    def clear_state(self) -> None:
        self.purged = []

    def timeline_html(self) -> str:
        items = "".join(f"<li>{html.escape(url)}</li>" for url in self.purged)
        return page(self.title, f"<ul>{items}</ul>" if items else "<p>Nothing yet.</p>")
