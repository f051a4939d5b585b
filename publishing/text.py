"""The text of a post: the editor's words plus the link back to the website (P2)."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings


def post_text_with_link(*, text: str, link: str) -> str:
    """Append the page's link unless the editor already included it (P2)."""
    text = text.strip()
    if link in text:
        return text
    return f"{text}\n\n{link}" if text else link


def page_link(page, *, account=None) -> str:
    """The page's address on the school website, the canonical record (P2).

    A trust's notice has no page in any school's tree: each account's post links to
    it on the website of the account's own school (``url_on_site``).
    """
    url_on_site = getattr(page, "url_on_site", None)
    if url_on_site is not None and account is not None:
        return url_on_site(account.site)
    return page.full_url or f"{settings.SITE_URL}{page.url_path}"


#: The query parameter that carries a delivery's id in the link back to the page.
DELIVERY_PARAMETER = "ref"
# What may continue a link: a longer link (`?ref=12` is not `?ref=123`).
_LINK_CONTINUES = re.compile(r"[\w%&=+\-~/#]")


def link_for_delivery(*, link: str, delivery_id: int) -> str:
    """The page's link carrying the delivery's id, so its post can be found again.

    Every post links back to the page (P2); the `ref` parameter makes that link, and
    so the post, unique to one delivery. When the outcome of a send is unknown, the
    ledger looks for this link in the account's recent posts before sending again.
    """
    parts = urlsplit(link)
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name != DELIVERY_PARAMETER
    ] + [(DELIVERY_PARAMETER, str(delivery_id))]
    return urlunsplit(parts._replace(query=urlencode(query)))


def carries_link(text: str, link: str) -> bool:
    """Whether `text` contains `link` exactly, not as the start of a longer link."""
    start = text.find(link)
    while start != -1:
        end = start + len(link)
        if end == len(text) or not _LINK_CONTINUES.match(text[end]):
            return True
        start = text.find(link, start + 1)
    return False


def post_text_for_delivery(*, text: str, page_url: str, delivery_link: str) -> str:
    """The editor's words with the delivery's link in place of the page's plain link.

    Where the editor wrote the page's address themselves it becomes the delivery's
    link (so the post still has one link, and X still counts it once); otherwise the
    delivery's link is added at the end, as `post_text_with_link` does (P2).
    """
    text = text.strip()
    start = text.find(page_url)
    while start != -1:
        end = start + len(page_url)
        if end == len(text) or not _LINK_CONTINUES.match(text[end]):
            return text[:start] + delivery_link + text[end:]
        start = text.find(page_url, start + 1)
    return post_text_with_link(text=text, link=delivery_link)
