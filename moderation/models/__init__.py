"""Moderation's models, one module per feature."""

from .consent import ConsentRecord, ConsentUse, Learner, LearnerQuerySet
from .media import MediaMatch
from .workflow import ApprovalTask, ApprovalTaskState, ConsentCheckTask

__all__ = [
    "ApprovalTask",
    "ApprovalTaskState",
    "ConsentCheckTask",
    "ConsentRecord",
    "ConsentUse",
    "Learner",
    "LearnerQuerySet",
    "MediaMatch",
]
