"""Signal wiring for moderation; connected from ModerationConfig.ready()."""

from django.db.models.signals import (
    m2m_changed,
    post_delete,
    post_save,
    pre_delete,
    pre_save,
)
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.signals import page_published, page_unpublished

from cms.caching.generation import content_changed

from .consent import clearance, deletion, guards, lapses
from .consent.duplicates import media_inherit_from_copies
from .models import ConsentRecord, Learner
from .signals import consent_withdrawn
from .workflow import notifications as workflow_notifications
from .workflow import parity


def inherit_from_earlier_copies(sender, instance, raw=False, **kwargs) -> None:
    """``post_save``: a new file that matches a tagged or withdrawn item inherits it."""
    if raw or not getattr(instance, "fingerprint_changed", False):
        return
    media_inherit_from_copies(item=instance)


def on_consent_withdrawn(sender, learner_id=None, **kwargs) -> None:
    """C1: no cached page may keep showing a withdrawn photo or video."""
    content_changed(reason=f"consent withdrawn (learner {learner_id})")


def schedule_consent_lapse(sender, instance, raw=False, **kwargs) -> None:
    """A consent end date or leaving date saved: the withdrawal runs at that moment."""
    ends = getattr(instance, "expires_on", None) or getattr(instance, "left_on", None)
    if not raw and ends is not None:
        lapses.consent_lapse_schedule_on_commit()


def on_consent_register_changed(sender, instance, **kwargs) -> None:
    """Videos ask the register on every render: a change there changes pages."""
    content_changed(reason=f"{sender.__name__} {instance.pk} changed")


def on_page_unpublished(sender, instance, user=None, **kwargs) -> None:
    """A bilingual school's page leaves the website with its translations (issue 27)."""
    parity.unpublish_translations(page=instance, user=user)


def resolve_language_exceptions(sender, instance, **kwargs) -> None:
    """A language that was let wait is live now: its exception is over; a pair
    whose go-live was held is approved again: the dashboard stops showing it."""
    parity.resolve_exceptions(page=instance)


def register() -> None:
    """Connect moderation's receivers."""
    pre_save.connect(
        guards.refuse_unconsented_publication,
        dispatch_uid="moderation.consent.refuse_unconsented_publication",
    )
    for model in (get_image_model(), get_document_model()):
        label = model._meta.label_lower
        pre_delete.connect(
            deletion.refuse_deleting_kept_media,
            sender=model,
            dispatch_uid=f"moderation.consent.keep_media.{label}",
        )
        post_save.connect(
            inherit_from_earlier_copies,
            sender=model,
            dispatch_uid=f"moderation.consent.inherit_copies.{label}",
        )
    _register_clearance()
    page_published.connect(
        resolve_language_exceptions, dispatch_uid="moderation.parity.resolve"
    )
    workflow_notifications.register()
    page_unpublished.connect(
        on_page_unpublished, dispatch_uid="moderation.parity.unpublish_translations"
    )
    consent_withdrawn.connect(
        on_consent_withdrawn, dispatch_uid="moderation.consent.page_cache"
    )
    for model in (Learner, ConsentRecord):
        post_save.connect(
            schedule_consent_lapse,
            sender=model,
            dispatch_uid=f"moderation.consent_lapse.{model.__name__}",
        )
        for signal, action in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                on_consent_register_changed,
                sender=model,
                dispatch_uid=f"moderation.page_cache.{model.__name__}.{action}",
            )


def _register_clearance() -> None:
    """Keep each item's consent clearance current (consent/clearance.py)."""
    for model in (get_image_model(), get_document_model()):
        label = model._meta.label
        post_save.connect(
            clearance.on_media_saved, sender=model, dispatch_uid=f"clearance.{label}"
        )
        through = model.learners.through
        m2m_changed.connect(
            clearance.on_learners_changed,
            sender=through,
            dispatch_uid=f"clearance.m2m.{label}",
        )
        for signal in (post_save, post_delete):
            signal.connect(
                clearance.on_pictured_row_changed,
                sender=through,
                dispatch_uid=f"clearance.row.{label}.{signal is post_save}",
            )
    post_save.connect(
        clearance.on_learner_saved, sender=Learner, dispatch_uid="clearance.learner"
    )
    post_save.connect(
        clearance.on_consent_recorded,
        sender=ConsentRecord,
        dispatch_uid="clearance.consent_record",
    )
