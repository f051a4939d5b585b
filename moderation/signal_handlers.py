"""Signal wiring for moderation; connected from ModerationConfig.ready()."""


def register() -> None:
    """Connect moderation's receivers (none yet: consent and workflow add theirs)."""
    from moderation.workflow import notifications as workflow_notifications

    workflow_notifications.register()
