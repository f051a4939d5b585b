"""Signals moderation sends; other apps listen (moderation never imports them).

``consent_withdrawn`` is sent once per learner each time their consent for a use ends
(withdrawn, expired, left school) or they are put on the do-not-publish list. kwargs:
``image_ids: list[int]``, ``document_ids: list[int]`` (the media picturing them),
``learner_id: int`` and ``reason: str`` (plain English, never the safeguarding reason).
Publishing listens and deletes the social posts that carried any of that media (C1).

``content_taken_down`` is sent when an approver acts on a takedown request (I4), after
moderation has taken the page or image off the website. kwargs: ``page_ids``,
``image_ids`` (list[int]), ``post_urls`` (list[str]: addresses of social posts the
requester named) and ``reason`` (str). Publishing deletes every social post of those
pages, every post carrying those images and the posts at those addresses, and returns
a ``TakedownRetraction`` (from this module) saying how many and which addresses it did
not recognise.
"""

from dataclasses import dataclass, field

from django.dispatch import Signal

consent_withdrawn = Signal()
content_taken_down = Signal()


@dataclass(frozen=True)
class TakedownRetraction:
    """What a receiver of ``content_taken_down`` did about the social posts."""

    posts: int = 0
    unknown_urls: list[str] = field(default_factory=list)
