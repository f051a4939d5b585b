"""What a browser downloads to show one page: bytes per kind and requests.

Shared by ``bench/page_weight.py`` (prints the figures per public page type) and the
e2e weight budget test (a news page on a phone stays under 150 KB).
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Playwright's resource types, grouped as the figures are printed.
KINDS = {"document": "html", "stylesheet": "css", "image": "images"}


@dataclass
class PageWeight:
    """Bytes by kind (html, css, images, other) and the request count."""

    bytes_by_kind: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    image_urls: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.bytes_by_kind.values())

    def line(self, name: str) -> str:
        kb = {kind: self.bytes_by_kind.get(kind, 0) / 1024 for kind in
              ("html", "css", "images", "other")}  # fmt: skip
        return (
            f"{name:<14} html {kb['html']:6.1f} KB  css {kb['css']:5.1f} KB  "
            f"images {kb['images']:6.1f} KB  other {kb['other']:5.1f} KB  "
            f"total {self.total / 1024:6.1f} KB  {self.requests:2d} requests"
        )


def page_weight(page, url: str) -> PageWeight:
    """Load ``url`` in ``page`` (scrolled to the end, so lazy pictures load too)."""
    weight = PageWeight()

    def count(response) -> None:
        kind = KINDS.get(response.request.resource_type, "other")
        try:
            size = len(response.body())
        except Exception:  # noqa: BLE001 (a redirect or aborted request has no body)
            size = 0
        weight.bytes_by_kind[kind] = weight.bytes_by_kind.get(kind, 0) + size
        weight.requests += 1
        if kind == "images":
            weight.image_urls.append(response.url)

    page.on("response", count)
    page.goto(url, wait_until="load")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", count)
    return weight
