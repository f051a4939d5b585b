"""Moderation's admin hooks, one module per feature, imported here for Wagtail."""

from .consent import wagtail_hooks as consent_hooks  # noqa: F401
