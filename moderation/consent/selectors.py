"""Reads of the consent register: current consent, who may see what, page media."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone

from cms.models import SchoolDocumentLearner, SchoolImageLearner
from moderation.models import ConsentRecord, ConsentUse, Learner


def can_view_register(user) -> bool:
    """Safeguarding and senior leadership (and superusers) may see the register."""
    return bool(user and user.is_active and user.has_perm("moderation.view_learner"))


def can_view_do_not_publish_reason(user) -> bool:
    """Only the designated safeguarding lead sees why a learner is not published."""
    return bool(
        user
        and user.is_active
        and user.has_perm("moderation.view_do_not_publish_reason")
    )


def current_consent(
    *, learner_ids: Iterable[int], uses: Iterable[str] | None = None
) -> dict[int, dict[str, ConsentRecord]]:
    """Each learner's newest consent record per use, in one query.

    A learner or use missing from the result has never been asked: no consent.
    """
    records = ConsentRecord.objects.filter(learner_id__in=list(learner_ids))
    if uses is not None:
        records = records.filter(use__in=list(uses))
    current: dict[int, dict[str, ConsentRecord]] = {}
    for record in records.order_by("learner_id", "use", "-recorded_at", "-pk"):
        current.setdefault(record.learner_id, {}).setdefault(record.use, record)
    return current


def consent_summary(
    *,
    learner: Learner,
    records: dict[str, ConsentRecord],
    on: datetime.date | None = None,
) -> str:
    """'website ✓, closed social ✓, public ✗, press ✗' or 'do not publish'.

    What an editor tagging a photo sees: a status, never the reason (C2).
    """
    on = on or timezone.localdate()
    if learner.do_not_publish:
        return "do not publish"
    if learner.has_left(on):
        return "left school"
    labels = {
        ConsentUse.WEBSITE: "website",
        ConsentUse.CLOSED_SOCIAL: "closed social",
        ConsentUse.PUBLIC_SOCIAL: "public social",
        ConsentUse.PRESS: "press",
    }
    parts = []
    for use, label in labels.items():
        record = records.get(use)
        in_force = record is not None and record.is_in_force(on)
        parts.append(f"{label} {'✓' if in_force else '✗'}")
    return "consent: " + ", ".join(parts)


def pictured_learner_ids() -> set[int]:
    """Learners shown in any image or document that has not been withdrawn."""
    images = SchoolImageLearner.objects.filter(image__consent_withdrawn_at__isnull=True)
    documents = SchoolDocumentLearner.objects.filter(
        document__consent_withdrawn_at__isnull=True
    )
    return set(images.values_list("learner_id", flat=True)) | set(
        documents.values_list("learner_id", flat=True)
    )


def learners_may_be_shown(learners, *, on: datetime.date | None = None) -> bool:
    """Whether every learner may appear on the website today (C1, C2).

    Used by cms's video block (``settings.CONSENT_LEARNERS_MAY_BE_SHOWN``) so that
    a live page stops showing a video as soon as consent ends for anyone in it.
    """
    on = on or timezone.localdate()
    consent = current_consent(
        learner_ids=[learner.pk for learner in learners], uses=[ConsentUse.WEBSITE]
    )
    for learner in learners:
        record = consent.get(learner.pk, {}).get(ConsentUse.WEBSITE)
        if learner.do_not_publish or learner.has_left(on):
            return False
        if record is None or not record.is_in_force(on):
            return False
    return True
