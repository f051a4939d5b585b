"""Signals moderation sends; other apps listen (moderation never imports them).

``consent_withdrawn`` is sent once per learner each time their consent for a use ends
(withdrawn, expired, left school) or they are put on the do-not-publish list. kwargs:
``image_ids: list[int]``, ``document_ids: list[int]`` (the media picturing them),
``learner_id: int`` and ``reason: str`` (plain English, never the safeguarding reason).
Publishing listens and deletes the social posts that carried any of that media (C1).
"""

from django.dispatch import Signal

consent_withdrawn = Signal()
