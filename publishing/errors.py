"""Domain errors that views turn into clear messages."""


class GovernanceError(Exception):
    """An account rule (A1-A3) forbids the action; the message says which and why."""


class DeliveryStateError(Exception):
    """The delivery is not in a state that allows the action asked for."""
