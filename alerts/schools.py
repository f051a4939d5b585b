"""Which school a request is for: the one place alerts asks (to repoint later)."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from wagtail.models import Site


def current_school(request: HttpRequest) -> Site:
    """The school (Wagtail site) whose website the request came to.

    A parent signing up on school A's website subscribes to school A only.

    Raises:
        Http404: no school answers at this address.
    """
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No school at this address.")
    return site
