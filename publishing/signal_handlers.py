"""Signal wiring for publishing; connected from PublishingConfig.ready()."""


def register() -> None:
    """Connect publishing's receivers (the delivery ledger adds its own)."""
