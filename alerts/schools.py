"""Which school a request is for: the one place alerts asks."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from wagtail.models import Site

from schools.current import school_for_request


def current_school(request: HttpRequest) -> Site:
    """The school of the request (``schools.current.school_for_request``).

    On the website, the school whose address it is: a parent signing up on school
    A's website subscribes to school A only. In the admin, the school the member of
    staff works in, never the one the admin's host name happens to name: the office
    of one school never sees another school's families.

    Raises:
        Http404: no school answers at this address, or the member of staff works
            in none.
    """
    site = school_for_request(request)
    if site is None:
        raise Http404("No school at this address.")
    return site
