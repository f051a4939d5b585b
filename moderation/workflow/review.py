"""What the review screen shows beside the preview: changes, photos, consent.

An approver signs for the page as parents will see it, so the screen answers the
questions they would otherwise have to dig for: what is different from the live page,
who is in each photo, and whether consent allows each photo on each channel the page
goes to (C1-C4). It reads the same consent rule-set the publishing paths enforce, so
what the screen says is what publishing will do.
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail.images import get_image_model

from moderation.consent.page_media import page_media
from moderation.consent.rules import Channel, media_violations
from moderation.consent.selectors import can_view_register


@dataclass(frozen=True)
class FieldChange:
    """One field of the page that differs from the live version."""

    label: str
    diff_html: str


@dataclass(frozen=True)
class ChannelStatus:
    """May this photo go to this channel, and if not, why (in the school's words)."""

    channel: str
    allowed: bool
    reasons: list[str]


@dataclass(frozen=True)
class PhotoReview:
    """One photo on the page: who is pictured and its consent on every channel."""

    image: object
    pictured: list[str]
    channels: list[ChannelStatus]
    thumbnail: object | None = None  # None: the file is damaged or not a picture

    @property
    def allowed_everywhere(self) -> bool:
        return all(status.allowed for status in self.channels)


def changes_since_live(*, page, revision_page, request) -> list[FieldChange] | None:
    """The fields ``revision_page`` changes from the live page; None if never live.

    Uses the comparison Wagtail's own "Compare" screen draws, field by field.
    """
    if not page.live:
        return None
    live_page = page.specific_class.objects.get(pk=page.pk)
    panel = page.specific_class.get_edit_handler().get_bound_panel(
        instance=live_page, request=request, form=None
    )
    changes = []
    for comparison_class in panel.get_comparison():
        comparison = comparison_class(live_page, revision_page)
        try:
            changed = comparison.has_changed()
        except (AttributeError, TypeError, ValueError):
            # A comparison Wagtail cannot draw for this field (e.g. a relation the
            # revision lacks) must not hide the page from its reviewer.
            continue
        if changed:
            changes.append(
                FieldChange(
                    label=str(comparison.field_label()),
                    diff_html=comparison.htmldiff(),
                )
            )
    return changes


def photos_for_review(*, revision_page, channels: list[Channel], viewer) -> list:
    """Every image the page shows, with who is pictured and consent per channel.

    Learners are named in full only to staff who may see the consent register;
    others see initials, as in every other message about consent.
    """
    media = page_media(revision_page)
    images = (
        get_image_model()
        .objects.filter(pk__in=set(media.image_ids))
        .prefetch_related("learners")
        .order_by("pk")
    )
    full_names = can_view_register(viewer)
    photos = []
    for image in images:
        learners = list(image.learners.all())
        statuses = []
        for channel in channels:
            violations = media_violations(image, channel=channel)
            statuses.append(
                ChannelStatus(
                    channel=_channel_label(channel),
                    allowed=not violations,
                    reasons=[violation.message for violation in violations],
                )
            )
        photos.append(
            PhotoReview(
                image=image,
                pictured=[
                    learner.full_name if full_names else learner.initials
                    for learner in learners
                ],
                channels=statuses,
                thumbnail=_thumbnail(image),
            )
        )
    return photos


def _thumbnail(image):
    """The photo's thumbnail, or None when its file cannot be read as a picture."""
    try:
        return image.get_rendition("max-240x180")
    except (OSError, ValueError):
        # A damaged file: the screen says so instead of failing (issue 22).
        return None


def review_channels(posts) -> list[Channel]:
    """The website, then each social account the page goes to (with its text)."""
    return [Channel.website()] + [
        Channel.social(post.account, post.closed, post.text) for post in posts
    ]


def _channel_label(channel: Channel) -> str:
    if channel.kind == "website":
        return "The website"
    return f"{channel.name}, {'closed' if channel.closed else 'public'} account"
