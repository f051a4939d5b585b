"""Signal wiring for moderation; connected from ModerationConfig.ready()."""

from django.db.models.signals import post_save, pre_delete, pre_save
from wagtail.documents import get_document_model
from wagtail.images import get_image_model

from .consent import deletion, guards
from .consent.duplicates import media_inherit_from_copies
from .workflow import notifications as workflow_notifications


def inherit_from_earlier_copies(sender, instance, raw=False, **kwargs) -> None:
    """``post_save``: a new file that matches a tagged or withdrawn item inherits it."""
    if raw or not getattr(instance, "fingerprint_changed", False):
        return
    media_inherit_from_copies(item=instance)


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
    workflow_notifications.register()
