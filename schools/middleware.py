"""A host name that names no school gets a page saying so, never another school's.

Wagtail answers an unknown host name with the default site. With one school that is
right (every address of the installation is that school's); with several it would
show one school's pages, term dates and notices at an address that is not theirs.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.template.response import TemplateResponse

from .current import ADMIN_PREFIX, public_site_for_request

#: Not a school's content: the staff admin (it chooses its school from the session)
#: and the static files every page needs.
EXEMPT_PREFIXES = (ADMIN_PREFIX, settings.STATIC_URL or "/static/")


class UnknownSchoolMiddleware:
    """After ``cms.caching.sites.SiteLookupMiddleware`` (it reads what that keeps)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if not request.path.startswith(EXEMPT_PREFIXES) and (
            public_site_for_request(request) is None
        ):
            host = split_domain_port(request.get_host())[0]
            response = TemplateResponse(
                request, "schools/unknown_school.html", {"host": host}, status=404
            )
            response["Cache-Control"] = "no-store"
            return response.render()
        return self.get_response(request)
