"""Finding a delivery's post on its network when the outcome of a send is unknown.

Every post links back to its page with the delivery's own id in the link
(`publishing.text.link_for_delivery`). When a send's answer was lost or garbled, or its
worker died mid-send, the ledger reads the account's recent posts through the same
adapter and looks for that link: found, the post is adopted (or deleted, when the page
was withdrawn); certainly absent, it may be sent; unreadable, a person decides. The
ledger's state changes stay in `publishing.services.deliveries`; this module only
looks.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from publishing.models import Delivery
from publishing.networks.base import (
    AuthExpired,
    Network,
    NetworkError,
    RemotePost,
    TransientNetworkError,
)
from publishing.text import carries_link

#: How far before a delivery was written its post is looked for (clocks differ).
CLOCK_MARGIN = timedelta(minutes=10)


class NetworkUnreadable(Exception):
    """The account's posts could not be read in full: nothing may be concluded.

    Attributes:
        hold_account: the credentials are the problem (the account is held until a
            person connects it again, and the look is repeated then).
        transient: the network may answer later (unreachable, busy, rate-limited),
            so the look may be tried again before a person is asked.
    """

    def __init__(
        self, reason: str, *, hold_account: bool = False, transient: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.hold_account = hold_account
        self.transient = transient


def delivery_posts_on_network(
    *, delivery: Delivery, adapter: Network
) -> list[RemotePost]:
    """The account's posts that carry this delivery's link, oldest first.

    Usually none or one; more than one only if posts were made before links carried
    their delivery's id, or by hand.

    Raises:
        NetworkUnreadable: the account's posts could not be read in full.
    """
    try:
        posts = adapter.recent_posts(
            since=delivery.created_at - CLOCK_MARGIN,
            include_photos=delivery.include_image,
        )
    except NetworkError as error:
        raise NetworkUnreadable(
            error.reason,
            hold_account=isinstance(error, AuthExpired),
            transient=isinstance(error, TransientNetworkError),
        ) from None
    found: dict[str, RemotePost] = {}
    for post in reversed(posts):  # oldest first; a photo post may be listed twice
        if carries_link(post.text, delivery.link) or delivery.link in post.links:
            found.setdefault(post.remote_id, post)
    return list(found.values())


def what_was_found(*, delivery: Delivery, found: list[RemotePost]) -> str:
    """What the look found, in words for staff and the audit log."""
    network = delivery.account.get_network_display()
    if not found:
        return (
            f"{network}'s list of the account's posts since "
            f"{timezone.localtime(delivery.created_at):%d %b %H:%M} has no post "
            f"linking to {delivery.link}."
        )
    ids = ", ".join(post.remote_id for post in found)
    return f"{network} has {len(found)} post(s) linking to {delivery.link}: {ids}."
