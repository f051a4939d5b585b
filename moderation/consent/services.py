"""Changes to the consent register. Each one that ends consent runs the cascade."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from moderation.models import ConsentRecord, ConsentUse, Learner

from .cascade import consent_cascade, scheduled_revisions_recheck
from .rules import USE_WORDS
from .selectors import current_consent, pictured_learner_ids

ALL_WITHDRAWN = "all consent withdrawn"
DO_NOT_PUBLISH = "put on the do-not-publish list"
LEFT_SCHOOL = "left the school"


def consent_record(
    *,
    learner: Learner,
    use: str,
    given: bool,
    given_on: datetime.date,
    recorded_by: str,
    user=None,
    expires_on: datetime.date | None = None,
) -> ConsentRecord:
    """Record a parent's decision for one use; a refusal stops that use at once (C1).

    Consent is judged as of now: a "yes" whose expiry date has already passed is no
    consent, so it starts the withdrawal cascade at once too.

    The old records stay: the register keeps the history of who agreed to what.
    """
    with transaction.atomic():
        record = ConsentRecord.objects.create(
            learner=learner,
            use=use,
            given=given,
            given_on=given_on,
            expires_on=expires_on,
            recorded_by=recorded_by,
            recorded_by_user=user,
        )
        if not given:
            consent_cascade(
                learner=learner,
                use=use,
                reason=f"consent for {USE_WORDS[ConsentUse(use)]} withdrawn",
                user=user,
            )
        elif expires_on is not None and expires_on < timezone.localdate():
            # Consent is judged as of now: an expiry already past ends it at once,
            # not at the nightly check (which stays as the catch-up).
            record.lapse_handled_at = timezone.now()
            record.save(update_fields=["lapse_handled_at"])
            consent_cascade(
                learner=learner,
                use=use,
                reason=expired_reason(use=use, expired_on=expires_on),
                user=user,
            )
    return record


def consent_withdraw_all(
    *,
    learner: Learner,
    recorded_by: str,
    user=None,
    on: datetime.date | None = None,
) -> list[ConsentRecord]:
    """Withdraw every use at once, as a parent asking "take my child off everything".

    One withdrawal record per use (the history shows each), then one cascade for all
    uses, so every photo leaves the website, the API and social media together (C1).
    """
    on = on or timezone.localdate()
    with transaction.atomic():
        records = [
            ConsentRecord.objects.create(
                learner=learner,
                use=use,
                given=False,
                given_on=on,
                recorded_by=recorded_by,
                recorded_by_user=user,
            )
            for use in ConsentUse.values
        ]
        consent_cascade(learner=learner, use=None, reason=ALL_WITHDRAWN, user=user)
    return records


def expired_reason(*, use: str, expired_on: datetime.date) -> str:
    """The words the audit log and emails use for consent that ran out."""
    return f"consent for {USE_WORDS[ConsentUse(use)]} expired on {expired_on:%d %B %Y}"


def learner_set_do_not_publish(*, learner: Learner, reason: str, user=None) -> None:
    """Put a learner on the do-not-publish list: never shown anywhere again (C2).

    ``reason`` is kept for the safeguarding lead only; the cascade, the audit log and
    the emails say just "put on the do-not-publish list".
    """
    with transaction.atomic():
        before = Learner.objects.get(pk=learner.pk)
        learner.do_not_publish = True
        learner.do_not_publish_reason = reason
        learner.save(update_fields=["do_not_publish", "do_not_publish_reason"])
        learner_changes_cascade(learner=learner, before=before, user=user)


def learner_changes_cascade(
    *, learner: Learner, before: Learner | None, user=None, today=None
) -> None:
    """After a learner is saved (admin form): newly barred or left means withdrawn.

    Args:
        learner: the learner as saved.
        before: the learner as it was (None when just created).
        user: who made the change.
        today: the day leaving dates are judged by.
    """
    today = today or timezone.localdate()
    if learner.do_not_publish and not (before and before.do_not_publish):
        consent_cascade(learner=learner, use=None, reason=DO_NOT_PUBLISH, user=user)
    elif learner.has_left(today) and not (before and before.has_left(today)):
        consent_cascade(learner=learner, use=None, reason=LEFT_SCHOOL, user=user)


def consent_expiry_sweep(*, on: datetime.date | None = None) -> int:
    """The daily check: withdraw uses whose consent expired or whose learner left.

    Idempotent: an expired record is handled once (``lapse_handled_at``), and a
    learner who left is cascaded only while some of their media is still live.

    Returns:
        How many cascades ran.
    """
    on = on or timezone.localdate()
    cascades = 0
    expired = ConsentRecord.objects.filter(
        given=True, expires_on__lt=on, lapse_handled_at__isnull=True
    ).select_related("learner")
    current = current_consent(learner_ids={record.learner_id for record in expired})
    for record in expired:
        if current.get(record.learner_id, {}).get(record.use) == record:
            consent_cascade(
                learner=record.learner,
                use=record.use,
                reason=expired_reason(use=record.use, expired_on=record.expires_on),
            )
            cascades += 1
        record.lapse_handled_at = timezone.now()
        record.save(update_fields=["lapse_handled_at"])
    left = Learner.objects.filter(left_on__lte=on).filter(pk__in=pictured_learner_ids())
    for learner in left:
        consent_cascade(learner=learner, use=None, reason=LEFT_SCHOOL)
        cascades += 1
    scheduled_revisions_recheck(on=on)
    return cascades
