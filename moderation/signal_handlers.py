"""Signal wiring for moderation; connected from ModerationConfig.ready()."""

from django.db.models.signals import pre_save

from .consent import guards


def register() -> None:
    """Connect moderation's receivers."""
    pre_save.connect(
        guards.refuse_unconsented_publication,
        dispatch_uid="moderation.consent.refuse_unconsented_publication",
    )
