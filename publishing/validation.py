"""Checks on what an editor writes for a network, at editing time (part 4).

The same limit is checked again at send, by the adapter's `check_post`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from publishing import selectors
from publishing.bilingual_posts import post_words
from publishing.models import SocialAccount, SocialPost
from publishing.networks.base import network_class
from publishing.networks.bluesky import BlueskyNetwork
from publishing.networks.instagram import MAX_HASHTAGS, hashtag_count
from publishing.networks.x import TCO_LINK_LENGTH, weighted_length
from publishing.text import post_text_with_link

# How each network counts length: X weighs characters and counts every link as 23;
# Bluesky counts graphemes ("ŵ" and a flag are one each).
LENGTH_FUNCTIONS = {"x": weighted_length, "bluesky": BlueskyNetwork.text_length}
LINK_WEIGHTS = {"x": TCO_LINK_LENGTH}


def post_length(*, network: str, text: str, link: str) -> tuple[int, int]:
    """The post's length as the network counts it (links included), and its limit."""
    composed = post_text_with_link(text=text, link=link)
    count = LENGTH_FUNCTIONS.get(network, len)
    return count(composed), network_class(network).max_length


# A network whose limit is beyond this (Facebook's 63,206) has no limit a writer
# needs to watch: the counter shows the length only, not "/ 63206".
COUNTER_SHOWS_LIMITS_UP_TO = 5_000


def length_rules() -> dict[str, dict]:
    """For the editor's counter: each account's network, limit and link weight.

    ``max`` is None where the limit is too large to matter to a writer.
    """
    return {
        str(account.pk): {
            "network": account.get_network_display(),
            "max": _limit_for_counter(network_class(account.network).max_length),
            "link": LINK_WEIGHTS.get(account.network),
        }
        for account in SocialAccount.objects.exclude(
            status__in=[SocialAccount.Status.REJECTED]
        )
    }


def _limit_for_counter(max_length: int) -> int | None:
    return max_length if max_length <= COUNTER_SHOWS_LIMITS_UP_TO else None


def _page_link(page) -> str:
    if page is not None and page.pk and page.url_path:
        return page.full_url or f"{settings.SITE_URL}{page.url_path}"
    return f"{settings.SITE_URL}/news/a-new-page/"


@dataclass(frozen=True)
class BilingualFit:
    """One bilingual post counted whole, the way its network counts (issue 27).

    The server's figure, shown under the post's text when the editor opens and after
    each save; the editor's script only estimates from the same parts as one types.
    """

    network: str  # the network's code ("x", "bluesky")
    network_name: str
    length: int  # both texts, the blank line between them and the link
    limit: int
    own_first: bool  # this language's text comes first in the post
    partner_text: str  # the other language's words (its translation's post)
    link_length: int  # what the link, on its own line, adds to the count

    @property
    def fits(self) -> bool:
        return self.length <= self.limit

    @property
    def message(self) -> str:
        if self.fits:
            return _(
                "Both languages together: %(length)s of the %(limit)s characters "
                "allowed on %(network)s, with the link to the website."
            ) % {
                "length": self.length,
                "limit": self.limit,
                "network": self.network_name,
            }
        return _(
            "Both languages together are too long for one %(network)s post: "
            "%(length)s characters (with the link to the website) where %(limit)s "
            "are allowed. Shorten them by %(over)s, or choose “%(pair)s”."
        ) % {
            "network": self.network_name,
            "length": self.length,
            "limit": self.limit,
            "over": self.length - self.limit,
            "pair": SocialPost.Languages.PAIR.label,
        }


def bilingual_fit(*, post, page) -> BilingualFit | None:
    """``post`` counted with its other language's text, when the two go as one
    post (a bilingual school, parity on, both written, both "together")."""
    if page is None or not page.pk or not post.text or not post.account_id:
        return None
    words = post_words(post=post, page=page)
    if not words.together or not words.partner_texts:
        return None
    account = post.account
    link = _page_link(words.link_page)
    length, limit = post_length(network=account.network, text=words.text, link=link)
    with_link, _limit = post_length(network=account.network, text="x", link=link)
    return BilingualFit(
        network=account.network,
        network_name=account.get_network_display(),
        length=length,
        limit=limit,
        own_first=words.link_page.pk == page.pk,
        partner_text=words.partner_texts[0][1].strip(),
        link_length=with_link - 1,
    )


def _bilingual_length_error(*, post, page) -> str:
    """A bilingual post that will not fit its network whole: the pair is offered."""
    fit = bilingual_fit(post=post, page=page)
    return fit.message if fit is not None and not fit.fits else ""


def social_post_errors(*, post) -> dict[str, str]:
    """Field errors for a SocialPost: unknown or unapproved account, text too long."""
    errors: dict[str, str] = {}
    account = post.account if post.account_id else None
    if account is None:
        return errors
    problem = selectors.account_governance_problem(account=account)
    if problem and account.status != account.Status.SUSPENDED:
        errors["account"] = f"Cannot post to {account.name}: {problem}"
    page = getattr(post, "page", None)
    length, limit = post_length(
        network=account.network, text=post.text or "", link=_page_link(page)
    )
    bilingual = _bilingual_length_error(post=post, page=page)
    if bilingual:
        errors["text"] = bilingual
    elif length > limit:
        errors["text"] = (
            f"Too long for {account.get_network_display()}: {length} characters "
            f"(with the link to the website) where {limit} are allowed. "
            f"Shorten it by {length - limit}."
        )
    if account.network == "instagram":
        hashtags = hashtag_count(post.text or "")
        if hashtags > MAX_HASHTAGS:
            errors["text"] = (
                f"Instagram allows {MAX_HASHTAGS} hashtags in a caption; this has "
                f"{hashtags}. Remove {hashtags - MAX_HASHTAGS}."
            )
        if not post.include_image:
            errors["include_image"] = (
                "Every Instagram post is a photo: tick this and give the page a "
                "listing image, or leave Instagram out."
            )
    if post.include_image and page is not None:
        specific = page if hasattr(page, "listing_image_id") else page.specific
        if getattr(specific, "listing_image_id", None) is None:
            errors["include_image"] = "The page has no listing image to attach."
    return errors
