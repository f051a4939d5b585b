"""Which of a page's photos a social post carries, and what the approver is told.

A post carries the page's photos in the order a reader meets them: the listing
image first, then each photo in the body (the same walk the consent check makes,
`moderation.consent.page_media`, so every photo sent has been checked for this
account), each once, as many as the network takes in one post: one on a Facebook
Page, four on X and Bluesky, a carousel of up to ten on Instagram.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from wagtail.images import get_image_model

from moderation.consent.page_media import page_media
from publishing import notice_cards
from publishing.networks.base import network_class


def page_photos(page) -> list:
    """Every image ``page`` shows, listing image first, each once, in reading order."""
    ids = list(dict.fromkeys(page_media(page.specific).image_ids))
    found = get_image_model().objects.in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def photos_for_post(*, post, page) -> list:
    """The photos ``post`` sends with ``page``: none unless asked for, at most the
    network's limit per post."""
    if not post.include_image:
        return []
    network = network_class(post.account.network)
    if not network.supports_media:
        return []
    return page_photos(page)[: network.max_images]


def photo_notes(*, post, page) -> list[str]:
    """What the network does to the post's photos that the approver should know."""
    network = network_class(post.account.network)
    photos = page_photos(page) if post.include_image else []
    if not photos:
        if network.needs_image and notice_cards.carries_card(page):
            return [
                _(
                    "%(network)s posts are pictures: this one carries a card showing "
                    "the school's name, the notice's title, its dates and the start "
                    "of its message, described in full for screen readers."
                )
                % {"network": network.label}
            ]
        return []
    notes = []
    if network.supports_media and len(photos) > network.max_images:
        notes.append(
            _(
                "%(network)s takes %(most)s photo(s) in a post: the first %(most)s of "
                "this page's %(count)s photos go."
            )
            % {
                "network": network.label,
                "most": network.max_images,
                "count": len(photos),
            }
        )
    for photo in photos[: network.max_images]:
        note = network.photo_note(width=photo.width, height=photo.height)
        if note:
            notes.append(note)
    return notes
