"""Reads of the consent register: current consent, who may see what, page media."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from cms.models import SchoolDocumentLearner, SchoolImageLearner
from moderation.models import ConsentRecord, ConsentUse, Learner


def can_view_register(user) -> bool:
    """Safeguarding and senior leadership (and superusers) may see the register."""
    return bool(user and user.is_active and user.has_perm("moderation.view_learner"))


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
        ConsentUse.NEWSLETTER_EMAIL: "email",
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


@dataclass(frozen=True, slots=True)
class PicturedLearner:
    """What the consent rules read of one learner: their names, status and consent.

    A plain snapshot, not a model instance: a page picturing a whole register reads
    2,000 of these in one query, where model instances (and their consent records)
    would cost more than the whole check may take (issue 22).
    """

    pk: int
    first_name: str
    last_name: str
    known_as: str
    left_on: datetime.date | None
    do_not_publish: bool
    consent_given: bool | None  # the newest decision for the use; None: never asked
    consent_expires_on: datetime.date | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def initials(self) -> str:
        """How a learner is named to staff who may not see the register."""
        return "".join(
            f"{part[:1].upper()}." for part in (self.first_name, self.last_name)
        )

    def has_left(self, on: datetime.date) -> bool:
        return self.left_on is not None and self.left_on <= on

    def consent_in_force(self, on: datetime.date) -> bool:
        """Given and not expired on ``on`` (as ``ConsentRecord.is_in_force``)."""
        return bool(self.consent_given) and (
            self.consent_expires_on is None or self.consent_expires_on >= on
        )


def pictured_learners(
    *, learner_ids: Iterable[int], use: str
) -> dict[int, PicturedLearner]:
    """The learners ``learner_ids`` with their newest decision for ``use``: one query.

    The newest record per learner is picked by the database (an index seek per
    learner on ``learner, use, -recorded_at``), so the cost does not grow with the
    consent history, and the number of queries never grows with the learners.
    """
    ids = set(learner_ids)
    if not ids:
        return {}
    newest = ConsentRecord.objects.filter(learner=OuterRef("pk"), use=use).order_by(
        "-recorded_at", "-pk"
    )
    rows = (
        Learner.objects.filter(pk__in=ids)
        .annotate(
            consent_given=Subquery(newest.values("given")[:1]),
            consent_expires_on=Subquery(newest.values("expires_on")[:1]),
        )
        .order_by()
        .values_list(
            "pk",
            "first_name",
            "last_name",
            "known_as",
            "left_on",
            "do_not_publish",
            "consent_given",
            "consent_expires_on",
        )
    )
    return {row[0]: PicturedLearner(*row) for row in rows}
