"""Reading mentions from every source of every school, once each.

The scheduled job (``mentions_read``) reads each school's alert feeds and its
Bluesky search, records each post once per school however many sources carry it,
flags posts that name a learner or a member of staff, then sends the emails due.
A source that fails keeps its reason for staff to see and is read again next time:
nothing found is lost, and nothing is recorded twice.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from publishing.credentials import CredentialsUnavailable
from publishing.models import Network, SocialAccount
from publishing.networks.base import NetworkError
from publishing.services.accounts import account_adapter

from .emails import mention_emails_send
from .feeds import FeedRefused, FoundPost, feed_download, feed_parse
from .flags import NameReader
from .models import Mention, MentionFeed, MentionSearch

logger = logging.getLogger(__name__)

#: How far back the first Bluesky search of a school looks.
FIRST_SEARCH = datetime.timedelta(days=7)
#: Searches overlap the last one a little: a post indexed late is still found.
SEARCH_OVERLAP = datetime.timedelta(minutes=30)
#: Query parameters that only say where a reader came from (not which post).
_TRACKING = ("utm_", "fbclid", "gclid", "ref_src")


def mention_key(*, url: str, fallback: str) -> str:
    """One post's identity at a school: its address without tracking, or ``fallback``.

    Google Alerts and a news site's own feed give the same article with different
    tracking parameters; both are one mention.
    """
    if url:
        parts = urlsplit(url.strip())
        query = urlencode(
            [
                (name, value)
                for name, value in parse_qsl(parts.query, keep_blank_values=True)
                if not name.lower().startswith(_TRACKING)
            ]
        )
        identity = urlunsplit(
            (
                "https",  # the same page over http or https
                parts.netloc.lower().removeprefix("www."),
                parts.path.rstrip("/") or "/",
                query,
                "",
            )
        )
    else:
        identity = fallback
    return hashlib.sha256(identity.encode()).hexdigest()


def _record(
    *,
    site: Site,
    post: FoundPost,
    source: str,
    names: NameReader,
    feed: MentionFeed | None = None,
    now: datetime.datetime,
) -> bool:
    """Keep ``post`` once for ``site``; True when it is new."""
    key = mention_key(url=post.url, fallback=post.guid or f"{post.title}\n{post.text}")
    if Mention.objects.filter(site=site, key=key).exists():
        return False
    named = names.named(post.title, post.text)
    try:
        with transaction.atomic():
            Mention.objects.create(
                site=site,
                key=key,
                source=source,
                feed=feed,
                url=post.url,
                title=post.title,
                text=post.text,
                author=post.author,
                published_at=post.published_at,
                found_at=now,
                names_learner=named.learner,
                names_staff=named.staff,
            )
    except IntegrityError:
        return False  # another host's run recorded it a moment ago
    return True


def feed_read(
    *, feed: MentionFeed, now: datetime.datetime, names: NameReader | None = None
) -> int:
    """Read one alert feed; returns how many new mentions it brought."""
    try:
        posts = feed_parse(feed_download(feed.url))
    except FeedRefused as error:
        feed.problem = str(error)
        feed.save(update_fields=["problem"])
        logger.warning(
            "Mention feed %s not read: %s",
            feed.pk,
            error,
            extra={"event": "mentions.feed_refused", "feed": feed.pk},
        )
        return 0
    names = names or NameReader(site=feed.site)
    new = sum(
        _record(
            site=feed.site,
            post=post,
            source=Mention.Source.FEED,
            feed=feed,
            names=names,
            now=now,
        )
        for post in posts
    )
    feed.problem = ""
    feed.last_read_at = now
    feed.save(update_fields=["problem", "last_read_at"])
    return new


def searching_account(site: Site) -> SocialAccount | None:
    """The school's connected Bluesky account, which Bluesky searches are made as."""
    return (
        SocialAccount.objects.approved()
        .filter(
            site=site,
            network=Network.BLUESKY,
            connection=SocialAccount.Connection.CONNECTED,
        )
        .order_by("pk")
        .first()
    )


def bluesky_search(
    *, search: MentionSearch, now: datetime.datetime, names: NameReader | None = None
) -> int:
    """Search Bluesky for each of the school's terms; returns how many new mentions.

    The school's own posts are not mentions (they are in the inbox's account).
    """
    terms = search.entries()
    if not terms:
        return 0
    account = searching_account(search.site)
    if account is None:
        search.problem = _(
            "Connect the school's Bluesky account to search Bluesky for mentions."
        )
        search.save(update_fields=["problem"])
        return 0
    since = (search.last_read_at or now - FIRST_SEARCH) - SEARCH_OVERLAP
    own_handle = account.handle.lstrip("@").lower()
    names = names or NameReader(site=search.site)
    new = 0
    try:
        network = account_adapter(account=account)
        for term in terms:
            for post in network.search_posts(query=term, since=since):
                if post.handle.lower() == own_handle:
                    continue
                new += _record(
                    site=search.site,
                    post=FoundPost(
                        url=post.url,
                        title="",
                        text=post.text,
                        author=post.author,
                        published_at=post.created_at,
                        guid=post.uri,
                    ),
                    source=Mention.Source.BLUESKY,
                    names=names,
                    now=now,
                )
    except (NetworkError, CredentialsUnavailable) as error:
        search.problem = getattr(error, "reason", str(error))
        search.save(update_fields=["problem"])
        logger.warning(
            "Bluesky mention search for school %s failed: %s",
            search.site_id,
            search.problem,
            extra={"event": "mentions.search_failed", "site": search.site_id},
        )
        return new
    search.problem = ""
    search.last_read_at = now
    search.save(update_fields=["problem", "last_read_at"])
    return new


def school_mentions_read(*, site: Site, now: datetime.datetime) -> int:
    """Every source of one school; returns how many new mentions."""
    names = NameReader(site=site)
    new = sum(
        feed_read(feed=feed, now=now, names=names)
        for feed in MentionFeed.objects.filter(site=site)
    )
    search = MentionSearch.objects.filter(site=site).first()
    if search is not None:
        new += bluesky_search(search=search, now=now, names=names)
    return new


def mentions_read(*, now: datetime.datetime) -> str:
    """The scheduled job: read every school's sources, then send the emails due."""
    schools = Site.objects.filter(
        pk__in=MentionFeed.objects.values("site")
    ) | Site.objects.filter(
        pk__in=MentionSearch.objects.exclude(terms="").values("site")
    )
    new = sum(school_mentions_read(site=site, now=now) for site in schools.distinct())
    sent = mention_emails_send(now=now)
    return f"{new} new mention(s), {sent} email(s) sent."


def feed_add(*, site: Site, title: str, url: str, by) -> MentionFeed:
    """Add a feed and read it at once, so staff see straight away whether it works."""
    feed = MentionFeed.objects.create(site=site, title=title, url=url, added_by=by)
    feed_read(feed=feed, now=timezone.now())
    return feed
