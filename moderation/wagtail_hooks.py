"""Moderation's admin hooks, one module per feature, imported here for Wagtail."""

from .consent import wagtail_hooks as consent_hooks  # noqa: F401
from .incidents import wagtail_hooks as incident_hooks  # noqa: F401
from .staff_roles import wagtail_hooks as staff_role_hooks  # noqa: F401
from .workflow import wagtail_hooks as workflow_hooks  # noqa: F401
