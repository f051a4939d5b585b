"""Moderation's Wagtail hooks: each feature registers its own from its package."""

from moderation.workflow import wagtail_hooks as workflow_hooks  # noqa: F401
