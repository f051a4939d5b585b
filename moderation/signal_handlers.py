"""Signal wiring for moderation; connected from ModerationConfig.ready()."""

from django.db.models.signals import post_delete, post_save, pre_save

from cms.caching.generation import content_changed

from .consent import guards
from .models import ConsentRecord, Learner
from .signals import consent_withdrawn
from .workflow import notifications as workflow_notifications


def on_consent_withdrawn(sender, learner_id=None, **kwargs) -> None:
    """C1: no cached page may keep showing a withdrawn photo or video."""
    content_changed(reason=f"consent withdrawn (learner {learner_id})")


def on_consent_register_changed(sender, instance, **kwargs) -> None:
    """Videos ask the register on every render: a change there changes pages."""
    content_changed(reason=f"{sender.__name__} {instance.pk} changed")


def register() -> None:
    """Connect moderation's receivers."""
    pre_save.connect(
        guards.refuse_unconsented_publication,
        dispatch_uid="moderation.consent.refuse_unconsented_publication",
    )
    workflow_notifications.register()
    consent_withdrawn.connect(
        on_consent_withdrawn, dispatch_uid="moderation.consent.page_cache"
    )
    for model in (Learner, ConsentRecord):
        for signal, action in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                on_consent_register_changed,
                sender=model,
                dispatch_uid=f"moderation.page_cache.{model.__name__}.{action}",
            )
