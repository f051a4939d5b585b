"""Keep each image's and document's consent clearance, which rendering reads.

cms never imports moderation, yet every surface that shows media (templates, the
API, feeds, search) must show an item only while this app's rule-set clears it.
So this module stores the verdict on the item itself: ``consent_cleared`` (the
website rules in ``rules.media_violations`` pass today) and
``consent_cleared_until`` (the last day they will pass without another change: the
earliest consent expiry or day before leaving among the learners pictured; None
when there is none). Rendering compares that date with today, so an expiry is
honoured on the day even before the nightly job runs, with no query per item.

It is recomputed whenever an input changes: the item (tags, staff consent,
withdrawal), its learners, a learner's register entry or a consent record, and
every night for all media (``media_clearance_refresh_all``).
"""

from __future__ import annotations

import datetime

from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from moderation.models import ConsentUse, Learner

from .rules import Channel, media_violations
from .selectors import current_consent

CLEARANCE_FIELDS = ("consent_cleared", "consent_cleared_until")


def _last_cleared_day(learners: list[Learner]) -> datetime.date | None:
    consent = current_consent(
        learner_ids={learner.pk for learner in learners}, uses=[ConsentUse.WEBSITE]
    )
    ends = []
    for learner in learners:
        record = consent.get(learner.pk, {}).get(ConsentUse.WEBSITE)
        if record is not None and record.expires_on is not None:
            ends.append(record.expires_on)
        if learner.left_on is not None:
            ends.append(learner.left_on - datetime.timedelta(days=1))
    return min(ends, default=None)


def media_clearance_refresh(*, item, on: datetime.date | None = None) -> bool:
    """Recompute ``item``'s clearance; save (and so notify cms) only on a change.

    Returns whether the item is cleared for the website.
    """
    violations = media_violations(item, channel=Channel.website(), on=on)
    cleared = not violations
    until = _last_cleared_day(list(item.learners.all())) if cleared else None
    if (item.consent_cleared, item.consent_cleared_until) != (cleared, until):
        item.consent_cleared = cleared
        item.consent_cleared_until = until
        # A save with only these fields: cms makes the item public or private.
        item.save(update_fields=list(CLEARANCE_FIELDS))
    return cleared


def learner_media_clearance_refresh(*, learner_id: int) -> None:
    """A learner's register entry or consent changed: recheck their media."""
    for model in (get_image_model(), get_document_model()):
        for item in model.objects.filter(learners__pk=learner_id).distinct():
            media_clearance_refresh(item=item)


def media_clearance_refresh_all(*, on: datetime.date | None = None) -> int:
    """Nightly catch-up: recheck every item; returns how many are cleared."""
    cleared = 0
    for model in (get_image_model(), get_document_model()):
        for item in model.objects.prefetch_related("learners"):
            with transaction.atomic():
                cleared += media_clearance_refresh(item=item, on=on)
    return cleared


# --- Receivers (connected in moderation/signal_handlers.py) ---------------------

#: Saves of only these fields change no input of the clearance.
_OUTPUT_FIELDS = frozenset({*CLEARANCE_FIELDS, "public_files"})


def on_media_saved(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields is not None and set(update_fields) <= _OUTPUT_FIELDS):
        return
    media_clearance_refresh(item=instance)


def on_learners_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """m2m_changed of an item's learners (either side of the relation)."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        media_clearance_refresh(item=instance)
        return
    for model in (get_image_model(), get_document_model()):
        if model.learners.through is sender:
            for item in model.objects.filter(pk__in=pk_set or ()):
                media_clearance_refresh(item=item)


def on_pictured_row_changed(sender, instance, raw=False, **kwargs):
    """A SchoolImageLearner / SchoolDocumentLearner row written or deleted directly."""
    if raw:
        return
    item = getattr(instance, "image", None) or getattr(instance, "document", None)
    if item is not None:
        media_clearance_refresh(item=type(item).objects.get(pk=item.pk))


def on_learner_saved(sender, instance, raw=False, created=False, **kwargs):
    if raw or created:
        return  # a new learner is in no picture yet
    learner_media_clearance_refresh(learner_id=instance.pk)


def on_consent_recorded(sender, instance, raw=False, **kwargs):
    if not raw:
        learner_media_clearance_refresh(learner_id=instance.learner_id)
