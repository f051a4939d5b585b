"""The language of a request comes from its address alone: ``/cy/...`` is Welsh.

Django's LocaleMiddleware also reads Accept-Language and a cookie, and marks every
unprefixed response ``Vary: Accept-Language``, which the page cache (rightly) refuses
to store: an English-only school would lose its cache. Here the address decides, so
one address is one answer and cached once. ``/cy/`` is Welsh only for a school that
publishes in Welsh; for any other it is an unknown English address (a 404).

First in the middleware: the page cache works out which query parameters a view
reads by resolving the path, and a ``/cy/`` path resolves only in Welsh.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import translation

from .caching.sites import site_for_request
from .languages import ENGLISH, WELSH, language_plan

WELSH_PREFIX = f"/{WELSH}/"


def language_for_request(request: HttpRequest) -> str:
    """Welsh for a ``/cy/`` address of a school publishing in Welsh, else English."""
    if not request.path_info.startswith(WELSH_PREFIX):
        return ENGLISH
    plan = language_plan(site_for_request(request), request=request)
    return WELSH if plan.publishes(WELSH) else ENGLISH


class AddressLanguageMiddleware:
    """Activate the request's language for the views and templates it reaches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        try:
            return self.get_response(request)
        finally:
            translation.activate(ENGLISH)
