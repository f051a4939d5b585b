"""A photo in an email: only when the school turns it on, and the consent is there.

An email cannot be recalled, so a photo of pupils goes in one only if the school has
turned "photos in emails" on (``AlertSettings``, off by default) and every learner
pictured has consent for newsletters and emails today, by the same consent rule-set
as every channel (C1, C2, C5; C3 with the email's own words). The email shows the
photo's public copy on the school's website, which exists only while the consent
rules clear it for the website too: never a private rendition or an original.
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.models import Page

from cms.public_media import public_rendition
from moderation.consent.rules import Channel, media_violations

from .messages import site_address
from .models import Alert, AlertSettings

#: The size of the photo in an email: the website's card size.
PHOTO_FILTER = "fill-600x400"


@dataclass(frozen=True)
class EmailPhoto:
    url: str
    width: int
    height: int
    alt: str


def _photo_of(page):
    """The picture a page shows in listings (a news post's listing image)."""
    return getattr(page, "listing_image", None)


def alert_photo(alert: Alert) -> EmailPhoto | None:
    """The photo to show in ``alert``'s email, or None: send it without one."""
    if alert.page_id is None:
        return None
    if not AlertSettings.for_site(alert.site).photos_in_emails:
        return None
    page = Page.objects.filter(pk=alert.page_id).first()
    image = _photo_of(page.specific) if page else None
    if image is None:
        return None
    channel = Channel.email(text=f"{alert.title}\n{alert.summary}")
    if media_violations(image, channel=channel):
        return None
    rendition = public_rendition(image, PHOTO_FILTER)
    if rendition is None:
        return None
    url = rendition.url
    if url.startswith("/"):
        url = site_address(alert.site, url)
    return EmailPhoto(
        url=url, width=rendition.width, height=rendition.height, alt=rendition.alt
    )
