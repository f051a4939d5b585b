"""Moderation's models, one module per feature."""

from .consent import ConsentRecord, ConsentUse, Learner, LearnerQuerySet
from .held_go_lives import HeldGoLive
from .incidents import (
    BlockedAccount,
    EvidenceItem,
    Incident,
    IncidentCategory,
    IncidentDeletionRecord,
    IncidentEvent,
    Platform,
    Referral,
    Severity,
    TakedownRequest,
)
from .language_exceptions import LanguageException
from .media import MediaMatch
from .staff_roles import RoleGrant
from .workflow import ApprovalTask, ApprovalTaskState, ConsentCheckTask

__all__ = [
    "ApprovalTask",
    "BlockedAccount",
    "ApprovalTaskState",
    "ConsentCheckTask",
    "ConsentRecord",
    "ConsentUse",
    "EvidenceItem",
    "HeldGoLive",
    "Incident",
    "IncidentCategory",
    "IncidentDeletionRecord",
    "IncidentEvent",
    "Learner",
    "LanguageException",
    "LearnerQuerySet",
    "MediaMatch",
    "Platform",
    "Referral",
    "RoleGrant",
    "Severity",
    "TakedownRequest",
]
