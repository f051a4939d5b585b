"""The text of a post: the editor's words plus the link back to the website (P2)."""

from __future__ import annotations

from django.conf import settings


def post_text_with_link(*, text: str, link: str) -> str:
    """Append the page's link unless the editor already included it (P2)."""
    text = text.strip()
    if link in text:
        return text
    return f"{text}\n\n{link}" if text else link


def page_link(page) -> str:
    """The page's address on the school website, the canonical record (P2)."""
    return page.full_url or f"{settings.SITE_URL}{page.url_path}"
