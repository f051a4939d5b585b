"""django-csp's middleware with two policies: the public site's and the admin's.

The policies themselves are settings (``config/settings/csp.py``): the strict
``CONTENT_SECURITY_POLICY`` for every page, and ``CONTENT_SECURITY_POLICY_ADMIN``
for paths under ``CSP_ADMIN_PREFIXES``, where Wagtail's JavaScript runs.
"""

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings


class SiteContentSecurityPolicyMiddleware(CSPMiddleware):
    """Send the admin policy under /admin/ and the public one everywhere else."""

    def get_policy_parts(self, request, response, report_only=False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        prefixes = tuple(getattr(settings, "CSP_ADMIN_PREFIXES", ()))
        if (
            not report_only
            and parts.config is None
            and prefixes
            and request.path_info.startswith(prefixes)
        ):
            parts.config = default_config(
                settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
            )
        return parts
