"""Signal wiring for moderation; connected from ModerationConfig.ready()."""


def register() -> None:
    """Connect moderation's receivers (none yet: consent and workflow add theirs)."""
