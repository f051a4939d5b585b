"""Forged or damaged admin forms answer 400 with a message, never a 500.

Wagtail's editors assume the POST came from their own JavaScript: a stream field's
``<name>-count`` is read with ``request.POST[...]`` and rich text is parsed as the
editor's JSON. A post without them (a forged request, a browser extension, a form
cut short) raised ``MultiValueDictKeyError`` or ``JSONDecodeError`` deep inside
form validation, before anything is saved, and the member of staff saw a server
error. Both exceptions say precisely "the submitted data is not what the form
sends", so they are answered as a bad request here; anything else still reaches
the error page and the log as the bug it is.
"""

import json
import logging

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.datastructures import MultiValueDictKeyError

logger = logging.getLogger(__name__)

MALFORMED_POST = (MultiValueDictKeyError, json.JSONDecodeError)
ADMIN_PREFIX = "/admin/"
MESSAGE = "The form that was sent was incomplete or damaged, so nothing was saved."


def admin_bad_request(request: HttpRequest, message: str = MESSAGE) -> HttpResponse:
    """A 400 page in the admin's own frame, saying nothing was saved and why."""
    back_url = request.get_full_path() if request.method == "GET" else request.path
    body = render_to_string(
        "cms/admin/bad_request.html",
        {"message": message, "back_url": back_url or reverse("wagtailadmin_home")},
        request=request,
    )
    return HttpResponse(body, status=400)


class MalformedAdminPostMiddleware:
    """Turn an admin POST's missing or unparseable fields into a 400 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if request.method != "POST" or not request.path_info.startswith(ADMIN_PREFIX):
            return None
        if not isinstance(exception, MALFORMED_POST):
            return None
        logger.warning(
            "Malformed admin form on %s: %s: %s",
            request.path,
            type(exception).__name__,
            exception,
            extra={"event": "admin.malformed_post", "path": request.path},
        )
        return admin_bad_request(request)
