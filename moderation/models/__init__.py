"""Moderation's models, one module per feature."""

from .consent import ConsentRecord, ConsentUse, Learner, LearnerQuerySet

__all__ = ["ConsentRecord", "ConsentUse", "Learner", "LearnerQuerySet"]
