"""Reading an alert feed from the internet without trusting it.

A feed is somebody else's file: it may be huge, broken, or built to hurt the reader.

- Where: only addresses on the internet are fetched, and each redirect is checked
  the same way, so a feed address cannot reach the school's own network or the
  server's; the name is looked up once and the checked address is the one
  connected to, so a name that changes its answer (DNS rebinding) gains nothing
  (``mentions.internet_address``; ``MENTIONS_FEEDS_ALLOW_PRIVATE_ADDRESSES`` is for
  the tests' loopback feed server only).
- Size: the download stops at ``MENTIONS_FEED_MAX_BYTES`` whatever the
  ``Content-Length`` says (or does not say), and a read times out.
- XML entities: a feed that declares entities is refused before it is parsed
  (``defusedxml``), so neither "billion laughs" nor an external entity reading a
  local file is ever expanded. Feeds from alert services declare none. (feedparser
  on its own strips the document type and leaves such entities unexpanded too; the
  tests check both.)
- Broken XML: ``feedparser`` reads what it can of a feed with small mistakes; a
  document that is no feed at all (an HTML error page, garbage) is refused.
- Script in titles: the text is kept as plain text (tags stripped, entities
  decoded); templates escape it on display and nothing renders it as HTML.
"""

from __future__ import annotations

import datetime
import html
from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit
from xml.etree.ElementTree import ParseError

import feedparser
import requests
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from .internet_address import AddressRefused, pinned_get

CHUNK_BYTES = 64 * 1024
MAX_REDIRECTS = 5


class FeedRefused(Exception):
    """The feed could not be read, in words staff can act on."""


@dataclass(frozen=True)
class FoundPost:
    """A post about the school as a source describes it (plain text only)."""

    url: str
    title: str
    text: str
    author: str
    published_at: datetime.datetime | None
    guid: str = ""


def _get(url: str) -> requests.Response:
    """GET ``url``, following redirects only to addresses on the internet.

    Each address is looked up once and fetched from the address checked
    (``mentions.internet_address``), redirects included.
    """
    for _redirect in range(MAX_REDIRECTS + 1):
        try:
            response = pinned_get(
                url,
                timeout=settings.MENTIONS_FEED_TIMEOUT_SECONDS,
                headers={"Accept": "application/atom+xml, application/rss+xml, */*"},
            )
        except AddressRefused as refused:
            raise FeedRefused(str(refused)) from None
        if not response.is_redirect:
            return response
        response.close()
        url = urljoin(url, response.headers["Location"])
    raise FeedRefused(_("The feed's address redirects too many times."))


def feed_download(url: str) -> bytes:
    """The feed's bytes, at most ``MENTIONS_FEED_MAX_BYTES`` of them.

    Raises:
        FeedRefused: not on the internet, not reachable, an error status, or larger
            than allowed.
    """
    limit = settings.MENTIONS_FEED_MAX_BYTES
    try:
        with _get(url) as response:
            if response.status_code >= 400:
                raise FeedRefused(
                    _("The feed's address answered with error %(status)s.")
                    % {"status": response.status_code}
                )
            received = bytearray()
            for chunk in response.iter_content(CHUNK_BYTES):
                received += chunk
                if len(received) > limit:
                    raise FeedRefused(
                        _("The feed is larger than %(size)s MB; it was not read.")
                        % {"size": round(limit / 1_000_000, 1)}
                    )
            return bytes(received)
    except requests.RequestException as error:
        raise FeedRefused(
            _("The feed could not be fetched (%(reason)s).")
            % {"reason": type(error).__name__}
        ) from None


def _refuse_entities(content: bytes) -> None:
    """Refuse a feed that declares XML entities (never expanded, never fetched)."""
    try:
        defused_fromstring(content, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise FeedRefused(
            _(
                "The feed declares XML entities, which alert feeds never need; it "
                "was not read."
            )
        ) from None
    except (ParseError, ValueError):
        pass  # broken XML: feedparser reads what it can, below


def _plain(value: str) -> str:
    """Plain text from a feed's text or HTML: tags stripped, entities decoded."""
    return " ".join(html.unescape(strip_tags(value or "")).split())


def _when(entry) -> datetime.datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return datetime.datetime(*parsed[:6], tzinfo=datetime.UTC)


def _link(entry) -> str:
    link = entry.get("link") or ""
    # Google Alerts wraps each link in a redirect; keep the address it points to.
    if "google." in link and "url=" in link:
        target = parse_qs(urlsplit(link).query).get("url", [""])[0]
        link = target or link
    return link if link.startswith(("http://", "https://")) else ""


def feed_parse(content: bytes) -> list[FoundPost]:
    """The posts in a feed's bytes.

    Raises:
        FeedRefused: entities declared, or nothing readable as a feed.
    """
    _refuse_entities(content)
    parsed = feedparser.parse(content, sanitize_html=True, resolve_relative_uris=False)
    if not parsed.entries and not parsed.get("version"):
        raise FeedRefused(_("The address did not give a readable RSS or Atom feed."))
    return [
        FoundPost(
            url=_link(entry)[:2000],
            title=_plain(entry.get("title", ""))[:500],
            text=_plain(entry.get("summary", "")),
            author=_plain(entry.get("author", ""))[:300],
            published_at=_when(entry),
            guid=str(entry.get("id") or "")[:1000],
        )
        for entry in parsed.entries
    ]
